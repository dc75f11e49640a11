/** `employee_absences` as the «Отсутствия» import writes them. */
import { type ApplyContext, type ApplyResult, upsertCounts } from './apply.js';
import type { PoolClient } from './pool.js';

/** Each staged absence once: one already stored (by employee and dates) is left as it is. */
export async function applyAbsences(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  return upsertCounts(
    db,
    `INSERT INTO employee_absences (employee_id, from_date, to_date, import_id, created_at)
     SELECT DISTINCT employee_id, from_date, to_date, $1::bigint, $2::timestamptz FROM import_stage
     ON CONFLICT ON CONSTRAINT employee_absences_uq DO NOTHING`,
    [ctx.importId, ctx.now],
    ctx.staged,
  );
}
