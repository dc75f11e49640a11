/** `crm_deviations`: the CRM's own «Фиксация отклонений», one row per client and ISO week. */
import type { ApplyContext, ApplyResult } from './apply.js';
import { upsertCounts } from './apply.js';
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

/** Zone of an indicator column in SQL, with the same thousandths boundaries as zoneOf. */
export function zoneSql(column: string, dynamicParam: string, highParam: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL
               WHEN round(${column} * 1000) >= round(${highParam}::numeric * 1000) THEN 'high'
               WHEN round(${column} * 1000) >= round(${dynamicParam}::numeric * 1000) THEN 'dynamic' ELSE 'none' END`;
}

export interface AgreementCell {
  week: string;
  crm_zone: 'high' | 'dynamic' | 'none';
  computed_zone: 'high' | 'dynamic' | 'none';
  n: number;
}

/** Clients per (CRM zone, churnguard zone) per week in [fromWeek, toWeek], weeks that have both. */
export async function agreementCells(
  db: Queryable,
  fromWeek: string,
  toWeek: string,
  zones: { dynamicFrom: number; highFrom: number },
): Promise<AgreementCell[]> {
  const { rows } = await db.query<AgreementCell>(
    `SELECT d.week, ${zoneSql('d.indicator', '$3', '$4')} AS crm_zone, ${zoneSql('rs.computed_indicator', '$3', '$4')} AS computed_zone,
            count(*)::int AS n
       FROM crm_deviations d JOIN risk_scores rs ON rs.week = d.week AND rs.client_id = d.client_id
      WHERE d.week >= $1 AND d.week <= $2 AND rs.computed_indicator IS NOT NULL
      GROUP BY 1, 2, 3 ORDER BY 1`,
    [fromWeek, toWeek, zones.dynamicFrom, zones.highFrom],
  );
  return rows;
}

/** The newest week with both indicators (at or before `atOrBefore`), or null. */
export async function latestAgreementWeek(db: Queryable, atOrBefore: string | null): Promise<string | null> {
  const { rows } = await db.query<{ week: string | null }>(
    `SELECT max(d.week) AS week FROM crm_deviations d
      WHERE ($1::text IS NULL OR d.week <= $1)
        AND EXISTS (SELECT 1 FROM risk_scores rs WHERE rs.week = d.week AND rs.client_id = d.client_id AND rs.computed_indicator IS NOT NULL)`,
    [atOrBefore],
  );
  return rows[0]?.week ?? null;
}

export interface Disagreement {
  week: string;
  number: number;
  name: string;
  crm_indicator: number;
  computed_indicator: number;
  crm_zone: string;
  computed_zone: string;
  crm: Record<'training' | 'lk' | 'lpr_contact' | 'logins' | 'webinars', number | null>;
  computed: Record<'training' | 'lk' | 'lpr_contact' | 'logins' | 'webinars', number | null>;
}

/** The clients whose CRM zone and churnguard zone differ, with both sets of components. */
export async function disagreements(
  db: Queryable,
  fromWeek: string,
  toWeek: string,
  zones: { dynamicFrom: number; highFrom: number },
): Promise<Disagreement[]> {
  const { rows } = await db.query<Disagreement>(
    `SELECT * FROM (
       SELECT d.week, c.number, c.name, d.indicator AS crm_indicator, rs.computed_indicator,
              ${zoneSql('d.indicator', '$3', '$4')} AS crm_zone, ${zoneSql('rs.computed_indicator', '$3', '$4')} AS computed_zone,
              json_build_object('training', d.training, 'lk', d.lk, 'lpr_contact', d.lpr_contact, 'logins', d.logins, 'webinars', d.webinars) AS crm,
              json_build_object('training', rs.training, 'lk', rs.lk, 'lpr_contact', rs.lpr_contact, 'logins', rs.logins, 'webinars', rs.webinars) AS computed
         FROM crm_deviations d JOIN risk_scores rs ON rs.week = d.week AND rs.client_id = d.client_id
         JOIN clients c ON c.id = d.client_id
        WHERE d.week >= $1 AND d.week <= $2 AND rs.computed_indicator IS NOT NULL) x
      WHERE crm_zone <> computed_zone
      ORDER BY week DESC, number`,
    [fromWeek, toWeek, zones.dynamicFrom, zones.highFrom],
  );
  return rows;
}
