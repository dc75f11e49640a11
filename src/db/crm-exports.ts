/** `crm_exports`: the files the daily `crm-export` job wrote, one per working day and kind. */
import type { IsoDate } from '../domain/dates.js';
import type { Queryable } from './pool.js';

export interface CrmExportRow {
  day: IsoDate;
  kind: string;
  file: string;
  rows: number;
  written_at: Date;
}

/** The kinds already written for `day`. */
export async function exportedKinds(db: Queryable, day: IsoDate): Promise<Set<string>> {
  const { rows } = await db.query<{ kind: string }>('SELECT kind FROM crm_exports WHERE day = $1', [day]);
  return new Set(rows.map((r) => r.kind));
}

/** The latest day exported before `before`, or null. */
export async function lastExportedDay(db: Queryable, before: IsoDate): Promise<IsoDate | null> {
  const { rows } = await db.query<{ day: IsoDate | null }>('SELECT max(day)::text AS day FROM crm_exports WHERE day < $1', [before]);
  return rows[0]?.day ?? null;
}

export async function recordCrmExport(
  db: Queryable,
  e: { day: IsoDate; kind: string; file: string; rows: number; from: Date; to: Date; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO crm_exports (day, kind, file, rows, covers_from, covers_to, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT ON CONSTRAINT crm_exports_uq DO NOTHING`,
    [e.day, e.kind, e.file, e.rows, e.from, e.to, e.at],
  );
}

/** The files of the latest day exported (for `status`). */
export async function lastCrmExport(db: Queryable): Promise<CrmExportRow[]> {
  const { rows } = await db.query<CrmExportRow>(
    `SELECT day::text AS day, kind, file, rows, written_at FROM crm_exports
      WHERE day = (SELECT max(day) FROM crm_exports) ORDER BY kind`,
  );
  return rows;
}
