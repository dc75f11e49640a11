/** Unsubscribing a contact through the link of one of its messages, and who may still be mailed. */
import type { Queryable } from './pool.js';

export interface MessageRecipient {
  messageId: number;
  contactId: number;
  email: string;
  unsubscribedAt: Date | null;
}

export async function findMessageRecipient(db: Queryable, messageId: number): Promise<MessageRecipient | null> {
  const { rows } = await db.query<{ contact_id: number; to_email: string; unsubscribed_at: Date | null }>(
    `SELECT m.contact_id, m.to_email, k.unsubscribed_at FROM messages m JOIN contacts k ON k.id = m.contact_id WHERE m.id = $1`,
    [messageId],
  );
  const r = rows[0];
  return r ? { messageId, contactId: r.contact_id, email: r.to_email, unsubscribedAt: r.unsubscribed_at } : null;
}

export interface UnsubscribeResult {
  found: boolean;
  /** True when the contact had unsubscribed before (the call changed nothing). */
  already: boolean;
  /** Messages of the contact still waiting to be sent, now cancelled. */
  cancelled: number;
  email: string | null;
}

/**
 * One statement, so it is atomic and safe to repeat: the contact is marked unsubscribed (the
 * first time only), the message it came through remembers it, and every message of the
 * contact still queued or waiting for a retry is cancelled (send-email claims only queued
 * and retry rows, so a cancelled one is never sent).
 */
export async function unsubscribeByMessage(db: Queryable, messageId: number, at: Date): Promise<UnsubscribeResult> {
  const { rows } = await db.query<{ found: boolean; prior: Date | null; cancelled: number; email: string | null }>(
    `WITH msg AS (
       SELECT m.id, m.contact_id, m.to_email, k.unsubscribed_at AS prior
         FROM messages m JOIN contacts k ON k.id = m.contact_id WHERE m.id = $1
     ), contact AS (
       UPDATE contacts k SET unsubscribed_at = $2, updated_at = $2
         FROM msg WHERE k.id = msg.contact_id AND k.unsubscribed_at IS NULL RETURNING k.id
     ), via AS (
       UPDATE messages m SET unsubscribed_at = $2
         FROM msg WHERE m.id = msg.id AND msg.prior IS NULL AND m.unsubscribed_at IS NULL RETURNING m.id
     ), cancel AS (
       UPDATE messages m SET state = 'cancelled', error = 'отписка от рассылки'
         FROM msg WHERE m.contact_id = msg.contact_id AND m.state IN ('queued', 'retry') RETURNING m.id
     )
     -- Data-modifying CTEs run to completion whether or not the query reads them.
     SELECT EXISTS (SELECT 1 FROM msg) AS found, (SELECT prior FROM msg) AS prior,
            (SELECT count(*)::int FROM cancel) AS cancelled, (SELECT to_email FROM msg) AS email`,
    [messageId, at],
  );
  const r = rows[0];
  return { found: Boolean(r?.found), already: r?.prior != null, cancelled: r?.cancelled ?? 0, email: r?.email ?? null };
}
