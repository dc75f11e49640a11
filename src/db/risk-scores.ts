/** `risk_scores`: one row per client and ISO week — the components, indicator, zone, categories. */
import type { ClientRisk } from '../domain/client-risk.js';
import type { IsoDate } from '../domain/dates.js';
import type { Zone } from '../domain/risk-model.js';
import type { Queryable } from './pool.js';

/** Rows per statement: ~10 000 rows of JSON is a few MB, well inside one round trip. */
const CHUNK = 10_000;

/** Insert or replace the week's rows (re-scoring a week overwrites it). Returns rows written. */
export async function upsertRiskScores(
  db: Queryable,
  week: string,
  weekEnd: IsoDate,
  scores: readonly ClientRisk[],
  at: Date,
): Promise<number> {
  let written = 0;
  for (let i = 0; i < scores.length; i += CHUNK) {
    const rows = scores.slice(i, i + CHUNK).map((s) => ({
      client_id: s.clientId,
      training: s.components.training.score,
      training_reason: s.components.training.reason,
      lk: s.components.lk.score,
      lk_reason: s.components.lk.reason,
      lpr_contact: s.components.lprContact.score,
      lpr_contact_reason: s.components.lprContact.reason,
      logins: s.components.logins.score,
      logins_reason: s.components.logins.reason,
      webinars: s.components.webinars.score,
      webinars_reason: s.components.webinars.reason,
      indicator: s.indicator,
      zone: s.zone,
      indicator_delta: s.delta,
      stale_components: s.stale,
      categories: s.categories,
    }));
    const res = await db.query(
      `INSERT INTO risk_scores (client_id, week, week_end, training, training_reason, lk, lk_reason, lpr_contact, lpr_contact_reason,
                                logins, logins_reason, webinars, webinars_reason, indicator, zone, indicator_delta,
                                stale_components, categories, computed_at)
       SELECT r.client_id, $2, $3, r.training, r.training_reason, r.lk, r.lk_reason, r.lpr_contact, r.lpr_contact_reason,
              r.logins, r.logins_reason, r.webinars, r.webinars_reason, r.indicator, r.zone, r.indicator_delta,
              r.stale_components, r.categories, $4
         FROM json_to_recordset($1::json) AS r(client_id bigint, training numeric, training_reason text, lk numeric, lk_reason text,
              lpr_contact numeric, lpr_contact_reason text, logins numeric, logins_reason text, webinars numeric, webinars_reason text,
              indicator numeric, zone text, indicator_delta numeric, stale_components text[], categories text[])
       ON CONFLICT (client_id, week) DO UPDATE SET
         week_end = EXCLUDED.week_end, training = EXCLUDED.training, training_reason = EXCLUDED.training_reason,
         lk = EXCLUDED.lk, lk_reason = EXCLUDED.lk_reason, lpr_contact = EXCLUDED.lpr_contact,
         lpr_contact_reason = EXCLUDED.lpr_contact_reason, logins = EXCLUDED.logins, logins_reason = EXCLUDED.logins_reason,
         webinars = EXCLUDED.webinars, webinars_reason = EXCLUDED.webinars_reason, indicator = EXCLUDED.indicator,
         zone = EXCLUDED.zone, indicator_delta = EXCLUDED.indicator_delta, stale_components = EXCLUDED.stale_components,
         categories = EXCLUDED.categories, computed_at = EXCLUDED.computed_at`,
      [JSON.stringify(rows), week, weekEnd, at],
    );
    written += res.rowCount ?? 0;
  }
  return written;
}

/** The newest week that has scores, or null. */
export async function latestScoredWeek(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ week: string | null }>('SELECT max(week) AS week FROM risk_scores');
  return rows[0]?.week ?? null;
}

export interface RiskScoreRow {
  client_id: number;
  week: string;
  week_end: string;
  training: number | null;
  training_reason: string | null;
  lk: number | null;
  lk_reason: string | null;
  lpr_contact: number | null;
  lpr_contact_reason: string | null;
  logins: number | null;
  logins_reason: string | null;
  webinars: number | null;
  webinars_reason: string | null;
  indicator: number | null;
  zone: Zone | null;
  indicator_delta: number | null;
  stale_components: string[];
  categories: string[];
  computed_at: Date;
}

/** A client's weeks up to `toWeek`, newest first. */
export async function clientRiskHistory(db: Queryable, clientId: number, toWeek: string, limit: number): Promise<RiskScoreRow[]> {
  const { rows } = await db.query<RiskScoreRow>(
    'SELECT * FROM risk_scores WHERE client_id = $1 AND week <= $2 ORDER BY week DESC LIMIT $3',
    [clientId, toWeek, limit],
  );
  return rows;
}
