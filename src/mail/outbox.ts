/**
 * The e-mail outbox: rows in PostgreSQL (the truth) and `send-email` jobs in Redis (the
 * transport). A row is queued inside the caller's transaction; its job is added after the
 * commit; `reconcile` re-adds jobs for rows whose job Redis lost. Sending claims the row
 * (`queued|retry → sending`), so a job delivered twice sends once; a row left `sending` by a
 * crash becomes `unknown` (housekeeping) and is re-sent only on request.
 */
import { UnrecoverableError } from 'bullmq';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { outboxMessageIds } from '../db/messages.js';
import {
  claimNotification,
  insertNotifications,
  markNotification,
  type NewNotification,
  pendingNotificationIds,
  releaseNotificationClaim,
} from '../db/notifications.js';
import type { Queryable } from '../db/pool.js';
import type { ItemJobSpec } from '../queue/enqueue.js';
import { enqueueItems } from '../queue/enqueue.js';
import { claimOwnRow, writeOutcome } from './held-outcome.js';
import { notificationMessageId } from './message-ids.js';
import { headerSafe, type SendResult, SmtpSendError } from './transport.js';

export const SEND_QUEUE = 'send-email';

export function notificationJob(id: number): ItemJobSpec {
  return { jobId: `notify.${id}`, data: { kind: 'notification', id } };
}

/** The send job of a mailing message (src/mail/send-message.ts). */
export function messageJob(id: number): ItemJobSpec {
  return { jobId: `send.${id}`, data: { kind: 'message', id } };
}

/** Queue an internal e-mail (once per dedup key) inside the caller's transaction. */
export async function queueNotification(db: Queryable, n: NewNotification): Promise<{ id: number; created: boolean }> {
  const { ids, created } = await queueNotifications(db, [n]);
  return { id: ids.get(n.dedupKey) as number, created: created.has(n.dedupKey) };
}

/** Many at once, in one statement: ids by dedup key, and the keys this call created. */
export function queueNotifications(db: Queryable, list: readonly NewNotification[]) {
  return insertNotifications(
    db,
    list.map((n) => ({ ...n, subject: headerSafe(n.subject), toEmail: headerSafe(n.toEmail) })),
    now(),
  );
}

/**
 * After the commit: add the send jobs. A crash before this line is healed by reconcile.
 * `replace` re-adds jobs whose earlier run ended (a re-send on request).
 */
export async function dispatchNotifications(app: App, ids: number[], opts: { replace?: boolean } = {}): Promise<void> {
  if (ids.length) await enqueueItems(app, SEND_QUEUE, ids.map(notificationJob), opts);
}

/**
 * Send jobs for every row still waiting in PostgreSQL: notifications, and mailing messages
 * whose mailing may send by now (a mailing held until the next working day gets its jobs then).
 */
export async function outboxJobs(db: Queryable): Promise<ItemJobSpec[]> {
  const [notifications, messages] = await Promise.all([pendingNotificationIds(db), outboxMessageIds(db, now())]);
  return [...notifications.map(notificationJob), ...messages.map(messageJob)];
}

export interface SendAttempt {
  attemptsMade: number;
  maxAttempts: number;
}

/** Send one notification; throws to make BullMQ retry a transient failure. */
export async function sendNotification(app: App, id: number, attempt: SendAttempt): Promise<{ state: string }> {
  const { row } = await claimOwnRow(
    app,
    { table: 'notifications', id },
    (t) => claimNotification(app.pool, id, now(), t),
    (t, error) => releaseNotificationClaim(app.pool, id, t, error),
  );
  if (!row) return { state: 'not-claimable' };
  const mailer = await app.mailer();
  let res: SendResult;
  try {
    res = await mailer.send({
      from: app.config.smtp.from,
      to: row.to_email,
      subject: row.subject,
      html: row.html,
      text: row.text_body,
      messageId: notificationMessageId(app.config.env.trackingSecret, row.id, app.config.smtp.messageIdDomain),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Churnguard-Kind': row.kind },
    });
  } catch (err) {
    const e = err instanceof SmtpSendError ? err : new SmtpSendError((err as Error).message, false, null, null, { cause: err });
    const last = attempt.attemptsMade + 1 >= attempt.maxAttempts;
    const state = e.permanent || last ? 'failed' : 'retry';
    const at = now();
    await writeOutcome(app, { table: 'notifications', id, outcome: state }, () =>
      markNotification(app.pool, id, state, at, e.response, e.message),
    );
    if (e.permanent) throw new UnrecoverableError(e.message);
    throw e;
  }
  // Accepted: never sent again. Held while PostgreSQL is away; if recording still fails, the row
  // becomes `unknown`.
  const sentAt = now();
  try {
    await writeOutcome(app, { table: 'notifications', id, outcome: 'sent' }, () =>
      markNotification(app.pool, id, 'sent', sentAt, res.response, null),
    );
  } catch (err) {
    throw new UnrecoverableError(`accepted by SMTP, but not recorded as sent: ${(err as Error).message}`);
  }
  return { state: 'sent' };
}
