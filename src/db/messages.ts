/**
 * `messages`: one e-mail of a mailing to one contact (UNIQUE(mailing_id, contact_id)), the
 * crash-safe outbox row. `queued`/`retry` → `sending` (claimed) → `sent` | `retry` | `bounced`
 * | `failed`; `cancelled` when the contact unsubscribed or was suppressed before sending;
 * `unknown` when a crash left it `sending` (the server may or may not have it).
 */
import type { Queryable } from './pool.js';

export type MessageState = 'queued' | 'sending' | 'retry' | 'sent' | 'bounced' | 'failed' | 'unknown' | 'cancelled';

export interface NewMessage {
  contactId: number;
  clientId: number;
  variant: string;
  toEmail: string;
  /** The message's wave (null: the mailing's send_after). */
  sendAfter?: Date | null;
}

/** Insert a mailing's messages set-based; a contact that already has one keeps it. Returns how many were new. */
export async function insertMessages(db: Queryable, mailingId: number, msgs: readonly NewMessage[], at: Date): Promise<number> {
  let created = 0;
  const CHUNK = 10_000;
  for (let i = 0; i < msgs.length; i += CHUNK) {
    const part = msgs
      .slice(i, i + CHUNK)
      .map((m) => ({ c: m.contactId, k: m.clientId, v: m.variant, e: m.toEmail, s: m.sendAfter?.toISOString() ?? null }));
    const { rowCount } = await db.query(
      `INSERT INTO messages (mailing_id, contact_id, client_id, variant, to_email, state, queued_at, send_after)
       SELECT $1, c, k, v, e, 'queued', $3, s FROM jsonb_to_recordset($2::jsonb) AS m(c bigint, k bigint, v text, e text, s timestamptz)
       ON CONFLICT (mailing_id, contact_id) DO NOTHING`,
      [mailingId, JSON.stringify(part), at],
    );
    created += rowCount ?? 0;
  }
  return created;
}

/** Messages of a mailing still waiting, with the time each may go (its wave, else the mailing's). */
export async function pendingMessageWaves(db: Queryable, mailingId: number): Promise<{ id: number; send_after: Date | null }[]> {
  const { rows } = await db.query<{ id: number; send_after: Date | null }>(
    `SELECT m.id, coalesce(m.send_after, ml.send_after) AS send_after FROM messages m JOIN mailings ml ON ml.id = m.mailing_id
      WHERE m.mailing_id = $1 AND m.state IN ('queued', 'retry') ORDER BY m.id`,
    [mailingId],
  );
  return rows;
}

/** Messages of a mailing still waiting for their send job. */
export async function pendingMessageIds(db: Queryable, mailingId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM messages WHERE mailing_id = $1 AND state IN ('queued', 'retry') ORDER BY id`,
    [mailingId],
  );
  return rows.map((r) => r.id);
}

/** Every message still waiting to be sent whose mailing may send at `at` (reconcile after Redis lost its jobs). */
export async function outboxMessageIds(db: Queryable, at: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT m.id FROM messages m JOIN mailings ml ON ml.id = m.mailing_id
      WHERE m.state IN ('queued', 'retry') AND coalesce(m.send_after, ml.send_after, '-infinity') <= $1 ORDER BY m.id`,
    [at],
  );
  return rows.map((r) => r.id);
}

export interface ClaimedMessage {
  id: number;
  mailing_id: number;
  contact_id: number;
  client_id: number;
  variant: string;
  to_email: string;
  /** `sending` (go ahead) or `cancelled` (unsubscribed or suppressed since selection). */
  state: 'sending' | 'cancelled';
  attempts: number;
  error: string | null;
  full_name: string;
  client_name: string;
  specialist_name: string | null;
  specialist_phone: string | null;
  specialist_email: string | null;
}

/**
 * Take a message for sending: `queued|retry → sending`, or `→ cancelled` when the contact has
 * unsubscribed, been suppressed or lost consent since selection. Null when another worker has
 * it or it is no longer waiting — the row's state is the idempotency key of the send. Many rows
 * in one statement (the send path's group commit, src/db/coalesce.ts): one result per item, in
 * order; a row goes only to the item whose token claimed it.
 */
