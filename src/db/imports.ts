/**
 * `imports`: the ledger of imported files. A `done` row per (kind, SHA-256) makes the same
 * file a no-op; `failed` rows record rejected files with their errors. Other jobs read the
 * latest `done` row of a kind (finished_at, summary.from / summary.to) to judge staleness.
 */
import type { Queryable } from './pool.js';

export interface ImportRow {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  state: 'done' | 'failed';
  rows_total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  summary: Record<string, unknown>;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export async function findDoneImport(db: Queryable, kind: string, sha256: string): Promise<ImportRow | null> {
  const { rows } = await db.query<ImportRow>(`SELECT * FROM imports WHERE kind = $1 AND sha256 = $2 AND state = 'done'`, [kind, sha256]);
  return rows[0] ?? null;
}

/** The ledger row of an import in progress (inside its transaction: invisible until commit). */
export async function startImport(db: Queryable, i: { kind: string; fileName: string; sha256: string; at: Date }): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO imports (kind, file_name, sha256, state, started_at) VALUES ($1, $2, $3, 'done', $4) RETURNING id`,
    [i.kind, i.fileName, i.sha256, i.at],
  );
  return rows[0]?.id as number;
}

export interface ImportCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  summary: Record<string, unknown>;
}

/**
 * Close the ledger row with its counts and, for event sources, the span its data covers
 * (`declared`: the export or the admin said so; otherwise the rows' dates).
 */
export async function finishImport(
  db: Queryable,
  id: number,
  c: ImportCounts,
  at: Date,
  coverage: { from: string; to: string; declared: boolean } | null = null,
): Promise<void> {
  await db.query(
    `UPDATE imports SET rows_total = $2, inserted = $3, updated = $4, unchanged = $5, summary = $6, finished_at = $7,
            covers_from = $8, covers_to = $9, covers_declared = $10
      WHERE id = $1`,
    [
      id,
      c.rows,
      c.inserted,
      c.updated,
      c.unchanged,
      JSON.stringify(c.summary),
      at,
      coverage?.from ?? null,
      coverage?.to ?? null,
      coverage?.declared ?? false,
    ],
  );
}

/** A rejected file: recorded after the rollback, so the ledger shows the attempt and why. */
export async function recordFailedImport(
  db: Queryable,
  i: { kind: string; fileName: string; sha256: string; startedAt: Date; finishedAt: Date; error: string; errorCount: number },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO imports (kind, file_name, sha256, state, error, summary, started_at, finished_at)
     VALUES ($1, $2, $3, 'failed', $4, $5, $6, $7) RETURNING id`,
    [i.kind, i.fileName, i.sha256, i.error, JSON.stringify({ errors: i.errorCount }), i.startedAt, i.finishedAt],
  );
  return rows[0]?.id as number;
}

export async function listImports(db: Queryable, f: { kind?: string; limit?: number }): Promise<ImportRow[]> {
  const { rows } = await db.query<ImportRow>(
    `SELECT * FROM imports WHERE ($1::text IS NULL OR kind = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
    [f.kind ?? null, f.limit ?? 50],
  );
  return rows;
}

/** The latest successful import of each kind (for staleness checks and `status`). */
export async function latestImports(db: Queryable): Promise<ImportRow[]> {
  const { rows } = await db.query<ImportRow>(
    `SELECT DISTINCT ON (kind) * FROM imports WHERE state = 'done' ORDER BY kind, finished_at DESC NULLS LAST, id DESC`,
  );
  return rows;
}
