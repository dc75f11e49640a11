/** `tasks` of kind `risk-review`: who needs one after a week's scoring, and which recovered. */
import type { Queryable } from './pool.js';
import type { RiskScoreRow } from './risk-scores.js';

export const RISK_REVIEW = 'risk-review';

export interface RiskTaskCandidate extends RiskScoreRow {
  number: number;
  name: string;
  remote_specialist_id: number | null;
}

/**
 * Clients of `week` in high risk or the red zone with no open risk-review task and none closed
 * after `cooldownFrom`.
 */
export async function riskTaskCandidates(db: Queryable, week: string, cooldownFrom: Date): Promise<RiskTaskCandidate[]> {
  const { rows } = await db.query<RiskTaskCandidate>(
    `SELECT rs.*, c.number, c.name, c.remote_specialist_id
       -- A leaving client (liquidation, reorganisation) gets no risk-review task.
       FROM risk_scores rs JOIN working_clients c ON c.id = rs.client_id
      WHERE rs.week = $1 AND (rs.zone = 'high' OR 'red_zone' = ANY (rs.categories))
        AND NOT EXISTS (SELECT 1 FROM tasks t
                         WHERE t.client_id = rs.client_id AND t.kind = $3
                           AND (t.state = 'open' OR t.closed_at > $2))`,
    [week, cooldownFrom, RISK_REVIEW],
  );
  return rows;
}

/** Close the open risk-review tasks of clients back to no threat in `week`, outcome `recovered`. */
export async function closeRecoveredRiskTasks(db: Queryable, week: string, at: Date, note: string): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE tasks t SET state = 'done', outcome = 'recovered', closed_at = $2,
            note = CASE WHEN t.note IS NULL OR t.note = '' THEN $3 ELSE t.note || E'\\n' || $3 END
       FROM risk_scores rs
      WHERE rs.week = $1 AND rs.zone = 'none' AND rs.client_id = t.client_id AND t.kind = $4 AND t.state = 'open'
      RETURNING t.id`,
    [week, at, note, RISK_REVIEW],
  );
  return rows.map((r) => r.id);
}
