/** `clicks` and `links`: the redirect's link lookup, batched click events, bot verdicts, engagement. */
import type { ClickFact, ClickVerdict } from '../domain/bot-clicks.js';
import type { Queryable } from './pool.js';

/** A click as the HTTP process saw it, before it reaches PostgreSQL. */
export interface ClickEvent {
  /** Idempotency key of the event (a random UUID made by the HTTP process). */
  eventId: string;
  messageId: number;
  linkId: number;
  clickedAt: Date;
  method: string;
  userAgent: string | null;
  ipPrefix: string | null;
}

/**
 * The stored URL of a link, if the link belongs to the message's mailing. A signed token with
 * ids that do not match (a database restored from an older backup) is unknown.
 */
export async function findLinkUrl(db: Queryable, messageId: number, linkId: number): Promise<string | null> {
  const { rows } = await db.query<{ url: string }>(
    `SELECT l.url FROM links l JOIN messages m ON m.mailing_id = l.mailing_id WHERE l.id = $1 AND m.id = $2`,
    [linkId, messageId],
  );
  return rows[0]?.url ?? null;
}

/**
 * One multi-row INSERT. Rows whose message or link no longer exists are skipped (not an error
 * that would block the batch); an event id already written is skipped (a batch re-sent after a
 * lost acknowledgement). Returns the number of rows written.
 */
export async function insertClickEvents(db: Queryable, events: readonly ClickEvent[]): Promise<number> {
  if (!events.length) return 0;
  // The join keeps only events of existing messages and links (clicks has no foreign keys:
  // see migration 0091); event_id makes a retried batch harmless.
  const res = await db.query(
    `INSERT INTO clicks (event_id, message_id, link_id, clicked_at, method, user_agent, ip_prefix)
     SELECT e.event_id, e.message_id, e.link_id, e.clicked_at, e.method, e.user_agent, e.ip_prefix
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
            AS e(event_id, message_id, link_id, clicked_at, method, user_agent, ip_prefix)
       JOIN messages m ON m.id = e.message_id
       JOIN links l ON l.id = e.link_id
     ON CONFLICT (event_id) DO NOTHING`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.messageId),
      events.map((e) => e.linkId),
      events.map((e) => e.clickedAt.toISOString()),
      events.map((e) => e.method),
      events.map((e) => e.userAgent),
      events.map((e) => e.ipPrefix),
    ],
  );
  return res.rowCount ?? 0;
}

/** Messages with clicks not yet classified, oldest first. */
export async function messagesWithUnclassifiedClicks(db: Queryable, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ message_id: number }>(
    `SELECT message_id FROM clicks WHERE classified_at IS NULL GROUP BY message_id ORDER BY min(id) LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.message_id);
}

/** Every click of these messages, with the link kind and the delivery time the rules need. */
export async function clickFacts(db: Queryable, messageIds: readonly number[]): Promise<ClickFact[]> {
  const { rows } = await db.query<{
    id: number;
    message_id: number;
    link_id: number;
    clicked_at: Date;
    method: string;
    user_agent: string | null;
    kind: string;
    sent_at: Date | null;
  }>(
    `SELECT c.id, c.message_id, c.link_id, c.clicked_at, c.method, c.user_agent, l.kind, m.sent_at
       FROM clicks c JOIN links l ON l.id = c.link_id JOIN messages m ON m.id = c.message_id
      WHERE c.message_id = ANY($1::bigint[])`,
    [messageIds],
  );
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    linkId: r.link_id,
    clickedAt: r.clicked_at,
    method: r.method,
    userAgent: r.user_agent,
    linkKind: r.kind,
    sentAt: r.sent_at,
  }));
}

/** Store verdicts; a click whose verdict is unchanged keeps its classification time. Returns rows changed. */
export async function saveVerdicts(db: Queryable, verdicts: readonly ClickVerdict[], at: Date): Promise<number> {
  if (!verdicts.length) return 0;
  const res = await db.query(
    `UPDATE clicks c SET is_bot = v.is_bot, bot_reason = v.reason, classified_at = $4
       FROM unnest($1::bigint[], $2::boolean[], $3::text[]) AS v(id, is_bot, reason)
      WHERE c.id = v.id
        AND (c.classified_at IS NULL OR c.is_bot IS DISTINCT FROM v.is_bot OR c.bot_reason IS DISTINCT FROM v.reason)`,
    [verdicts.map((v) => v.id), verdicts.map((v) => v.isBot), verdicts.map((v) => v.reason), at],
  );
  return res.rowCount ?? 0;
}

/**
 * Engagement: a contact whose last `n` delivered mailings (delivered before `deliveredBefore`)
 * got no human click becomes disengaged; one with a human click among them is engaged again.
 * Returns how many contacts changed either way.
 */
export async function updateEngagement(
  db: Queryable,
  n: number,
  deliveredBefore: Date,
  at: Date,
): Promise<{ disengaged: number; reengaged: number }> {
  const { rows } = await db.query<{ disengaged: boolean }>(
    // Each contact's last n delivered messages, read backwards from the newest
    // (messages_contact_sent_idx): the cost follows the contacts, not a year of mailings.
    `WITH recent AS (
       SELECT k.id AS contact_id, count(*) AS delivered,
              bool_or(EXISTS (SELECT 1 FROM clicks c WHERE c.message_id = m.id AND c.is_bot = false)) AS clicked
         FROM contacts k
        CROSS JOIN LATERAL (
          SELECT m.id FROM messages m
           WHERE m.contact_id = k.id AND m.state = 'sent' AND m.sent_at <= $2
           ORDER BY m.sent_at DESC, m.id DESC
           LIMIT $1
        ) m
        GROUP BY k.id
     )
     UPDATE contacts k
        SET disengaged_at = CASE WHEN r.clicked THEN NULL ELSE $3::timestamptz END, updated_at = $3
       FROM recent r
      WHERE k.id = r.contact_id
        AND ((r.clicked AND k.disengaged_at IS NOT NULL)
          OR (NOT r.clicked AND r.delivered >= $1 AND k.disengaged_at IS NULL))
     RETURNING k.disengaged_at IS NOT NULL AS disengaged`,
    [n, deliveredBefore, at],
  );
  const disengaged = rows.filter((r) => r.disengaged).length;
  return { disengaged, reengaged: rows.length - disengaged };
}

/** Clicks not yet classified (reports mention them). */
export async function countUnclassified(db: Queryable, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM clicks WHERE classified_at IS NULL AND clicked_at >= $1 AND clicked_at < $2`,
    [from, to],
  );
  return rows[0]?.n ?? 0;
}
