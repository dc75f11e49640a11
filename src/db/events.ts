/**
 * The simple event tables the CRM exports: trainings (Обучение), webinar attendance
 * (Вебинары), cabinet requests (Обращения в ЛК) and hotline requests (ГЛ). Each row has a
 * natural key, so an overlapping export adds only what is new.
 */
import { type ApplyContext, type ApplyResult, upsertCounts } from './apply.js';
import type { PoolClient } from './pool.js';

/** Where a kind of event lives: its table, date column and descriptive column. */
export interface EventTable {
  table: 'trainings' | 'webinar_attendance' | 'lk_requests' | 'hotline_requests';
  dateColumn: string;
  detailColumn: string;
  /** Events of a named person (trainings, webinars) are linked to the client's contact of that name. */
  person: boolean;
}

/**
 * Staged columns: client_id, person, day, detail, natural_key. A re-import changes only the
 * descriptive column and the contact link.
 */
export async function applyEvents(db: PoolClient, t: EventTable, ctx: ApplyContext): Promise<ApplyResult> {
  const sql = t.person
    ? `INSERT INTO ${t.table} AS e (client_id, contact_id, person_name, ${t.dateColumn}, ${t.detailColumn}, natural_key, import_id)
       SELECT s.client_id, k.id, s.person, s.day, s.detail, s.natural_key, $1
         FROM import_stage s LEFT JOIN contacts k ON k.client_id = s.client_id AND k.full_name = s.person
       ON CONFLICT (natural_key) DO UPDATE SET contact_id = EXCLUDED.contact_id, ${t.detailColumn} = EXCLUDED.${t.detailColumn}
        WHERE (e.contact_id, e.${t.detailColumn}) IS DISTINCT FROM (EXCLUDED.contact_id, EXCLUDED.${t.detailColumn})`
    : `INSERT INTO ${t.table} AS e (client_id, ${t.dateColumn}, ${t.detailColumn}, natural_key, import_id)
       SELECT s.client_id, s.day, s.detail, s.natural_key, $1 FROM import_stage s
       ON CONFLICT (natural_key) DO UPDATE SET ${t.detailColumn} = EXCLUDED.${t.detailColumn}
        WHERE e.${t.detailColumn} IS DISTINCT FROM EXCLUDED.${t.detailColumn}`;
  const result = await upsertCounts(db, sql, [ctx.importId], ctx.staged);
  const { rows } = await db.query<{ clients: number }>('SELECT count(DISTINCT client_id)::int AS clients FROM import_stage');
  return { ...result, extra: { clients: rows[0]?.clients ?? 0 } };
}
