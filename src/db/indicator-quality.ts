/**
 * The history the indicator's quality is judged on: every scored client-week of a range with
 * its components, churnguard's and the CRM's indicator, and whether the client disconnected
 * within the horizon after the week's end (`client_state_changes`, to_state 'disconnected',
 * recorded from imports or the export's «Дата отключения»). One aggregate over the weeks: the
 * client-weeks grouped by their values, a few thousand groups even for 100 000 clients × 26 weeks.
 */
import type { Queryable } from './pool.js';

export interface QualityGroup {
  training: number | null;
  lk: number | null;
  lpr_contact: number | null;
  logins: number | null;
  webinars: number | null;
  computed: number | null;
  crm: number | null;
  left: boolean;
  n: number;
}

export interface QualityRange {
  fromWeek: string;
  toWeek: string;
  horizonWeeks: number;
}

export async function qualityGroups(db: Queryable, r: QualityRange): Promise<QualityGroup[]> {
  // The few client-weeks followed by a disconnection are found from the disconnections' side
  // (the primary key of risk_scores), then one hash aggregate over the range's rows.
  const { rows } = await db.query<QualityGroup>(
    `WITH pos AS (
       SELECT DISTINCT rs.client_id, rs.week
         FROM client_state_changes g JOIN risk_scores rs ON rs.client_id = g.client_id
        WHERE g.to_state = 'disconnected' AND rs.week >= $1 AND rs.week <= $2
          AND g.changed_on > rs.week_end AND g.changed_on <= rs.week_end + $3::int * 7
     )
     SELECT rs.training, rs.lk, rs.lpr_contact, rs.logins, rs.webinars, rs.computed_indicator AS computed, d.indicator AS crm,
            p.client_id IS NOT NULL AS left, count(*)::int AS n
       FROM risk_scores rs
       LEFT JOIN pos p ON p.client_id = rs.client_id AND p.week = rs.week
       LEFT JOIN crm_deviations d ON d.week = rs.week AND d.client_id = rs.client_id
      WHERE rs.week >= $1 AND rs.week <= $2
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    [r.fromWeek, r.toWeek, r.horizonWeeks],
  );
  return rows;
}

/** The first and last scored weeks, or null when nothing was scored. */
export async function scoredWeekRange(db: Queryable): Promise<{ first: string; last: string } | null> {
  const { rows } = await db.query<{ first: string | null; last: string | null }>(
    'SELECT min(week) AS first, max(week) AS last FROM risk_scores',
  );
  const r = rows[0];
  return r?.first && r.last ? { first: r.first, last: r.last } : null;
}

/** How many client-weeks and disconnections the range has (for the report's notes). */
export async function disconnectionsKnown(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM client_state_changes WHERE to_state = 'disconnected'`);
  return rows[0]?.n ?? 0;
}
