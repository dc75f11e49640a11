/**
 * Mailing rows for the delivery tests, written straight into SQL (the mailing job itself is
 * another issue's): a mailing, its links (one of them the honeypot), and messages to contacts.
 */
import type { Queryable } from '../../src/db/pool.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';

let seq = 0;

export async function addMailing(
  db: Queryable,
  m: { period?: string; subject?: string; kind?: string; createdAt?: string } = {},
): Promise<number> {
  seq++;
  const { rows } = await db.query(`INSERT INTO mailings (kind, period, subject, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
    m.kind ?? `test-${seq}`,
    m.period ?? '2024-06',
    m.subject ?? `Рассылка ${seq}`,
    m.createdAt ?? '2024-06-03T09:00:00+03:00',
  ]);
  return rows[0].id;
}

export async function addLink(
  db: Queryable,
  mailingId: number,
  l: { url: string; title?: string | null; kind?: string; position?: number },
): Promise<number> {
  const { rows } = await db.query(`INSERT INTO links (mailing_id, url, title, kind, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
    mailingId,
    l.url,
    l.title === undefined ? 'Статья' : l.title,
    l.kind ?? 'link',
    l.position ?? 0,
  ]);
  return rows[0].id;
}

export interface MessageSpec {
  mailingId: number;
  contactId: number;
  clientId: number;
  toEmail: string;
  state?: string;
  sentAt?: string | null;
}

export async function addMessage(db: Queryable, m: MessageSpec): Promise<number> {
  const state = m.state ?? 'sent';
  const sentAt = m.sentAt === undefined ? (state === 'sent' ? '2024-06-03T09:05:00+03:00' : null) : m.sentAt;
  const { rows } = await db.query(
    `INSERT INTO messages (mailing_id, contact_id, client_id, variant, to_email, state, queued_at, sent_at)
     VALUES ($1, $2, $3, 'default', $4, $5, '2024-06-03T09:00:00+03:00', $6) RETURNING id`,
    [m.mailingId, m.contactId, m.clientId, m.toEmail, state, sentAt],
  );
  return rows[0].id;
}

export interface Recipient {
  clientId: number;
  contactId: number;
  email: string;
  remoteId: number;
}

/** A client with a remote specialist and one decision maker with an e-mail. */
export async function addRecipient(
  db: Queryable,
  spec: { email?: string; clientName?: string; contactName?: string; position?: string } = {},
): Promise<Recipient> {
  seq++;
  const remoteId = await addEmployee(db, { role: 'remote' });
  const clientId = await addClient(db, { remoteId, name: spec.clientName });
  const email = spec.email ?? `lpr${seq}@client${seq}.example`;
  const contactId = await addContact(db, { clientId, email, isLpr: true, fullName: spec.contactName, position: spec.position });
  return { clientId, contactId, email, remoteId };
}
