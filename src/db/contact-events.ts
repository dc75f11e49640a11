/** `contact_events` (Работы) as the contact-events import writes them. */
import { type ApplyContext, type ApplyResult, upsertCounts } from './apply.js';
import type { PoolClient } from './pool.js';

/** churnguard's reference in «Комментарий к действию» of an exported row (src/exports/crm.ts). */
export const CG_TASK_REF = '\\[cg:task (\\d+)\\]';
export const CG_EVENT_REF = '\\[cg:event (\\d+)\\]';

/**
 * The CRM's echo of a contact churnguard recorded is the same contact, not a second one: a
 * staged row is linked to churnguard's event (`import_id IS NULL`) when it carries
 * churnguard's reference (`[cg:task N]` / `[cg:event N]`), when it carries the CRM number
 * already linked, or when it has the same client, contact person, executor, day in the RIC's
 * zone and way of contact, both held. The linked event gets the CRM's number and later state;
 * the staged row is taken out of the insert. Returns how many rows were linked and changed.
 */
async function linkEchoes(db: PoolClient, tz: string): Promise<{ linked: number; changed: number }> {
  await db.query(
    `CREATE TEMP TABLE cg_echo ON COMMIT DROP AS
     WITH cand AS (
       SELECT s.natural_key, e.id AS event_id,
              CASE WHEN s.crm_number IS NOT NULL AND e.crm_number = s.crm_number THEN 0
                   WHEN s.note ~ $2 OR s.note ~ $3 THEN 1 ELSE 2 END AS strength
         FROM import_stage s
         JOIN contact_events e ON e.client_id = s.client_id AND e.import_id IS NULL
        WHERE (e.crm_number IS NULL OR e.crm_number = s.crm_number)
          AND ((s.crm_number IS NOT NULL AND e.crm_number = s.crm_number)
               OR e.task_id = substring(s.note from $2)::bigint
               OR e.id = substring(s.note from $3)::bigint
               OR (coalesce(s.note !~ $2 AND s.note !~ $3, true)
                   AND e.employee_id IS NOT DISTINCT FROM s.employee_id
                   AND lower(coalesce(e.contact_name, '')) = lower(coalesce(s.contact_name, ''))
                   AND e.channel = s.channel
                   AND (e.occurred_at AT TIME ZONE $1)::date = (s.occurred_at AT TIME ZONE $1)::date
                   AND e.outcome IN ('held', 'held_with_login') AND s.outcome IN ('held', 'held_with_login')))
     ), per_row AS (
       SELECT DISTINCT ON (natural_key) natural_key, event_id, strength FROM cand ORDER BY natural_key, strength, event_id
     )
     -- One CRM row per event: the strongest link wins.
     SELECT DISTINCT ON (event_id) natural_key, event_id FROM per_row ORDER BY event_id, strength, natural_key`,
    [tz, CG_TASK_REF, CG_EVENT_REF],
  );
  const updated = await db.query(
    `UPDATE contact_events e
        SET crm_number = coalesce(s.crm_number, e.crm_number),
            -- «Не состоялся» is how the CRM shows a refusal recorded here
            outcome = CASE WHEN e.outcome = 'refused' AND s.outcome = 'not_held' THEN e.outcome ELSE s.outcome END
       FROM cg_echo l JOIN import_stage s ON s.natural_key = l.natural_key
      WHERE e.id = l.event_id
        AND (e.crm_number, e.outcome) IS DISTINCT FROM
            (coalesce(s.crm_number, e.crm_number), CASE WHEN e.outcome = 'refused' AND s.outcome = 'not_held' THEN e.outcome ELSE s.outcome END)`,
  );
  const linked = await db.query('DELETE FROM import_stage s USING cg_echo l WHERE s.natural_key = l.natural_key');
  return { linked: linked.rowCount ?? 0, changed: updated.rowCount ?? 0 };
}

/**
 * Upsert by natural key (the CRM's Номер when given): a planned event that was since held
 * is updated in place. The contact is linked by name among the client's contacts.
 */
export async function applyContactEvents(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const { rows } = await db.query<{ outcome: string; n: number }>('SELECT outcome, count(*)::int AS n FROM import_stage GROUP BY outcome');
  const echo = await linkEchoes(db, ctx.timeZone);
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
    ctx.staged - echo.linked,
  );
  return {
    inserted: result.inserted,
    updated: result.updated + echo.changed,
    unchanged: result.unchanged + echo.linked - echo.changed,
    extra: { outcomes: Object.fromEntries(rows.map((r) => [r.outcome, r.n])), linkedToChurnguard: echo.linked },
  };
}
