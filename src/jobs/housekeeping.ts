/**
 * `housekeeping`: outbox rows left `sending` longer than twice the queue lock time were cut
 * off by a crash. The SMTP server may have accepted them, so they become `unknown` — shown
 * by `status`, re-sent only by `retry send-email --unknown` (notifications) or
 * `retry lpr-monthly --unknown` (mailing messages) — never silently sent again.
 */
import { z } from 'zod';
import { now } from '../clock.js';
import { markStaleMessagesUnknown } from '../db/messages.js';
import { markStaleNotificationsUnknown } from '../db/notifications.js';
import type { PeriodicJob } from './types.js';

export const housekeeping: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'housekeeping',
  description: 'mark e-mails cut off mid-send as unknown',
  periodKind: 'none',
  schedule: 'housekeeping',
  options: z.strictObject({}),
  async run({ app }) {
    const before = new Date(now().getTime() - 2 * app.config.queues.lockDurationMs);
    const notifications = await markStaleNotificationsUnknown(app.pool, before);
    const messages = await markStaleMessagesUnknown(app.pool, before);
    if (messages)
      app.log.warn({ messages }, 'mailing messages cut off mid-send are now unknown; see status, then retry lpr-monthly --unknown');
    return { notificationsMarkedUnknown: notifications, messagesMarkedUnknown: messages };
  },
};
