/**
 * "No more e-mail": the event that ends sending (nothing left in the outbox or on the send
 * queue), then a quiet period on the SMTP server measured from its last activity.
 */
import type { App } from '../../src/app.js';
import type { TestSmtp } from './smtp.js';
import { quietFor, waitFor } from './wait.js';

/** No notification or message queued, retrying or being sent, and no send job pending or running. */
export async function waitForOutboxIdle(app: App, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the outbox to be idle',
    async () => {
      const { rows } = await app.pool.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM notifications WHERE state IN ('queued', 'retry', 'sending'))
              + (SELECT count(*) FROM messages WHERE state IN ('queued', 'retry', 'sending')) AS n`,
      );
      const jobs = await app.queues.get('send-email').getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Number(rows[0]?.n) === 0 && Object.values(jobs).every((n) => n === 0);
    },
    timeoutMs,
  );
}

/** Waits until nothing more is being sent; returns the number of e-mails the server accepted. */
export async function nothingMoreSent(app: App, smtp: TestSmtp, quietMs = 1000): Promise<number> {
  await waitForOutboxIdle(app);
  const [accepted] = await quietFor(
    'SMTP traffic',
    () => [smtp.messages.length, [...smtp.attempts.values()].reduce((a, b) => a + b, 0)],
    quietMs,
  );
  return accepted as number;
}