export async function claimMessages(
  db: Queryable,
  items: readonly { id: number; token: string; at: Date }[],
): Promise<(ClaimedMessage | null)[]> {
  const { rows } = await db.query<ClaimedMessage & { claim_token: string }>(
    `UPDATE messages m
        SET state = CASE WHEN b.blocked IS NULL THEN 'sending' ELSE 'cancelled' END,
            sending_at = v.at, claim_token = v.token,
            attempts = m.attempts + CASE WHEN b.blocked IS NULL THEN 1 ELSE 0 END,
            error = CASE WHEN b.blocked IS NULL THEN m.error ELSE 'not sent: ' || b.blocked END
       FROM jsonb_to_recordset($1::jsonb) AS v(id bigint, token uuid, at timestamptz),
            contacts k
       JOIN clients c ON c.id = k.client_id
       LEFT JOIN employees e ON e.id = c.remote_specialist_id
       CROSS JOIN LATERAL (
         SELECT CASE WHEN k.unsubscribed_at IS NOT NULL THEN 'unsubscribed'
                     WHEN k.suppressed_at IS NOT NULL OR k.email_status IN ('bounced', 'invalid') THEN 'address suppressed'
                     WHEN NOT k.consent THEN 'no consent'
                     WHEN NOT k.active THEN 'contact no longer listed' END AS blocked
       ) b
      WHERE m.id = v.id AND m.state IN ('queued', 'retry') AND k.id = m.contact_id
      RETURNING m.id, m.mailing_id, m.contact_id, m.client_id, m.variant, m.to_email, m.state, m.attempts, m.error, m.claim_token,
                k.full_name, c.name AS client_name, e.name AS specialist_name, e.phone AS specialist_phone, e.email AS specialist_email`,
    [JSON.stringify(items.map((i) => ({ id: i.id, token: i.token, at: i.at.toISOString() })))],
  );
  const byToken = new Map(rows.map(({ claim_token, ...row }) => [claim_token, row as ClaimedMessage]));
  return items.map((i) => byToken.get(i.token) ?? null);
}

/**
 * Give back a claim whose attempt sent nothing (PostgreSQL went away before the e-mail was
 * written or handed to the relay): the row waits again and the attempt is not counted. Only the
 * claim made with `token` is given back — a no-op when that claim never committed.
 */
export async function releaseMessageClaim(db: Queryable, id: number, token: string, error: string): Promise<void> {
  await db.query(
    `UPDATE messages SET state = 'retry', attempts = greatest(attempts - 1, 0), error = $3, claim_token = NULL
      WHERE id = $1 AND state = 'sending' AND claim_token = $2`,
    [id, token, error],
  );
}

/**
 * 250: sent; a contact whose address was never confirmed is now known good.
 *
 * A durable commit: the worker forgets the relay's answer once this returns, so a PostgreSQL
 * crash right after it (an immediate stop, a power cut) must not lose it — an asynchronous
 * commit here left such rows `sending`, then `unknown`. `unknown` is accepted too: housekeeping
 * may have given up on a row whose answer the worker held through a long outage.
 */
export async function markMessagesSent(db: Queryable, items: readonly { id: number; at: Date; smtpResponse: string }[]): Promise<void> {
  await db.query(
    `WITH m AS (
       UPDATE messages SET state = 'sent', sent_at = v.at, smtp_response = v.r, error = NULL
         FROM jsonb_to_recordset($1::jsonb) AS v(id bigint, at timestamptz, r text)
        WHERE messages.id = v.id AND messages.state IN ('sending', 'unknown') RETURNING messages.contact_id
     )
     UPDATE contacts k SET email_status = 'ok' FROM m WHERE k.id = m.contact_id AND k.email_status = 'unknown'`,
    [JSON.stringify(items.map((i) => ({ id: i.id, at: i.at.toISOString(), r: i.smtpResponse })))],
  );
}

/** 4xx / timeout: `retry` (BullMQ backs off), or `failed` after the last attempt. */
export async function markMessageFailed(
  db: Queryable,
  id: number,
  state: 'retry' | 'failed',
  smtpResponse: string | null,
  error: string,
): Promise<void> {
  await db.query(`UPDATE messages SET state = $2, smtp_response = $3, error = $4 WHERE id = $1 AND state IN ('sending', 'unknown')`, [
    id,
    state,
    smtpResponse,
    error,
  ]);
}

