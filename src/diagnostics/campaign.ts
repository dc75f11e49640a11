/**
 * The campaign of one half-year: one task «Диагностика и профилактика появления конкурентов»
 * (direction Антиконкурент) per served client for its remote specialist, with the segment's
 * checklist, planned period and priority, due dates staggered under the daily limit.
 *
 * Running it again for the same half-year gives tasks only to clients without one (served since,
 * or given a remote specialist since); their due dates start from the day of that run and fill
 * around what is already due. Runs are serialised by an advisory lock, so two at once (a forced
 * trigger and diagnostics-control) cannot both fill the same day.
 */
import { performance } from 'node:perf_hooks';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { campaignCandidates, diagnosticsKey, dueCounts } from '../db/diagnostics.js';
import { type Queryable, withTransaction } from '../db/pool.js';
import { insertTasks, type NewTask } from '../db/tasks.js';
import { localDate, zonedTime } from '../domain/dates.js';
import {
  DIAGNOSTICS_KIND,
  DIAGNOSTICS_TITLE,
  type DueCounts,
  diagnosticsText,
  type PlannedDiagnostics,
  type Segment,
  staggerDueDates,
} from '../domain/diagnostics.js';
import { periodRange } from '../domain/periods.js';
import { rub } from '../domain/ru.js';

const CAMPAIGN_LOCK = 7_303_241_070;
/** Tasks per INSERT: the payload carries the checklist text. */
const CHUNK = 5000;

export interface CampaignPlan {
  period: string;
  /** The day the new tasks are given: today, or the half-year's first day when run ahead of it. */
  start: string;
  plans: PlannedDiagnostics[];
  tasks: NewTask[];
  /** Served clients without a remote specialist: no task (they get one once they have one). */
  withoutSpecialist: number[];
  counts: DueCounts;
}

export interface CampaignStats {
  period: string;
  start: string;
  created: number;
  bySegment: Record<Segment, number>;
  /** Tasks due after their segment's planned period because the specialist's days were full. */
  beyondPeriod: number;
  withoutSpecialist: number;
  /** The most diagnostics of this campaign due on one working day for one specialist. */
  maxDuePerDay: number;
  /** Milliseconds spent planning (reading, staggering, wording) and writing the tasks. */
  ms: { plan: number; write: number };
}

function hm(s: string): [number, number] {
  return s.split(':').map(Number) as [number, number];
}

/** What a run would create now, without writing. */
export async function planCampaign(app: App, db: Queryable, period: string): Promise<CampaignPlan> {
  const tz = app.config.ric.timeZone;
  const at = now();
  const today = localDate(at, tz);
  const { start: first } = periodRange('halfyear', period);
  // Run ahead of the half-year (e.g. on 1 July for H2), the planned period starts with it.
  let start = first;
  if (today > start) start = today;
  const candidates = await campaignCandidates(db, period);
  const counts: DueCounts = new Map();
  for (const r of await dueCounts(db, period, tz)) {
    const m = counts.get(r.assignee_id) ?? new Map<string, number>();
    m.set(r.day, r.n);
    counts.set(r.assignee_id, m);
  }
  const served = candidates.flatMap((c) =>
    c.remote_specialist_id === null
      ? []
      : [{ clientId: c.client_id, number: c.number, monthlyFee: c.monthly_fee, specialistId: c.remote_specialist_id }],
  );
  const plans = staggerDueDates({ clients: served, start, rules: app.config.diagnostics, calendar: app.calendar, counts });
  const fee = new Map(candidates.map((c) => [c.client_id, c.monthly_fee]));
  const [sh, sm] = hm(app.config.signals.workday.start);
  const [eh, em] = hm(app.config.signals.workday.end);
  const plannedAt = start === today ? at : zonedTime(start, sh, sm, tz);
  const tasks = plans.map(
    (p): NewTask => ({
      kind: DIAGNOSTICS_KIND,
      direction: 'anti_competitor',
      title: DIAGNOSTICS_TITLE,
      assigneeId: p.specialistId,
      clientId: p.clientId,
      plannedAt,
      dueAt: zonedTime(p.dueOn, eh, em, tz),
      priority: p.priority,
      payload: {
        period,
        segment: p.segment,
        monthlyFee: fee.get(p.clientId),
        plannedUntil: p.windowEnd,
        text: diagnosticsText({ period, segment: p.segment, fee: rub(fee.get(p.clientId) ?? 0), plannedFrom: start, dueOn: p.dueOn }),
      },
      dedupKey: diagnosticsKey(period, p.clientId),
      createdBy: DIAGNOSTICS_KIND,
    }),
  );
  const withoutSpecialist = candidates.filter((c) => c.remote_specialist_id === null).map((c) => c.client_id);
  return { period, start, plans, tasks, withoutSpecialist, counts };
}

function maxPerDay(counts: DueCounts): number {
  let max = 0;
  for (const days of counts.values()) for (const n of days.values()) max = Math.max(max, n);
  return max;
}

/** Give the campaign's tasks to every served client still without one. Safe to run twice. */
export async function runCampaign(app: App, period: string): Promise<CampaignStats> {
  return withTransaction(app.pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [CAMPAIGN_LOCK]);
    const t0 = performance.now();
    const plan = await planCampaign(app, db, period);
    const t1 = performance.now();
    let created = 0;
    for (let i = 0; i < plan.tasks.length; i += CHUNK) created += (await insertTasks(db, plan.tasks.slice(i, i + CHUNK), now())).size;
    const bySegment: Record<Segment, number> = { small_medium: 0, large: 0 };
    for (const p of plan.plans) bySegment[p.segment]++;
    if (plan.withoutSpecialist.length) {
      app.log.warn(
        { period, clients: plan.withoutSpecialist.length },
        'served clients without a remote specialist get no diagnostics task',
      );
    }
    return {
      period,
      start: plan.start,
      created,
      bySegment,
      beyondPeriod: plan.plans.filter((p) => p.beyondWindow).length,
      withoutSpecialist: plan.withoutSpecialist.length,
      maxDuePerDay: maxPerDay(plan.counts),
      ms: { plan: Math.round(t1 - t0), write: Math.round(performance.now() - t1) },
    };
  });
}
