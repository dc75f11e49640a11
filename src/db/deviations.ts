/** Rows of «Фиксация отклонений»: one per client and responsible employee of a week. */
import type { Queryable } from './pool.js';
import type { RiskScoreRow } from './risk-scores.js';

export interface DeviationRow extends RiskScoreRow {
  number: number;
  name: string;
  employee: string | null;
  department: string | null;
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
    `SELECT rs.*, c.number, c.name, e.name AS employee, d.name AS department
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
