/**
 * What applying a staged CRM export to its tables needs and returns: the shapes shared by the
 * import kinds (src/imports/) and the SQL that writes each table (src/db/).
 */
import type { Calendar } from '../domain/calendar.js';
import type { PoolClient } from './pool.js';

export interface ApplyContext {
  importId: number;
  /** The RIC's code (`РИЦ502`), for rows that do not name one. */
  ric: string;
  /** The RIC's calendar date of `now`. */
  today: string;
  /** The RIC's time zone. */
  timeZone: string;
  /** The RIC's working days. */
  calendar: Calendar;
  present: ReadonlySet<string>;
  now: Date;
  /** Rows staged (valid data rows of the file). */
  staged: number;
}

export interface ApplyResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Kind-specific facts for the summary (deactivated contacts, key-person changes …). */
  extra?: Record<string, unknown>;
  /** Outbox rows (e-mails) the apply queued; sent right after the import commits. */
  notificationIds?: number[];
}

/** Run an upsert of staged rows and count what it inserted, updated and left unchanged. */
export async function upsertCounts(db: PoolClient, insertSql: string, params: unknown[], staged: number): Promise<ApplyResult> {
  const { rows } = await db.query<{ inserted: number; updated: number }>(
    `WITH up AS (${insertSql} RETURNING (xmax = 0) AS ins)
     SELECT count(*) FILTER (WHERE ins)::int AS inserted, count(*) FILTER (WHERE NOT ins)::int AS updated FROM up`,
    params,
  );
  const { inserted, updated } = rows[0] ?? { inserted: 0, updated: 0 };
  return { inserted, updated, unchanged: Math.max(0, staged - inserted - updated) };
}
