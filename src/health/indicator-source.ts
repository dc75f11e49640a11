/**
 * A week's zones re-decided after the CRM's «Фиксация отклонений» for it was imported (or
 * re-imported): the indicator acted on, its zone, the change since last week (within the acting
 * series) and «Красная зона» (within it too) of that week and of the next (whose red zone and change depend on this week's), then
 * the risk-review task rules for the newest scored week — the same rules and dedup as the
 * weekly scoring. Runs inside the import's transaction: all or nothing with the file.
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { latestScoredWeek } from '../db/risk-scores.js';
import { effectiveIndicator, seriesDeltas, withRedZone } from '../domain/indicator-source.js';
import { shiftPeriod } from '../domain/periods.js';
import type { Zone } from '../domain/risk-model.js';
import { applyRiskTasks, type RiskTaskResult } from './risk-tasks.js';

interface Row {
  client_id: number;
  computed_indicator: number | null;
  crm: number | null;
  categories: string[];
  /** The week before, per series: churnguard's value and zone, and the CRM's. */
  prev_zone: Zone | null;
  prev_indicator: number | null;
  prev_crm: number | null;
}

/** Re-decide the stored rows of one week; returns how many changed. */
async function reapply(app: App, db: Queryable, week: string): Promise<number> {
  const cfg = app.config.risk;
  const { rows } = await db.query<Row>(
    `SELECT rs.client_id, rs.computed_indicator, d.indicator AS crm, rs.categories,
            p.computed_zone AS prev_zone, p.computed_indicator AS prev_indicator, pd.indicator AS prev_crm
       FROM risk_scores rs
       LEFT JOIN crm_deviations d ON d.week = rs.week AND d.client_id = rs.client_id
       LEFT JOIN risk_scores p ON p.week = $2 AND p.client_id = rs.client_id
       LEFT JOIN crm_deviations pd ON pd.week = $2 AND pd.client_id = rs.client_id
      WHERE rs.week = $1`,
    [week, shiftPeriod('isoweek', week, -1)],
  );
  if (!rows.length) return 0;
  const ids: number[] = [];
  const indicators: (number | null)[] = [];
  const zones: (Zone | null)[] = [];
  const sources: string[] = [];
  const crm: (number | null)[] = [];
  const deltas: (number | null)[] = [];
  const crmDeltas: (number | null)[] = [];
  const categories: string[] = [];
  for (const r of rows) {
    const e = effectiveIndicator(r.computed_indicator, r.crm, cfg.indicatorSource, cfg.zones);
    // Changes and «Красная зона» within one series: the acting one's previous week.
    const d = seriesDeltas(
      { computed: r.computed_indicator, crm: r.crm, acting: e },
      { computed: r.prev_indicator, computedZone: r.prev_zone, crm: r.prev_crm },
      cfg.zones,
    );
    ids.push(r.client_id);
    indicators.push(e.indicator);
    zones.push(e.zone);
    sources.push(e.source);
    crm.push(r.crm);
    deltas.push(d.acting);
    crmDeltas.push(d.crm);
    categories.push(withRedZone(r.categories, e.zone, d.previousZone).join(','));
  }
  const res = await db.query(
    `UPDATE risk_scores rs
        SET indicator = u.indicator, zone = u.zone, indicator_source = u.source, crm_indicator = u.crm,
            indicator_delta = u.delta, crm_delta = u.crm_delta, categories = string_to_array(u.categories, ',')
       FROM unnest($2::bigint[], $3::numeric[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::text[], $9::numeric[])
            AS u(client_id, indicator, zone, source, crm, delta, categories, crm_delta)
      WHERE rs.week = $1 AND rs.client_id = u.client_id
        AND (rs.indicator, rs.zone, rs.indicator_source, rs.crm_indicator, rs.indicator_delta, rs.crm_delta, rs.categories)
            IS DISTINCT FROM (u.indicator, u.zone, u.source, u.crm, u.delta, u.crm_delta, string_to_array(u.categories, ','))`,
    [week, ids, indicators, zones, sources, crm, deltas, categories, crmDeltas],
  );
  return res.rowCount ?? 0;
}

export interface ReevaluateResult {
  week: string;
  /** Rows of the week (and of the next) whose indicator, zone or categories changed. */
  changed: number;
  tasks: RiskTaskResult | 'not the newest week' | 'not scored';
}

export async function reevaluateWeek(app: App, db: Queryable, week: string, at: Date): Promise<ReevaluateResult> {
  const next = shiftPeriod('isoweek', week, 1);
  const changed = (await reapply(app, db, week)) + (await reapply(app, db, next));
  const latest = await latestScoredWeek(db);
  // Tasks follow the present, as in scoreWeek: only the newest scored week's rules run.
  const tasks =
    latest === null || latest < week
      ? ('not scored' as const)
      : latest === week || latest === next
        ? await applyRiskTasks(app, db, latest, at)
        : ('not the newest week' as const);
  return { week, changed, tasks };
}
