/** `mailbox_checks`: the ledger of delivery-check runs against the bounce mailbox, read by `status`. */
import type { Queryable } from './pool.js';

export interface MailboxCounts {
  fetched: number;
  hard: number;
  soft: number;
  policy: number;
  delayed: number;
  autoReplies: number;
  unsubscribes: number;
  review: number;
  suppressed: number;
}

export interface MailboxCheck extends MailboxCounts {
  checkedAt: Date;
  outcome: 'ok' | 'not_configured' | 'error';
  /** The mailbox URL without credentials. */
  mailbox: string | null;
  error: string | null;
}

export const NO_COUNTS: MailboxCounts = {
  fetched: 0,
  hard: 0,
  soft: 0,
  policy: 0,
  delayed: 0,
  autoReplies: 0,
  unsubscribes: 0,
  review: 0,
  suppressed: 0,
};

export async function recordMailboxCheck(db: Queryable, c: MailboxCheck): Promise<void> {
  await db.query(
    `INSERT INTO mailbox_checks (checked_at, outcome, mailbox, fetched, hard, soft, policy, delayed, auto_replies, unsubscribes, review, suppressed, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      c.checkedAt,
      c.outcome,
      c.mailbox,
      c.fetched,
      c.hard,
      c.soft,
      c.policy,
      c.delayed,
      c.autoReplies,
      c.unsubscribes,
      c.review,
      c.suppressed,
      c.error,
    ],
  );
}

export interface MailboxStatus {
  last: MailboxCheck | null;
  /** Totals over every recorded check. */
  totals: MailboxCounts;
}

export async function mailboxStatus(db: Queryable): Promise<MailboxStatus> {
  const { rows } = await db.query<{
    checked_at: Date;
    outcome: MailboxCheck['outcome'];
    mailbox: string | null;
    fetched: number;
    hard: number;
    soft: number;
    policy: number;
    delayed: number;
    auto_replies: number;
    unsubscribes: number;
    review: number;
    suppressed: number;
    error: string | null;
  }>(`SELECT * FROM mailbox_checks ORDER BY checked_at DESC, id DESC LIMIT 1`);
  const { rows: sums } = await db.query<Record<keyof MailboxCounts, number>>(
    `SELECT COALESCE(sum(fetched), 0)::int AS "fetched", COALESCE(sum(hard), 0)::int AS "hard", COALESCE(sum(soft), 0)::int AS "soft",
            COALESCE(sum(policy), 0)::int AS "policy", COALESCE(sum(delayed), 0)::int AS "delayed",
            COALESCE(sum(auto_replies), 0)::int AS "autoReplies", COALESCE(sum(unsubscribes), 0)::int AS "unsubscribes",
            COALESCE(sum(review), 0)::int AS "review",
            COALESCE(sum(suppressed), 0)::int AS "suppressed"
       FROM mailbox_checks`,
  );
  const r = rows[0];
  return {
    last: r
      ? {
          checkedAt: r.checked_at,
          outcome: r.outcome,
          mailbox: r.mailbox,
          fetched: r.fetched,
          hard: r.hard,
          soft: r.soft,
          policy: r.policy,
          delayed: r.delayed,
          autoReplies: r.auto_replies,
          unsubscribes: r.unsubscribes,
          review: r.review,
          suppressed: r.suppressed,
          error: r.error,
        }
      : null,
    totals: sums[0] ?? NO_COUNTS,
  };
}
