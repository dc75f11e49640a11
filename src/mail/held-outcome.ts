/**
 * Outcomes held until they are written (issue 25). When the relay has answered — accepted,
 * refused, try later — the answer is the truth about a message, and PostgreSQL may not be there
 * to take it (a restart, a failover). The send worker then keeps the answer in memory and writes
 * it again with backoff, for up to `outbox.outcomeRetryMinutes`, instead of giving up: its
 * BullMQ job stays active meanwhile (BullMQ renews the lock of every job its processor has not
 * returned, so no other worker takes it) and neither completes nor fails until the row says
 * what happened. Only a process that dies holding an answer leaves its row `sending`, which
 * housekeeping then calls `unknown`, as before.
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../app.js';
import { isConnectionError } from '../db/pool.js';
import { counter, gauge } from '../metrics.js';

const heldNow = gauge('churnguard_outcomes_held', 'Relay answers held in memory right now because PostgreSQL did not answer.');
const heldTotal = counter(
  'churnguard_outcomes_held_total',
  'Relay answers that had to be held in memory until PostgreSQL answered again, by outcome.',
);
const heldGaveUp = counter(
  'churnguard_outcomes_held_given_up_total',
  'Held relay answers never written within outbox.outcomeRetryMinutes (their rows become unknown).',
);

let holding = 0;
let heldSinceStart = 0;
heldNow.set(0);

/** Answers held in memory now, and since this process started (an outage's record). */
export function heldOutcomes(): { now: number; total: number } {
  return { now: holding, total: heldSinceStart };
}

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5000;

export class OutcomeNotWrittenError extends Error {}

/**
 * Run `write` until it succeeds. A connection error (PostgreSQL down or restarting) holds the
 * outcome and tries again after 0.2 s, 0.4 s … at most 5 s apart, until `outbox.outcomeRetryMinutes`
 * have passed (then `OutcomeNotWrittenError`); any other error is thrown at once.
 */
export async function writeOutcome(
  app: App,
  what: { table: 'messages' | 'notifications'; id: number; outcome: string },
  write: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + app.config.outbox.outcomeRetryMinutes * 60_000;
  let delay = FIRST_DELAY_MS;
  let held = false;
  let tries = 0;
  try {
    for (;;) {
      tries++;
      try {
        await write();
        if (held) app.log.info({ ...what, tries }, 'held outcome written');
        return;
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        if (!held) {
          held = true;
          holding++;
          heldSinceStart++;
          heldNow.set(holding);
          heldTotal.inc({ outcome: what.outcome });
          app.log.debug({ ...what, err: (err as Error).message }, 'PostgreSQL did not take the outcome; holding it');
        }
        if (Date.now() + delay > deadline) {
          heldGaveUp.inc();
          throw new OutcomeNotWrittenError(
            `${what.outcome}, but not recorded: PostgreSQL did not answer for ${app.config.outbox.outcomeRetryMinutes} min (${(err as Error).message})`,
            { cause: err },
          );
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  } finally {
    if (held) {
      holding--;
      heldNow.set(holding);
    }
  }
}

/**
 * Claim an outbox row with a token of this attempt's own. A claim that PostgreSQL may have
 * committed without answering (a crash right after COMMIT) would leave the row `sending` with
 * nothing sent, and the job's next attempt could not claim it: the row would end `unknown`. So
 * on a connection error the claim is given back — held and written like an outcome, and a no-op
 * where the claim never committed — before the error lets BullMQ retry the job.
 */
export async function claimOwnRow<T>(
  app: App,
  what: { table: 'messages' | 'notifications'; id: number },
  claim: (token: string) => Promise<T>,
  release: (token: string, error: string) => Promise<unknown>,
): Promise<{ row: T; token: string }> {
  const token = randomUUID();
  try {
    return { row: await claim(token), token };
  } catch (err) {
    if (isConnectionError(err)) {
      const error = `not sent: PostgreSQL did not answer (${(err as Error).message})`;
      await writeOutcome(app, { ...what, outcome: 'not sent' }, () => release(token, error));
    }
    throw err;
  }
}
