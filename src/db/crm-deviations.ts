/** `crm_deviations`: the CRM's own «Фиксация отклонений», one row per client and ISO week. */
import type { ApplyContext, ApplyResult } from '../imports/kind.js';
import { upsertCounts } from '../imports/kind.js';
import type { PoolClient, Queryable } from './pool.js';

/** The CRM's indicator of each client in `week` (all clients, or `clientIds`). */
export async function crmIndicators(db: Queryable, week: string, clientIds: number[] | null = null): Promise<Map<number, number>> {
  const { rows } = await db.query<{ client_id: number; indicator: number }>(
    'SELECT client_id, indicator FROM crm_deviations WHERE week = $1 AND ($2::bigint[] IS NULL OR client_id = ANY($2))',
    [week, clientIds],
  );
  return new Map(rows.map((r) => [r.client_id, r.indicator]));
}

/** Upsert the staged rows of one week (the staged `week` column), counting as every import does. */
export async function applyCrmDeviations(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  return upsertCounts(
    db,
    `INSERT INTO crm_deviations AS d (client_id, week, training, lk, lpr_contact, logins, webinars, indicator, employee_ids, department,
                                      import_id, imported_at)
     SELECT s.client_id, s.week, s.training, s.lk, s.lpr_contact, s.logins, s.webinars, s.indicator, s.employee_ids, s.department, $1, $2
       FROM import_stage s
     ON CONFLICT (week, client_id) DO UPDATE
        SET (training, lk, lpr_contact, logins, webinars, indicator, employee_ids, department, import_id, imported_at) =
            (EXCLUDED.training, EXCLUDED.lk, EXCLUDED.lpr_contact, EXCLUDED.logins, EXCLUDED.webinars, EXCLUDED.indicator,
             EXCLUDED.employee_ids, EXCLUDED.department, EXCLUDED.import_id, EXCLUDED.imported_at)
      WHERE (d.training, d.lk, d.lpr_contact, d.logins, d.webinars, d.indicator, d.employee_ids, d.department)
            IS DISTINCT FROM
            (EXCLUDED.training, EXCLUDED.lk, EXCLUDED.lpr_contact, EXCLUDED.logins, EXCLUDED.webinars, EXCLUDED.indicator,
             EXCLUDED.employee_ids, EXCLUDED.department)`,
    [ctx.importId, ctx.now],
    ctx.staged,
  );
}
