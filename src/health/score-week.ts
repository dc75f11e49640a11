/**
 * Scoring one ISO week for every served client: source freshness, the counts (one SQL
 * statement), the pure risk model per client, the rows written in a few set-based statements,
 * then — for the newest scored week only — the risk-review task rules.
 */
import { performance } from 'node:perf_hooks';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { crmIndicators } from '../db/crm-deviations.js';
import { withTransaction } from '../db/pool.js';
import { loadRiskFacts } from '../db/risk-facts.js';
import { latestScoredWeek, upsertRiskScores } from '../db/risk-scores.js';
import { loadSourceCoverage, loadSourceTimes } from '../db/source-times.js';
import { type ClientRisk, scoreClient } from '../domain/client-risk.js';
import { mergeSpans, type Span, type Uncovered, uncoveredComponents } from '../domain/coverage.js';
import { addDays, addMonths, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { periodRange, shiftPeriod } from '../domain/periods.js';
import type { ComponentKey } from '../domain/risk-components.js';
import { dmy } from '../domain/ru-dates.js';
import { type SourceKind, type SourceState, staleComponents, staleReason } from '../domain/sources.js';
import { applyRiskTasks, type RiskTaskResult } from './risk-tasks.js';

export interface WeekScope {
  week: string;
  weekStart: IsoDate;
  weekEnd: IsoDate;
  /** Midnight after the week's last day, in the RIC's zone: the reference of freshness. */
  endInstant: Date;
}

export function weekScope(app: App, week: string): WeekScope {
  const { start, end } = periodRange('isoweek', week);
  return { week, weekStart: start, weekEnd: end, endInstant: zonedTime(addDays(end, 1), 0, 0, app.config.ric.timeZone) };
}

/** Components whose sources are not fresh for the week, with their `н/д` reasons. */
export async function weekStaleness(app: App, scope: WeekScope): Promise<Map<ComponentKey, { reason: string; sources: SourceState[] }>> {
  const times = await loadSourceTimes(app.pool);
  const tz = app.config.ric.timeZone;
  const out = new Map<ComponentKey, { reason: string; sources: SourceState[] }>();
  for (const [k, bad] of staleComponents(times, scope.endInstant, app.config.risk.staleAfterDays)) {
    out.set(k, { reason: staleReason(bad, (d) => dmy(localDate(d, tz))), sources: bad });
  }
  return out;
}

/** Score the week for all served clients (or `clientIds`), in memory, without writing. */
export async function computeWeek(
  app: App,
  week: string,
  clientIds: number[] | null = null,
): Promise<{ scope: WeekScope; scores: ClientRisk[]; stale: Map<ComponentKey, string>; coverage: WeekCoverage }> {
  const cfg = app.config.risk;
  const scope = weekScope(app, week);
  const tz = app.config.ric.timeZone;
  const end = scope.weekEnd;
  const staleness = await weekStaleness(app, scope);
  const stale = new Map([...staleness].map(([k, v]) => [k, v.reason]));
  // Coverage, not only age: a component whose source's data does not reach back over its whole
  // window is н/д too (a stale source keeps its own reason).
  const coverage = await weekCoverage(app, scope);
  for (const [k, u] of coverage.uncovered) if (!stale.has(k)) stale.set(k, u.reason);
  // One statement aggregates millions of rows into per-client hashes; the default 4 MB of
  // work_mem makes them spill to disk (measured: 2× slower at 100 000 clients).
  const facts = await withTransaction(app.pool, async (db) => {
    await db.query(`SET LOCAL work_mem = '128MB'`);
    return loadRiskFacts(db, {
      weekEnd: end,
      trainingFrom: addMonths(end, -cfg.training.validityMonths),
      lkFrom: addMonths(end, -cfg.lk.months),
      webinarsFrom: addMonths(end, -cfg.webinars.months),
      lprFrom: zonedTime(addDays(addMonths(end, -cfg.lprContact.months), 1), 0, 0, tz),
      lprTo: scope.endInstant,
      loginWeeks: Math.max(cfg.logins.weeks, cfg.categories.lowActivityWeeks + cfg.categories.lowActivityBaselineWeeks),
      previousWeek: shiftPeriod('isoweek', week, -1),
      clientIds,
    });
  });
  const crm = await crmIndicators(app.pool, week, clientIds);
  return { scope, scores: facts.map((f) => scoreClient(f, end, stale, cfg, crm.get(f.clientId) ?? null)), stale, coverage };
}

export interface WeekCoverage {
  /** Per event source with a recorded span: what its imports cover, merged («с 10.03.2024 по 03.06.2024»). */
  spans: Partial<Record<SourceKind, Span[]>>;
  /** Components whose source does not cover their window in this week. */
  uncovered: Map<ComponentKey, Uncovered>;
}

/** What each event source covers and which components' windows it misses in the week. */
export async function weekCoverage(app: App, scope: WeekScope): Promise<WeekCoverage> {
  const raw = await loadSourceCoverage(app.pool, app.config.ric.timeZone);
  const spans: Partial<Record<SourceKind, Span[]>> = {};
  for (const [k, v] of Object.entries(raw) as [SourceKind, Span[]][]) spans[k] = mergeSpans(v);
  return { spans, uncovered: uncoveredComponents(raw, scope.weekEnd, app.config.risk, dmy) };
}

/** Run stats per source: the covered span and how many client-weeks were н/д for lack of coverage. */
export function coverageStats(c: WeekCoverage, clients: number): Record<string, { covered: string; window: string | null; nd: number }> {
  const out: Record<string, { covered: string; window: string | null; nd: number }> = {};
  for (const [kind, spans] of Object.entries(c.spans) as [SourceKind, Span[]][]) {
    const missed = [...c.uncovered.values()].filter((u) => u.kind === kind);
    out[kind] = {
      covered: spans.map((s) => `${dmy(s.from)}–${dmy(s.to)}`).join(', '),
      window: missed.length ? missed.map((u) => `${dmy(u.window.from)}–${dmy(u.window.to)}`).join(', ') : null,
      nd: missed.length ? clients * missed.length : 0,
    };
  }
  return out;
}

export interface ScoreWeekStats {
  week: string;
  clients: number;
  zones: Record<'high' | 'dynamic' | 'none' | 'nd', number>;
  categories: Record<string, number>;
  /** Components shown as н/д for every client, with the reason. */
  stale: Record<string, string>;
  /** Per event source: the span its imports cover, the windows it missed, client-weeks н/д for lack of coverage. */
  coverage: Record<string, { covered: string; window: string | null; nd: number }>;
  tasks: RiskTaskResult | 'not the newest week';
  /** Elapsed milliseconds of the parts of the run (operations, the benchmark). */
  ms: { score: number; write: number; tasks: number };
}

export async function scoreWeek(app: App, week: string): Promise<ScoreWeekStats> {
  const t0 = performance.now();
  const { scope, scores, stale, coverage } = await computeWeek(app, week);
  const at = now();
  const ms = { score: Math.round(performance.now() - t0), write: 0, tasks: 0 };
  const tasks = await withTransaction(app.pool, async (db) => {
    const t1 = performance.now();
    await db.query(`SET LOCAL work_mem = '128MB'`);
    await upsertRiskScores(db, week, scope.weekEnd, scores, at);
    // A week's worth of new rows: fresh statistics keep the task queries below on good plans.
    await db.query('ANALYZE risk_scores');
    const t2 = performance.now();
    ms.write = Math.round(t2 - t1);
    // Tasks follow the present: re-scoring an old week changes its rows, not today's tasks.
    const latest = await latestScoredWeek(db);
    const result = latest !== null && latest > week ? ('not the newest week' as const) : await applyRiskTasks(app, db, week, at);
    ms.tasks = Math.round(performance.now() - t2);
    return result;
  });
  const zones = { high: 0, dynamic: 0, none: 0, nd: 0 };
  const categories: Record<string, number> = {};
  for (const s of scores) {
    zones[s.zone ?? 'nd']++;
    for (const c of s.categories) categories[c] = (categories[c] ?? 0) + 1;
  }
  return {
    week,
    clients: scores.length,
    zones,
    categories,
    stale: Object.fromEntries(stale),
    coverage: coverageStats(coverage, scores.length),
    tasks,
    ms,
  };
}