/** 5xx: hard bounce, never retried; the contact's address is suppressed for every later mailing. */
export async function markMessageBounced(db: Queryable, id: number, at: Date, smtpResponse: string | null, error: string): Promise<void> {
  await db.query(
    `WITH m AS (
       UPDATE messages SET state = 'bounced', bounce_kind = 'hard', bounced_at = $2, smtp_response = $3, error = $4
        WHERE id = $1 AND state IN ('sending', 'unknown') RETURNING contact_id
     )
     UPDATE contacts k SET email_status = 'bounced', suppressed_at = coalesce(k.suppressed_at, $2),
                           suppression_reason = coalesce(k.suppression_reason, 'hard bounce: ' || left($4, 200)), updated_at = $2
       FROM m WHERE k.id = m.contact_id`,
    [id, at, smtpResponse, error],
  );
}

/** Rows left `sending` past `before` were cut off by a crash: their fate is unknown. */
export async function markStaleMessagesUnknown(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE messages SET state = 'unknown', error = 'cut off while sending: the server may or may not have it'
      WHERE state = 'sending' AND sending_at < $1`,
    [before],
  );
  return rowCount ?? 0;
}

/** `retry lpr-monthly --unknown [--period P]`: put unknown messages of a mailing kind back in the queue. */
export async function requeueUnknownMessages(db: Queryable, kind: string, period: string | null): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE messages m SET state = 'queued', error = NULL FROM mailings ml
      WHERE ml.id = m.mailing_id AND ml.kind = $1 AND ($2::text IS NULL OR ml.period = $2) AND m.state = 'unknown'
      RETURNING m.id`,
    [kind, period],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Messages per state over all mailings (status, metrics). */
export async function messageStateCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; count: number }>(
    'SELECT state, count(*)::int AS count FROM messages GROUP BY state ORDER BY state',
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.count]));
}

/** Failed messages by reason (`status`): what stopped them, e.g. a server without SMTPUTF8. */
export async function messageFailureReasons(db: Queryable): Promise<{ reason: string; count: number }[]> {
  const { rows } = await db.query<{ reason: string; count: number }>(
    `SELECT coalesce(error, smtp_response, '?') AS reason, count(*)::int AS count
       FROM messages WHERE state = 'failed' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
  );
  return rows;
}

/** The message of a contact in a mailing, with what writing its e-mail needs (preview). */
export async function findMessageForMail(
  db: Queryable,
  kind: string,
  period: string,
  contactId: number,
): Promise<(Omit<ClaimedMessage, 'state'> & { state: MessageState }) | null> {
  const { rows } = await db.query<Omit<ClaimedMessage, 'state'> & { state: MessageState }>(
    `SELECT m.id, m.mailing_id, m.contact_id, m.client_id, m.variant, m.to_email, m.state, m.attempts, m.error,
            k.full_name, c.name AS client_name, e.name AS specialist_name, e.phone AS specialist_phone, e.email AS specialist_email
       FROM messages m JOIN mailings ml ON ml.id = m.mailing_id
       JOIN contacts k ON k.id = m.contact_id JOIN clients c ON c.id = m.client_id
       LEFT JOIN employees e ON e.id = c.remote_specialist_id
      WHERE ml.kind = $1 AND ml.period = $2 AND m.contact_id = $3`,
    [kind, period, contactId],
  );
  return rows[0] ?? null;
}

/** A contact's client and remote specialist, as a message to them would be written. */
export async function contactForMail(
  db: Queryable,
  contactId: number,
): Promise<{
  full_name: string;
  client_name: string;
  specialist_name: string | null;
  specialist_phone: string | null;
  specialist_email: string | null;
} | null> {
  const { rows } = await db.query(
    `SELECT k.full_name, c.name AS client_name, e.name AS specialist_name, e.phone AS specialist_phone, e.email AS specialist_email
       FROM contacts k JOIN clients c ON c.id = k.client_id LEFT JOIN employees e ON e.id = c.remote_specialist_id
      WHERE k.id = $1`,
    [contactId],
  );
  return rows[0] ?? null;
}
