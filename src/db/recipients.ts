/** The decision makers a mailing may go to, with what the selection rules need to judge them. */
import type { Candidate } from '../domain/recipients.js';
import type { Queryable } from './pool.js';

/** A candidate plus what the dry run and the preview show. */
export interface CandidateRow extends Candidate {
  fullName: string;
  clientNumber: number;
  clientName: string;
  /** The client's remote specialist, who calls after the e-mail (the monthly waves). */
  specialistId: number | null;
  /** The client's latest zone: 2 high, 1 dynamic, 0 none or not scored (high-zone clients first). */
  zoneRank: number;
  fee: number;
}

/**
 * ЛПР and ЛВПР of every client (or one contact), and the latest earlier period of `kind` each
 * got an e-mail in (cancelled and failed messages do not count: nothing reached the person).
 */
export async function loadCandidates(
  db: Queryable,
  kind: string,
  period: string,
  contactId: number | null = null,
): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(
    `WITH last AS (
       SELECT m.contact_id, max(ml.period) AS period
         FROM messages m JOIN mailings ml ON ml.id = m.mailing_id
        WHERE ml.kind = $1 AND ml.period < $2 AND m.state NOT IN ('cancelled', 'failed')
        GROUP BY m.contact_id
     )
     SELECT k.id AS "contactId", k.client_id AS "clientId", (c.state <> 'disconnected') AS "clientServed",
            (c.state IN ('liquidation', 'reorganization')) AS "clientLeaving",
            k.is_lpr AS "isLpr", k.is_lvpr AS "isLvpr", k.is_system_user AS "isSystemUser", k.email, k.consent,
            (k.unsubscribed_at IS NOT NULL) AS unsubscribed,
            (k.suppressed_at IS NOT NULL OR k.email_status IN ('bounced', 'invalid')) AS suppressed,
            k.active, k.contact_frequency_months AS "frequencyMonths", k.position_type AS "positionType",
            k.problem_areas AS "problemAreas", last.period AS "lastPeriod",
            k.full_name AS "fullName", c.number AS "clientNumber", c.name AS "clientName",
            c.remote_specialist_id AS "specialistId", c.monthly_fee AS fee,
            CASE z.zone WHEN 'high' THEN 2 WHEN 'dynamic' THEN 1 ELSE 0 END AS "zoneRank"
       FROM contacts k
       JOIN clients c ON c.id = k.client_id
       LEFT JOIN last ON last.contact_id = k.id
       LEFT JOIN LATERAL (SELECT r.zone FROM risk_scores r WHERE r.client_id = c.id ORDER BY r.week DESC LIMIT 1) z ON true
      WHERE ($3::bigint IS NULL AND (k.is_lpr OR k.is_lvpr OR k.is_lpr IS NULL OR k.is_lvpr IS NULL)) OR k.id = $3
      ORDER BY c.number, k.id`,
    [kind, period, contactId],
  );
  return rows;
}
