/** What `lpr-call-tasks` needs: messages due for the specialist's call (or bounced), with what was sent and clicked. */
import type { Queryable } from './pool.js';

export interface DueMessageRow {
  id: number;
  state: 'sent' | 'bounced' | 'failed';
  mailing_id: number;
  period: string;
  subject: string | null;
  link_positions: number[] | null;
  sent_at: Date | null;
  bounced_at: Date | null;
  sending_at: Date | null;
  to_email: string;
  smtp_response: string | null;
  error: string | null;
  contact_id: number;
  client_id: number;
  full_name: string;
  position: string | null;
  phone: string | null;
  is_lpr: boolean;
  client_number: number;
  client_name: string;
  remote_specialist_id: number | null;
  /** The contact's answer to "what should we prepare next time?" on the latest closed call. */
  previous_next_prep: string | null;
  previous_closed_at: Date | null;
}

/**
 * Messages of `kind` without a call task yet: sent before `sentBefore` (and not before
 * `since`), or bounced before `bouncedBefore`.
 */
export async function dueMessages(
  db: Queryable,
  kind: string,
  w: { sentBefore: Date; bouncedBefore: Date; since: Date; unsentReasons?: readonly string[] },
): Promise<DueMessageRow[]> {
  // The messages without a task are picked first (a handful a day, against every message of the
  // lookback window), and only they look up their contact's previous call.
  const { rows } = await db.query<DueMessageRow>(
    `WITH due AS MATERIALIZED (
       SELECT m.id, m.state, m.mailing_id, m.variant, m.sent_at, m.bounced_at, m.sending_at, m.to_email, m.smtp_response,
              m.error, m.contact_id, m.client_id
         FROM messages m
         JOIN mailings ml ON ml.id = m.mailing_id AND ml.kind = $1
        WHERE ((m.state = 'sent' AND m.sent_at < $2 AND m.sent_at >= $4)
            OR (m.state = 'bounced' AND m.bounced_at < $3 AND m.bounced_at >= $4)
            -- Never sent for a reason the desk must hear of (no SMTPUTF8): the call still takes place.
            OR (m.state = 'failed' AND m.error = ANY($5::text[]) AND m.sending_at < $3 AND m.sending_at >= $4))
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.dedup_key = 'lpr-call.' || m.id)
     )
     SELECT m.id, m.state, m.mailing_id, ml.period, ml.variants -> m.variant ->> 'subject' AS subject,
            ARRAY(SELECT jsonb_array_elements_text(ml.variants -> m.variant -> 'links')::int) AS link_positions,
            m.sent_at, m.bounced_at, m.sending_at, m.to_email, m.smtp_response, m.error, m.contact_id, m.client_id,
            k.full_name, k.position, k.phone, k.is_lpr, c.number AS client_number, c.name AS client_name, c.remote_specialist_id,
            prev.next_prep AS previous_next_prep, prev.closed_at AS previous_closed_at
       FROM due m
       JOIN mailings ml ON ml.id = m.mailing_id
       JOIN contacts k ON k.id = m.contact_id
       JOIN clients c ON c.id = m.client_id
       LEFT JOIN LATERAL (
         SELECT t.next_prep, t.closed_at FROM tasks t
          WHERE t.contact_id = m.contact_id AND t.kind = 'lpr-call' AND t.state = 'done' AND t.next_prep IS NOT NULL
          ORDER BY t.closed_at DESC LIMIT 1
       ) prev ON true
      ORDER BY m.id`,
    [kind, w.sentBefore, w.bouncedBefore, w.since, w.unsentReasons ?? []],
  );
  return rows;
}

export interface SentLinkRow {
  mailing_id: number;
  position: number;
  id: number;
  title: string | null;
  url: string;
  kind: string;
}

export async function linksOfMailings(db: Queryable, mailingIds: number[]): Promise<SentLinkRow[]> {
  const { rows } = await db.query<SentLinkRow>(
    'SELECT mailing_id, position, id, title, url, kind FROM links WHERE mailing_id = ANY($1::bigint[]) ORDER BY mailing_id, position',
    [mailingIds],
  );
  return rows;
}

export interface ClickRow {
  message_id: number;
  link_id: number;
  clicked_at: Date;
  /** null: not classified yet (click-check has not seen it). */
  is_bot: boolean | null;
}

export async function clicksOfMessages(db: Queryable, messageIds: number[]): Promise<ClickRow[]> {
  const { rows } = await db.query<ClickRow>(
    'SELECT message_id, link_id, clicked_at, is_bot FROM clicks WHERE message_id = ANY($1::bigint[]) ORDER BY message_id, clicked_at',
    [messageIds],
  );
  return rows;
}
