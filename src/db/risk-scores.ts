/** `risk_scores`: one row per client and ISO week — the components, indicator, zone, categories. */
import type { ClientRisk } from '../domain/client-risk.js';
import type { IsoDate } from '../domain/dates.js';
import { shiftPeriod } from '../domain/periods.js';
import { deltaOf, type Zone, zoneOf } from '../domain/risk-model.js';
import type { Queryable } from './pool.js';

/** Rows per statement: a few column arrays of 25 000 values each, one round trip. */
const CHUNK = 25_000;

/**
 * Insert or replace the week's rows (re-scoring a week overwrites it). Returns rows written.
 * The rows travel as one array per column; the reasons, few distinct texts repeated over
 * thousands of clients, as indexes into one array of texts — a tenth of the bytes of JSON rows.
 */
export async function upsertRiskScores(
  db: Queryable,
  week: string,
  weekEnd: IsoDate,
  scores: readonly ClientRisk[],
  at: Date,
): Promise<number> {
  let written = 0;
  for (let i = 0; i < scores.length; i += CHUNK) {
    const chunk = scores.slice(i, i + CHUNK);
    const texts: string[] = [];
    const ids = new Map<string, number>();
    const text = (t: string) => {
      let id = ids.get(t);
      if (id === undefined) {
        id = texts.push(t);
        ids.set(t, id);
      }
      return id;
    };
    const col = <T>(f: (s: ClientRisk) => T) => chunk.map(f);
    const c = (k: keyof ClientRisk['components']) => [col((s) => s.components[k].score), col((s) => text(s.components[k].reason))];
    const res = await db.query(
      `INSERT INTO risk_scores (client_id, week, week_end, training, training_reason, lk, lk_reason, lpr_contact, lpr_contact_reason,
                                logins, logins_reason, webinars, webinars_reason, indicator, zone, indicator_delta,
                                stale_components, categories, computed_at, computed_indicator, computed_zone, crm_indicator,
                                indicator_source, computed_delta, crm_delta)
       SELECT r.client_id, $17, $18, r.training, t.a[r.training_reason], r.lk, t.a[r.lk_reason], r.lpr_contact, t.a[r.lpr_contact_reason],
              r.logins, t.a[r.logins_reason], r.webinars, t.a[r.webinars_reason], r.indicator, r.zone, r.indicator_delta,
              string_to_array(t.a[r.stale_components], ','), string_to_array(t.a[r.categories], ','), $19,
              r.computed_indicator, r.computed_zone, r.crm_indicator, r.indicator_source, r.computed_delta, r.crm_delta
         FROM unnest($1::bigint[], $2::numeric[], $3::int[], $4::numeric[], $5::int[], $6::numeric[], $7::int[], $8::numeric[], $9::int[],
                     $10::numeric[], $11::int[], $12::numeric[], $13::text[], $14::numeric[], $15::int[], $16::int[],
                     $21::numeric[], $22::text[], $23::numeric[], $24::text[], $25::numeric[], $26::numeric[])
              AS r(client_id, training, training_reason, lk, lk_reason, lpr_contact, lpr_contact_reason, logins, logins_reason,
                   webinars, webinars_reason, indicator, zone, indicator_delta, stale_components, categories,
                   computed_indicator, computed_zone, crm_indicator, indicator_source, computed_delta, crm_delta)
        CROSS JOIN (SELECT $20::text[] AS a) t
       ON CONFLICT (client_id, week) DO UPDATE SET
         week_end = EXCLUDED.week_end, training = EXCLUDED.training, training_reason = EXCLUDED.training_reason,
         lk = EXCLUDED.lk, lk_reason = EXCLUDED.lk_reason, lpr_contact = EXCLUDED.lpr_contact,
         lpr_contact_reason = EXCLUDED.lpr_contact_reason, logins = EXCLUDED.logins, logins_reason = EXCLUDED.logins_reason,
         webinars = EXCLUDED.webinars, webinars_reason = EXCLUDED.webinars_reason, indicator = EXCLUDED.indicator,
         zone = EXCLUDED.zone, indicator_delta = EXCLUDED.indicator_delta, stale_components = EXCLUDED.stale_components,
         categories = EXCLUDED.categories, computed_at = EXCLUDED.computed_at, computed_indicator = EXCLUDED.computed_indicator,
         computed_zone = EXCLUDED.computed_zone, crm_indicator = EXCLUDED.crm_indicator, indicator_source = EXCLUDED.indicator_source,
         computed_delta = EXCLUDED.computed_delta, crm_delta = EXCLUDED.crm_delta`,
      [
        col((s) => s.clientId),
        ...c('training'),
        ...c('lk'),
        ...c('lprContact'),
        ...c('logins'),
        ...c('webinars'),
        col((s) => s.indicator),
        col((s) => s.zone),
        col((s) => s.delta),
        col((s) => text(s.stale.join(','))),
        col((s) => text(s.categories.join(','))),
        week,
        weekEnd,
        at,
        texts,
        col((s) => s.computedIndicator),
        col((s) => s.computedZone),
        col((s) => s.crmIndicator),
        col((s) => s.source),
        col((s) => s.computedDelta),
        col((s) => s.crmDelta),
      ],
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
  /** churnguard's own value and zone; `indicator` / `zone` are the ones acted on. */
  computed_indicator: number | null;
  computed_zone: Zone | null;
  /** The CRM's value of the week, when its «Фиксация отклонений» was imported. */
  crm_indicator: number | null;
  indicator_source: 'crm' | 'computed';
  /** Changes since last week within churnguard's series and within the CRM's (null: no value last week). */
  computed_delta: number | null;
  crm_delta: number | null;
}

/** A client's weeks up to `toWeek`, newest first. */
export async function clientRiskHistory(db: Queryable, clientId: number, toWeek: string, limit: number): Promise<RiskScoreRow[]> {
  const { rows } = await db.query<RiskScoreRow>(
    'SELECT * FROM risk_scores WHERE client_id = $1 AND week <= $2 ORDER BY week DESC LIMIT $3',
    [clientId, toWeek, limit],
  );
  return rows;
}

/** One week of one indicator series: its value, zone and change since the series' previous week. */
export interface SeriesPoint {
  indicator: number | null;
  zone: Zone | null;
  /** null when the series has no value this week or the week before («н/д», not a jump). */
  delta: number | null;
}

/** One week of a client's two series and of the value acted on. */
export interface IndicatorSeriesWeek {
  week: string;
  /** churnguard's own indicator (every scored week). */
  computed: SeriesPoint;
  /** The CRM's «Фиксация отклонений» (weeks whose report was imported, scored or not). */
  crm: SeriesPoint;
  /** The value the desk acted on and whose series it came from (null: the week was not scored). */
  acting: SeriesPoint & { source: 'crm' | 'computed' | null };
}

/**
 * A client's two indicator series over `weeks` weeks up to `toWeek`, newest first: churnguard's
 * and the CRM's, each with its own changes (never across the two), and the acting value. Every
 * week of the range is listed, with nulls where neither series has a value. The one place that
 * reads a client's series (explain, the client card).
 */
export async function clientIndicatorSeries(
  db: Queryable,
  clientId: number,
  toWeek: string,
  weeks: number,
  zones: { highFrom: number; dynamicFrom: number },
): Promise<IndicatorSeriesWeek[]> {
  const all = Array.from({ length: weeks + 1 }, (_, i) => shiftPeriod('isoweek', toWeek, i - weeks));
  const { rows } = await db.query<{
    week: string;
    computed: number | null;
    computed_zone: Zone | null;
    crm: number | null;
    indicator: number | null;
    zone: Zone | null;
    delta: number | null;
    source: 'crm' | 'computed' | null;
  }>(
    `SELECT w.week, rs.computed_indicator AS computed, rs.computed_zone, d.indicator AS crm,
            rs.indicator, rs.zone, rs.indicator_delta AS delta, rs.indicator_source AS source
       FROM unnest($2::text[]) AS w(week)
       LEFT JOIN risk_scores rs ON rs.client_id = $1 AND rs.week = w.week
       LEFT JOIN crm_deviations d ON d.client_id = $1 AND d.week = w.week`,
    [clientId, all],
  );
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const out: IndicatorSeriesWeek[] = [];
  for (let i = all.length - 1; i >= 1; i--) {
    const r = byWeek.get(all[i] as string);
    const p = byWeek.get(all[i - 1] as string);
    const computed = r?.computed ?? null;
    const crm = r?.crm ?? null;
    out.push({
      week: all[i] as string,
      computed: { indicator: computed, zone: r?.computed_zone ?? zoneOf(computed, zones), delta: deltaOf(computed, p?.computed ?? null) },
      crm: { indicator: crm, zone: zoneOf(crm, zones), delta: deltaOf(crm, p?.crm ?? null) },
      acting: { indicator: r?.indicator ?? null, zone: r?.zone ?? null, delta: r?.delta ?? null, source: r?.source ?? null },
    });
  }
  return out;
}
