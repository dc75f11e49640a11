/** `contact_events` (Работы) as the contact-events import writes them. */
import { type ApplyContext, type ApplyResult, upsertCounts } from '../imports/kind.js';
import type { PoolClient } from './pool.js';

/**
 * Upsert by natural key (the CRM's Номер when given): a planned event that was since held
 * is updated in place. The contact is linked by name among the client's contacts.
 */
export async function applyContactEvents(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const result = await upsertCounts(
    db,
    `INSERT INTO contact_events AS e (client_id, contact_id, contact_name, employee_id, crm_number, channel, planned_at, occurred_at,
                                      outcome, goal, note, result, natural_key, import_id, created_at)
     SELECT s.client_id, k.id, s.contact_name, s.employee_id, s.crm_number, s.channel, s.planned_at, s.occurred_at, s.outcome,
            s.goal, s.note, s.result, s.natural_key, $1, $2
       FROM import_stage s LEFT JOIN contacts k ON k.client_id = s.client_id AND k.full_name = s.contact_name
     ON CONFLICT (natural_key) DO UPDATE
        SET (contact_id, contact_name, employee_id, crm_number, channel, planned_at, occurred_at, outcome, goal, note, result, import_id) =
            (EXCLUDED.contact_id, EXCLUDED.contact_name, EXCLUDED.employee_id, EXCLUDED.crm_number, EXCLUDED.channel,
             EXCLUDED.planned_at, EXCLUDED.occurred_at, EXCLUDED.outcome, EXCLUDED.goal, EXCLUDED.note, EXCLUDED.result, EXCLUDED.import_id)
      WHERE (e.contact_id, e.contact_name, e.employee_id, e.crm_number, e.channel, e.planned_at, e.occurred_at, e.outcome, e.goal,
             e.note, e.result)
            IS DISTINCT FROM
            (EXCLUDED.contact_id, EXCLUDED.contact_name, EXCLUDED.employee_id, EXCLUDED.crm_number, EXCLUDED.channel,
             EXCLUDED.planned_at, EXCLUDED.occurred_at, EXCLUDED.outcome, EXCLUDED.goal, EXCLUDED.note, EXCLUDED.result)`,
    [ctx.importId, ctx.now],
    ctx.staged,
  );
  const { rows } = await db.query<{ outcome: string; n: number }>('SELECT outcome, count(*)::int AS n FROM import_stage GROUP BY outcome');
  return { ...result, extra: { outcomes: Object.fromEntries(rows.map((r) => [r.outcome, r.n])) } };
}
