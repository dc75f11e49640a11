/** `links`: the links of a mailing (UNIQUE(mailing_id, url)); clicks point at them. */
import type { MailingLink } from '../domain/mailing-content.js';
import type { Queryable } from './pool.js';

export interface LinkRow {
  id: number;
  url: string;
  title: string | null;
  kind: string;
  position: number;
}

/** Store a mailing's links once; re-running leaves existing rows as they are. */
export async function insertLinks(db: Queryable, mailingId: number, links: readonly MailingLink[]): Promise<void> {
  if (!links.length) return;
  await db.query(
    `INSERT INTO links (mailing_id, url, title, kind, position)
     SELECT $1, url, title, kind, position FROM jsonb_to_recordset($2::jsonb) AS l(url text, title text, kind text, position int)
     ON CONFLICT (mailing_id, url) DO NOTHING`,
    [mailingId, JSON.stringify(links)],
  );
}

export async function linksOf(db: Queryable, mailingId: number): Promise<LinkRow[]> {
  const { rows } = await db.query<LinkRow>('SELECT id, url, title, kind, position FROM links WHERE mailing_id = $1 ORDER BY position', [
    mailingId,
  ]);
  return rows;
}
