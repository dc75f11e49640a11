/** `payments` (Начисления и оплаты) as the payments import writes them. */
import { type ApplyContext, type ApplyResult, upsertCounts } from './apply.js';
import type { PoolClient } from './pool.js';

/** Upsert charges, payments and debt by (client, month). */
export async function applyPayments(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const result = await upsertCounts(
    db,
    `INSERT INTO payments AS p (client_id, month, charged, paid, debt, import_id)
     SELECT client_id, month, charged, paid, debt, $1 FROM import_stage
     ON CONFLICT (client_id, month) DO UPDATE SET (charged, paid, debt, import_id) = (EXCLUDED.charged, EXCLUDED.paid, EXCLUDED.debt, EXCLUDED.import_id)
      WHERE (p.charged, p.paid, p.debt) IS DISTINCT FROM (EXCLUDED.charged, EXCLUDED.paid, EXCLUDED.debt)`,
    [ctx.importId],
    ctx.staged,
  );
  const { rows } = await db.query<{ clients: number }>('SELECT count(DISTINCT client_id)::int AS clients FROM import_stage');
  return { ...result, extra: { clients: rows[0]?.clients ?? 0 } };
}
