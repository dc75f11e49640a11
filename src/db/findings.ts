/** `competitor_findings` (Конкуренты): findings recorded once per dedup key, their hand-off, the report's rows. */
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import type { Queryable } from './pool.js';

export type FindingSource = 'admin' | 'api' | 'import' | 'task';

export interface FindingRow {
  id: number;
  client_id: number;
  competitor: string;
  valid_until: string | null;
  contact_name: string | null;
  note: string | null;
  found_at: Date;
  found_by: number | null;
  source: FindingSource;
  diagnostics_task_id: number | null;
  dedup_key: string;
  field_notified_at: Date | null;
  signal_id: number | null;
  comparison_task_id: number | null;
  created_at: Date;
}

export interface FindingInsert {
  client_id: number;
  competitor: string;
  valid_until: string | null;
  contact_name: string | null;
  note: string | null;
  /** Null: the client's remote specialist (who runs the diagnostics). */
  found_by: number | null;
  source: FindingSource;
  /** Null: the client's open diagnostics task, else its task of the campaign of `half_year`. */
  diagnostics_task_id: number | null;
  half_year: string;
  dedup_key: string;
}

/**
 * Insert findings once per dedup key (a repeat within the batch, too). Returns the rows this
 * call created, and the rows that already existed for the other keys.
 */
export async function insertFindings(
  db: Queryable,
  findings: readonly FindingInsert[],
  at: Date,
): Promise<{ created: FindingRow[]; existing: FindingRow[] }> {
  if (!findings.length) return { created: [], existing: [] };
  const { rows: created } = await db.query<FindingRow>(
    `INSERT INTO competitor_findings (client_id, competitor, valid_until, contact_name, note, found_at, found_by, source,
                                      diagnostics_task_id, dedup_key, created_at)
     SELECT f.client_id, f.competitor, f.valid_until, f.contact_name, f.note, $2, coalesce(f.found_by, c.remote_specialist_id),
            f.source,
            coalesce(f.diagnostics_task_id,
                     (SELECT t.id FROM tasks t
                       WHERE t.client_id = f.client_id AND t.kind = $3 AND t.state <> 'cancelled'
                         AND (t.state = 'open' OR t.payload ->> 'period' = f.half_year)
                       ORDER BY (t.state = 'open') DESC, t.created_at DESC LIMIT 1)),
            f.dedup_key, $2
       FROM jsonb_to_recordset($1::jsonb) AS f(ord int, client_id bigint, competitor text, valid_until date,
            contact_name text, note text, found_by bigint, source text, diagnostics_task_id bigint, half_year text, dedup_key text)
       JOIN clients c ON c.id = f.client_id
      ORDER BY f.ord
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING *`,
    [JSON.stringify(findings.map((f, ord) => ({ ord, ...f }))), at, DIAGNOSTICS_KIND],
  );
  const made = new Set(created.map((r) => r.dedup_key));
  const others = [...new Set(findings.map((f) => f.dedup_key))].filter((k) => !made.has(k));
  const existing = others.length
    ? (await db.query<FindingRow>('SELECT * FROM competitor_findings WHERE dedup_key = ANY($1::text[]) ORDER BY id', [others])).rows
    : [];
  return { created: created.sort((a, b) => a.id - b.id), existing };
}

/** Record each finding's signal and comparison task. */
export async function attachFindingHandOff(
  db: Queryable,
  links: { id: number; signal_id: number | null; comparison_task_id: number | null }[],
): Promise<void> {
  if (!links.length) return;
  await db.query(
    `UPDATE competitor_findings f SET signal_id = l.signal_id, comparison_task_id = l.comparison_task_id
       FROM jsonb_to_recordset($1::jsonb) AS l(id bigint, signal_id bigint, comparison_task_id bigint)
      WHERE f.id = l.id`,
    [JSON.stringify(links)],
  );
}

/** The latest finding of a client since `since` (a diagnostics task closed as competitor-found links it). */
export async function latestFindingSince(db: Queryable, clientId: number, since: Date): Promise<FindingRow | null> {
  const { rows } = await db.query<FindingRow>(
    'SELECT * FROM competitor_findings WHERE client_id = $1 AND found_at >= $2 ORDER BY found_at DESC, id DESC LIMIT 1',
    [clientId, since],
  );
  return rows[0] ?? null;
}

export async function linkFindingToTask(db: Queryable, findingId: number, taskId: number): Promise<void> {
  await db.query('UPDATE competitor_findings SET diagnostics_task_id = $2 WHERE id = $1', [findingId, taskId]);
}

export interface FindingListRow extends FindingRow {
  client_number: number;
  client_name: string;
  found_by_name: string | null;
  field_name: string | null;
  /** When and by whom field support acknowledged the finding's signal («Принято в работу» or its task closed). */
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

/** Findings found within [from, to), oldest first, with the client, the finder and the field specialist alerted. */
export async function listFindings(db: Queryable, f: { from: Date; to: Date }): Promise<FindingListRow[]> {
  const { rows } = await db.query<FindingListRow>(
    `SELECT f.*, c.number AS client_number, c.name AS client_name, b.name AS found_by_name,
            coalesce(fe.name, ce.name) AS field_name, s.acknowledged_at, s.acknowledged_by
       FROM competitor_findings f
       JOIN clients c ON c.id = f.client_id
       LEFT JOIN employees b ON b.id = f.found_by
       LEFT JOIN signals s ON s.id = f.signal_id
       LEFT JOIN tasks st ON st.id = s.task_id
       LEFT JOIN employees fe ON fe.id = st.assignee_id
       LEFT JOIN employees ce ON ce.id = c.field_specialist_id
      WHERE f.found_at >= $1 AND f.found_at < $2
      ORDER BY f.found_at, f.id`,
    [f.from, f.to],
  );
  return rows;
}
