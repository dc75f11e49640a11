/** Rows of «Фиксация отклонений»: one per client and responsible employee of a week. */
import type { Queryable } from './pool.js';
import type { RiskScoreRow } from './risk-scores.js';

export interface DeviationRow extends RiskScoreRow {
  number: number;
  name: string;
  employee: string | null;
  department: string | null;
  /** The client's state now (a leaving client is shown in its own group). */
  client_state?: string;
}

/** A client is in a department when its remote or field specialist is (name part, case-insensitive). */
const IN_DEPARTMENT = `EXISTS (SELECT 1 FROM employees fe JOIN departments fd ON fd.id = fe.department_id
                               WHERE fe.id IN (c.remote_specialist_id, c.field_specialist_id) AND fd.name ILIKE '%' || $DEP || '%')`;

export interface ZoneCount {
  week: string;
  zone: 'high' | 'dynamic' | 'none' | null;
  n: number;
}

/**
 * Clients per zone per week in (fromWeek, toWeek], of one series: churnguard's own indicator
 * (every scored week) or the CRM's (weeks whose report was imported) — never the two spliced.
 */
export async function zoneCounts(
  db: Queryable,
  fromWeek: string,
  toWeek: string,
  department: string | null,
  series: 'computed' | 'crm' = 'computed',
  zones: { highFrom: number; dynamicFrom: number } = { highFrom: 0.34, dynamicFrom: 0.3 },
): Promise<ZoneCount[]> {
  const { rows } = await db.query<ZoneCount>(
    series === 'computed'
      ? `SELECT rs.week, rs.computed_zone AS zone, count(*)::int AS n
           FROM risk_scores rs JOIN clients c ON c.id = rs.client_id
          WHERE rs.week > $1 AND rs.week <= $2 AND ($3::text IS NULL OR ${IN_DEPARTMENT.replace('$DEP', '$3')})
          GROUP BY 1, 2 ORDER BY 1`
      : `SELECT d.week, CASE WHEN round(d.indicator * 1000) >= round($4::numeric * 1000) THEN 'high'
                             WHEN round(d.indicator * 1000) >= round($5::numeric * 1000) THEN 'dynamic' ELSE 'none' END AS zone,
                count(*)::int AS n
           FROM crm_deviations d JOIN clients c ON c.id = d.client_id
          WHERE d.week > $1 AND d.week <= $2 AND ($3::text IS NULL OR ${IN_DEPARTMENT.replace('$DEP', '$3')})
          GROUP BY 1, 2 ORDER BY 1`,
    series === 'computed' ? [fromWeek, toWeek, department] : [fromWeek, toWeek, department, zones.highFrom, zones.dynamicFrom],
  );
  return rows;
}

export interface Riser {
  number: number;
  name: string;
  indicator: number;
  indicator_delta: number;
  indicator_source: 'crm' | 'computed';
}

/**
 * The clients whose indicator rose most in `week`: the acting value's change, which compares
 * within one series only (a switch of source is no change: `indicator_delta` is null then).
 */
export async function topRisers(db: Queryable, week: string, department: string | null, limit: number): Promise<Riser[]> {
  const { rows } = await db.query<Riser>(
    `SELECT c.number, c.name, rs.indicator, rs.indicator_delta, rs.indicator_source
       FROM risk_scores rs JOIN clients c ON c.id = rs.client_id
      WHERE rs.week = $1 AND rs.indicator_delta > 0 AND ($2::text IS NULL OR ${IN_DEPARTMENT.replace('$DEP', '$2')})
      ORDER BY rs.indicator_delta DESC, c.number LIMIT $3`,
    [week, department, limit],
  );
  return rows;
}

export interface DeviationFilter {
  week: string;
  /** Part of the department's name, case-insensitive. */
  department?: string | null;
  zone?: 'high' | 'dynamic' | 'none' | null;
  limit?: number | null;
}

/**
 * A client served by two employees (remote and field specialist) appears twice, as in the CRM;
 * a client with neither appears once. Riskiest first.
 */
export async function listDeviations(db: Queryable, f: DeviationFilter): Promise<DeviationRow[]> {
  const { rows } = await db.query<DeviationRow>(
    `SELECT rs.*, c.number, c.name, e.name AS employee, d.name AS department, c.state AS client_state
       FROM risk_scores rs
       JOIN clients c ON c.id = rs.client_id
       CROSS JOIN LATERAL (
         SELECT DISTINCT x AS employee_id
           FROM unnest(CASE WHEN c.remote_specialist_id IS NULL AND c.field_specialist_id IS NULL THEN ARRAY[NULL::bigint]
                            ELSE array_remove(ARRAY[c.remote_specialist_id, c.field_specialist_id], NULL) END) AS x
       ) resp
       LEFT JOIN employees e ON e.id = resp.employee_id
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE rs.week = $1
        AND ($2::text IS NULL OR d.name ILIKE '%' || $2 || '%')
        AND ($3::text IS NULL OR rs.zone = $3)
      ORDER BY rs.indicator DESC NULLS LAST, c.number, e.name
      LIMIT $4`,
    [f.week, f.department ?? null, f.zone ?? null, f.limit ?? null],
  );
  return rows;
}
