/**
 * `bounce_events` and what a bounce changes: the message (bounced, hard or soft), the contact
 * (suppressed after a hard bounce, or after `softLimit` soft bounces among its last
 * `softWindow` messages). Run inside the delivery-check transaction; every statement is
 * set-based, and an event already recorded (same raw bounce) changes nothing again.
 */
import type { BounceKind } from '../domain/bounce-kind.js';
import type { Queryable } from './pool.js';

export interface BounceInput {
  /** SHA-256 of the raw bounce: its idempotency key. */
  sourceKey: string;
  messageId: number;
  kind: BounceKind;
  status: string | null;
  diagnostic: string | null;
  recipient: string | null;
  format: string;
  matchedBy: 'verp' | 'message-id';
  receivedAt: Date | null;
}

/** A contact this batch suppressed, with what its fix-email task needs. */
export interface SuppressedContact {
  contactId: number;
  clientId: number;
  fullName: string;
  email: string;
  remoteSpecialistId: number | null;
  messageId: number;
  status: string | null;
  diagnostic: string | null;
  reason: 'hard' | 'soft';
}

/** Recipient addresses of these messages (lower case), to check matches made by Message-ID. */
export async function messageAddresses(db: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<{ id: number; to_email: string }>(
    `SELECT id, lower(to_email) AS to_email FROM messages WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.to_email]));
}

export interface ApplyResult {
  recorded: number;
  suppressed: SuppressedContact[];
}

export async function applyBounces(
  db: Queryable,
  inputs: readonly BounceInput[],
  at: Date,
  rules: { softLimit: number; softWindow: number },
): Promise<ApplyResult> {
  if (!inputs.length) return { recorded: 0, suppressed: [] };
  const { rows: events } = await db.query<{ id: number }>(
    `INSERT INTO bounce_events (source_key, message_id, contact_id, kind, status, diagnostic, recipient, format, matched_by, received_at, processed_at)
     SELECT r.source_key, m.id, m.contact_id, r.kind, r.status, r.diagnostic, r.recipient, r.format, r.matched_by, r.received_at, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(source_key text, message_id bigint, kind text, status text, diagnostic text,
            recipient text, format text, matched_by text, received_at timestamptz)
       JOIN messages m ON m.id = r.message_id
     ON CONFLICT (source_key) DO NOTHING
     RETURNING id`,
    [
      JSON.stringify(
        inputs.map((i) => ({
          source_key: i.sourceKey,
          message_id: i.messageId,
          kind: i.kind,
          status: i.status,
          diagnostic: i.diagnostic,
          recipient: i.recipient,
          format: i.format,
          matched_by: i.matchedBy,
          received_at: i.receivedAt?.toISOString() ?? null,
        })),
      ),
      at,
    ],
  );
  const ids = events.map((e) => e.id);
  if (!ids.length) return { recorded: 0, suppressed: [] };

  // The message did not arrive (a delay warning is no failure). Hard wins over soft, for good.
  await db.query(
    `UPDATE messages m
        SET state = 'bounced', bounced_at = COALESCE(m.bounced_at, $2),
            bounce_kind = CASE WHEN e.hard OR m.bounce_kind = 'hard' THEN 'hard' ELSE 'soft' END
       FROM (SELECT message_id, bool_or(kind = 'hard') AS hard FROM bounce_events
              WHERE id = ANY($1::bigint[]) AND kind <> 'delayed' GROUP BY message_id) e
      WHERE m.id = e.message_id AND m.state IN ('sent', 'unknown', 'bounced')`,
    [ids, at],
  );

  // Only while the contact still has the address that bounced: a corrected address is not suppressed.
  const { rows: hard } = await db.query<SuppressedRow>(
    `WITH e AS (
       SELECT DISTINCT ON (b.contact_id) b.contact_id, b.message_id, b.status, b.diagnostic, m.to_email
         FROM bounce_events b JOIN messages m ON m.id = b.message_id
        WHERE b.id = ANY($1::bigint[]) AND b.kind = 'hard' ORDER BY b.contact_id, b.id
     )
     UPDATE contacts k
        SET email_status = 'bounced', suppressed_at = COALESCE(k.suppressed_at, $2), updated_at = $2,
            suppression_reason = 'жёсткий отказ ' || COALESCE(e.status, '5.0.0') || ': ' || COALESCE(left(e.diagnostic, 200), '')
       FROM e
      WHERE k.id = e.contact_id AND lower(k.email) = lower(e.to_email)
     RETURNING k.id AS contact_id, k.client_id, k.full_name, k.email, e.message_id, e.status, e.diagnostic, 'hard' AS reason`,
    [ids, at],
  );

  await db.query(
    `UPDATE contacts k SET email_status = 'soft_bouncing', updated_at = $2
       FROM bounce_events b JOIN messages m ON m.id = b.message_id
      WHERE b.id = ANY($1::bigint[]) AND b.kind = 'soft' AND k.id = b.contact_id
        AND lower(k.email) = lower(m.to_email) AND k.email_status IN ('unknown', 'ok')`,
    [ids, at],
  );
  const { rows: soft } = await db.query<SuppressedRow>(
    `WITH touched AS (
       SELECT DISTINCT b.contact_id FROM bounce_events b WHERE b.id = ANY($1::bigint[]) AND b.kind = 'soft'
     ), recent AS (
       SELECT m.id, m.contact_id, m.to_email,
              row_number() OVER (PARTITION BY m.contact_id ORDER BY m.sent_at DESC NULLS LAST, m.id DESC) AS rn
         FROM messages m JOIN touched t ON t.contact_id = m.contact_id
        WHERE m.sent_at IS NOT NULL
     ), counted AS (
       SELECT r.contact_id, count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM bounce_events b WHERE b.message_id = r.id AND b.kind = 'soft')) AS soft,
              (array_agg(r.id ORDER BY r.rn))[1] AS last_message, (array_agg(r.to_email ORDER BY r.rn))[1] AS to_email
         FROM recent r WHERE r.rn <= $4 GROUP BY r.contact_id
     )
     UPDATE contacts k
        SET email_status = 'bounced', suppressed_at = $2, updated_at = $2,
            suppression_reason = 'временные отказы: ' || c.soft || ' из последних ' || $4 || ' писем'
       FROM counted c
      WHERE k.id = c.contact_id AND c.soft >= $3 AND k.suppressed_at IS NULL AND lower(k.email) = lower(c.to_email)
     RETURNING k.id AS contact_id, k.client_id, k.full_name, k.email, c.last_message AS message_id,
               NULL::text AS status, k.suppression_reason AS diagnostic, 'soft' AS reason`,
    [ids, at, rules.softLimit, rules.softWindow],
  );

  const all = [...hard, ...soft];
  const { rows: specialists } = await db.query<{ id: number; remote_specialist_id: number | null }>(
    `SELECT id, remote_specialist_id FROM clients WHERE id = ANY($1::bigint[])`,
    [all.map((r) => r.client_id)],
  );
  const remote = new Map(specialists.map((s) => [s.id, s.remote_specialist_id]));
  return {
    recorded: ids.length,
    suppressed: all.map((r) => ({
      contactId: r.contact_id,
      clientId: r.client_id,
      fullName: r.full_name,
      email: r.email,
      remoteSpecialistId: remote.get(r.client_id) ?? null,
      messageId: r.message_id,
      status: r.status,
      diagnostic: r.diagnostic,
      reason: r.reason,
    })),
  };
}

interface SuppressedRow {
  contact_id: number;
  client_id: number;
  full_name: string;
  email: string;
  message_id: number;
  status: string | null;
  diagnostic: string | null;
  reason: 'hard' | 'soft';
}
