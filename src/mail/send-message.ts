/**
 * Sending one message of a mailing (the `send-email` job with `{ kind: 'message', id }`, jobId
 * `send.<messageId>`): claim the row, fill the variant for the recipient, send through the
 * pooled transport under the worker's global rate limit, record the SMTP reply —
 * 250 → `sent`; 4xx / timeout → `retry` and BullMQ backs off (`failed` after the last
 * attempt); 5xx → `bounced`, never retried, the contact suppressed. An answer PostgreSQL cannot
 * take at once is held and written when it answers again (src/mail/held-outcome.ts).
 */
import { UnrecoverableError } from 'bullmq';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { Coalescer } from '../db/coalesce.js';
import {
  type ClaimedMessage,
  claimMessages,
  markMessageBounced,
  markMessageFailed,
  markMessagesSent,
  releaseMessageClaim,
} from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { isConnectionError } from '../db/pool.js';
import { counter } from '../metrics.js';
import { enqueueItems } from '../queue/enqueue.js';
import { claimOwnRow, writeOutcome } from './held-outcome.js';
import { mailingAssets, messageMail } from './mailing.js';
import { messageJob, SEND_QUEUE, type SendAttempt } from './outbox.js';
import { type SendResult, SmtpSendError } from './transport.js';

const sentTotal = counter('churnguard_messages_total', 'Mailing messages handled by this process, by resulting state.');

/**
 * Add the send jobs of messages after their transaction committed. `delayMs` holds them until
 * the mailing may send; `replace` first removes finished jobs of the same ids (a re-send on
 * request of messages whose earlier job completed).
 */
export async function dispatchMessages(
  app: App,
  ids: readonly number[],
  opts: { delayMs?: number; replace?: boolean } = {},
): Promise<void> {
  if (ids.length) await enqueueItems(app, SEND_QUEUE, ids.map(messageJob), opts);
}

/** The claims and sent marks of one pool's send jobs, each batch one statement and one commit (src/db/coalesce.ts). */
const groupCommits = new WeakMap<
  Pool,
  {
    claim: Coalescer<{ id: number; token: string; at: Date }, ClaimedMessage | null>;
    sent: Coalescer<{ id: number; at: Date; smtpResponse: string }, void>;
  }
>();

function groupCommit(pool: Pool) {
  let g = groupCommits.get(pool);
  if (!g) {
    g = {
      claim: new Coalescer((items) => claimMessages(pool, items)),
      sent: new Coalescer(async (items) => {
        await markMessagesSent(pool, items);
        return items.map(() => undefined);
      }),
    };
    groupCommits.set(pool, g);
  }
  return g;
}

/** Send one message; throws to make BullMQ retry a transient failure. */
export async function sendMessage(app: App, id: number, attempt: SendAttempt): Promise<{ state: string }> {
  const { row, token } = await claimOwnRow(
    app,
    { table: 'messages', id },
    (t) => groupCommit(app.pool).claim.submit({ id, token: t, at: now() }),
    (t, error) => releaseMessageClaim(app.pool, id, t, error),
  );
  if (!row) return { state: 'not-claimable' };
  if (row.state === 'cancelled') {
    sentTotal.inc({ state: 'cancelled' });
    return { state: 'cancelled' };
  }
  let mail: ReturnType<typeof messageMail>;
  try {
    mail = messageMail(app.config, await mailingAssets(app, row.mailing_id, row.variant), row, now());
  } catch (err) {
    if (isConnectionError(err)) {
      // Nothing was sent, PostgreSQL is away: give the row back for a later attempt.
      const error = `not sent: PostgreSQL did not answer (${(err as Error).message})`;
      await writeOutcome(app, { table: 'messages', id, outcome: 'not sent' }, () => releaseMessageClaim(app.pool, id, token, error));
      throw err;
    }
    // Nothing was sent: a message that cannot be written is a permanent failure, not an unknown.
    await markMessageFailed(app.pool, id, 'failed', null, `cannot write the e-mail: ${(err as Error).message}`);
    sentTotal.inc({ state: 'failed' });
    throw new UnrecoverableError((err as Error).message);
  }
  const mailer = await app.mailer();
  let res: SendResult;
  try {
    res = await mailer.send(mail);
  } catch (err) {
    const e = err instanceof SmtpSendError ? err : new SmtpSendError((err as Error).message, false, null, null, { cause: err });
    if (e.permanent && e.responseCode !== null && e.responseCode >= 500) {
      const at = now();
      await writeOutcome(app, { table: 'messages', id, outcome: 'bounced' }, () =>
        markMessageBounced(app.pool, id, at, e.response, e.message),
      );
      sentTotal.inc({ state: 'bounced' });
      throw new UnrecoverableError(e.message);
    }
    const last = e.permanent || attempt.attemptsMade + 1 >= attempt.maxAttempts;
    await writeOutcome(app, { table: 'messages', id, outcome: last ? 'failed' : 'retry' }, () =>
      markMessageFailed(app.pool, id, last ? 'failed' : 'retry', e.response, e.message),
    );
    sentTotal.inc({ state: last ? 'failed' : 'retry' });
    if (e.permanent) throw new UnrecoverableError(e.message);
    throw e;
  }
  // Accepted: whatever happens now, never send it again. The answer is held while PostgreSQL is
  // away; a row that still cannot be marked stays `sending` and becomes `unknown`.
  const sentAt = now();
  try {
    await writeOutcome(app, { table: 'messages', id, outcome: 'sent' }, () =>
      groupCommit(app.pool).sent.submit({ id, at: sentAt, smtpResponse: res.response }),
    );
  } catch (err) {
    throw new UnrecoverableError(`accepted by SMTP, but not recorded as sent: ${(err as Error).message}`);
  }
  sentTotal.inc({ state: 'sent' });
  return { state: 'sent' };
}
