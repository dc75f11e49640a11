/** `mailings` and `mailing_attachments`: a mailing (UNIQUE(kind, period)), its compiled variants and attachments. */
import type { MonthContent } from '../domain/content-schema.js';
import type { CompiledVariant } from '../domain/mailing-content.js';
import type { Queryable } from './pool.js';

export interface MailingRow {
  id: number;
  kind: string;
  period: string;
  subject: string;
  variants: Record<string, CompiledVariant>;
  content: MonthContent;
  state: 'sending' | 'done';
  created_at: Date;
  send_after: Date | null;
}

export async function getMailing(db: Queryable, kind: string, period: string): Promise<MailingRow | null> {
  const { rows } = await db.query<MailingRow>('SELECT * FROM mailings WHERE kind = $1 AND period = $2', [kind, period]);
  return rows[0] ?? null;
}

export async function getMailingById(db: Queryable, id: number): Promise<MailingRow | null> {
  const { rows } = await db.query<MailingRow>('SELECT * FROM mailings WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export interface NewMailing {
  kind: string;
  period: string;
  subject: string;
  content: MonthContent;
  /** Variants compiled for this run; merged into those the mailing already has. */
  variants: Record<string, CompiledVariant>;
  sendAfter: Date;
}

/** Create the mailing of (kind, period), or add newly compiled variants to it. */
export async function upsertMailing(db: Queryable, m: NewMailing, at: Date): Promise<{ id: number; created: boolean }> {
  const { rows } = await db.query<{ id: number; created: boolean }>(
    `INSERT INTO mailings (kind, period, subject, variants, content, state, created_at, send_after)
     VALUES ($1, $2, $3, $4, $5, 'sending', $6, $7)
     ON CONFLICT (kind, period) DO UPDATE SET variants = mailings.variants || EXCLUDED.variants, state = 'sending'
     RETURNING id, (xmax = 0) AS created`,
    [m.kind, m.period, m.subject, JSON.stringify(m.variants), JSON.stringify(m.content), at, m.sendAfter],
  );
  return rows[0] as { id: number; created: boolean };
}

/** Copy the content's files, in the order of `collections`, as the mailing's attachments (once). */
export async function snapshotAttachments(
  db: Queryable,
  mailingId: number,
  kind: string,
  period: string,
  content: MonthContent,
): Promise<void> {
  const order = content.collections.map((c, i) => ({ position: i, file: c.file, title: c.title }));
  if (!order.length) return;
  await db.query(
    `INSERT INTO mailing_attachments (mailing_id, position, file_name, title, content_type, bytes, sha256)
     SELECT $1, o.position, f.file_name, o.title, f.content_type, f.bytes, f.sha256
       FROM jsonb_to_recordset($4::jsonb) AS o(position int, file text, title text)
       JOIN mailing_content_files f ON f.kind = $2 AND f.period = $3 AND f.file_name = o.file
     ON CONFLICT (mailing_id, position) DO NOTHING`,
    [mailingId, kind, period, JSON.stringify(order)],
  );
}

export interface AttachmentRow {
  position: number;
  file_name: string;
  title: string | null;
  content_type: string;
  bytes: Buffer;
}

export async function attachmentsOf(db: Queryable, mailingId: number): Promise<AttachmentRow[]> {
  const { rows } = await db.query<AttachmentRow>(
    'SELECT position, file_name, title, content_type, bytes FROM mailing_attachments WHERE mailing_id = $1 ORDER BY position',
    [mailingId],
  );
  return rows;
}

export interface VariantStateCount {
  variant: string;
  state: string;
  count: number;
}

/** Messages of a mailing per variant and state. */
export async function mailingCounts(db: Queryable, mailingId: number): Promise<VariantStateCount[]> {
  const { rows } = await db.query<VariantStateCount>(
    'SELECT variant, state, count(*)::int AS count FROM messages WHERE mailing_id = $1 GROUP BY variant, state ORDER BY variant, state',
    [mailingId],
  );
  return rows;
}

/** Mailings with nothing left to send are done. */
export async function closeFinishedMailings(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE mailings ml SET state = 'done'
      WHERE ml.state = 'sending'
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.mailing_id = ml.id AND m.state IN ('queued', 'sending', 'retry'))`,
  );
  return rowCount ?? 0;
}
