/** `send-email`: sends one outbox row (jobId `notify.<id>` or `send.<messageId>`) under the global SMTP rate limit. */
import { z } from 'zod';
import { sendNotification } from '../mail/outbox.js';
import { sendMessage } from '../mail/send-message.js';
import type { ItemJob } from './types.js';

const options = z.strictObject({
  /** Which outbox table the row is in: `notifications` (internal e-mails) or `messages` (mailings). */
  kind: z.enum(['notification', 'message']),
  id: z.number().int().positive(),
});

export const sendEmail: ItemJob<z.infer<typeof options>> = {
  kind: 'item',
  name: 'send-email',
  description: 'send one queued e-mail of the outbox (internal notifications, mailing messages)',
  options,
  async run({ app, options, queueJob }) {
    const attempt = { attemptsMade: queueJob?.attemptsMade ?? 0, maxAttempts: queueJob?.opts.attempts ?? 1 };
    return options.kind === 'message' ? sendMessage(app, options.id, attempt) : sendNotification(app, options.id, attempt);
  },
};
