/** `mailing_contents`, `mailing_content_files`: the month's content as `admin content load` stored it. */
import type { ContentFile, LoadedContent, MonthContent } from '../domain/content-schema.js';
import type { Queryable } from './pool.js';

export interface StoredContent {
  content: MonthContent;
  sha256: string;
  source: string;
  loaded_at: Date;
}

/** Store a loaded folder for `kind`; the same hash again changes nothing. */
export async function saveContent(db: Queryable, kind: string, c: LoadedContent, at: Date): Promise<'inserted' | 'updated' | 'unchanged'> {
  const { rows } = await db.query<{ sha256: string }>('SELECT sha256 FROM mailing_contents WHERE kind = $1 AND period = $2 FOR UPDATE', [
    kind,
    c.content.period,
  ]);
  const before = rows[0]?.sha256;
  if (before === c.sha256) return 'unchanged';
  await db.query(
    `INSERT INTO mailing_contents (kind, period, content, sha256, source, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind, period) DO UPDATE SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256, source = EXCLUDED.source,
                                              loaded_at = EXCLUDED.loaded_at`,
    [kind, c.content.period, JSON.stringify(c.content), c.sha256, c.source, at],
  );
  await db.query('DELETE FROM mailing_content_files WHERE kind = $1 AND period = $2', [kind, c.content.period]);
  for (const f of c.files) {
    await db.query(
      `INSERT INTO mailing_content_files (kind, period, file_name, content_type, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)`,
      [kind, c.content.period, f.name, f.contentType, f.bytes, f.sha256],
    );
  }
  return before === undefined ? 'inserted' : 'updated';
}

export async function getContent(db: Queryable, kind: string, period: string): Promise<StoredContent | null> {
  const { rows } = await db.query<StoredContent>(
    'SELECT content, sha256, source, loaded_at FROM mailing_contents WHERE kind = $1 AND period = $2',
    [kind, period],
  );
  return rows[0] ?? null;
}

export async function getContentFiles(db: Queryable, kind: string, period: string): Promise<ContentFile[]> {
  const { rows } = await db.query<{ file_name: string; content_type: string; bytes: Buffer; sha256: string }>(
    'SELECT file_name, content_type, bytes, sha256 FROM mailing_content_files WHERE kind = $1 AND period = $2 ORDER BY file_name',
    [kind, period],
  );
  return rows.map((r) => ({ name: r.file_name, contentType: r.content_type, bytes: r.bytes, sha256: r.sha256 }));
}
