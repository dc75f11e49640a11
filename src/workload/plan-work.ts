/**
 * The planner's run: give every open task a deadline from its rule, read every open reason
 * grouped by client and person (one visit each, there or to be created), plan them in one pass
 * in memory (src/domain/plan.ts), then write the plan set-based: the new visits created with
 * their place, the open tasks gathered into them, the emptied visits closed, and only the
 * places that changed rewritten — all in one transaction under an advisory lock, so a run
 * killed at any line leaves the previous plan and two runs at once plan one after the other.
 * Runs each morning (the `plan` job) and after each job that creates work.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import {
  absencesFrom,
  announcedCalls,
  attachTasks,
  closeEmptyVisits,
  detachMovedTasks,
  insertPlannedVisits,
  openReasonsToPlan,
  type PlanWrite,
  plannedPeople,
  setTaskDeadlines,
  undatedOpenTasks,
  writePlacements,
} from '../db/visits.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { LPR_KIND } from '../domain/mailing-content.js';
import { HANDOFF_KINDS, type PlanPerson, type PlanVisit, planVisits } from '../domain/plan.js';

export type PlanApp = Pick<App, 'pool' | 'config' | 'calendar'>;

export interface PlanStats {
  /** The first working day of the plan. */
  from: IsoDate;
  deadlinesSet: number;
  visitsCreated: number;
  tasksGathered: number;
  visitsClosed: number;
  visits: number;
  planned: number;
  overflow: number;
}

/** Lock key of the planner's transaction ("plan" in ASCII). */
const PLAN_LOCK = 1886151022;
/** The plan looks this many days ahead at least (beyond that, as far as the latest deadline). */
const HORIZON_DAYS = 62;

/** A person's capacity: their own «Норма звонков в день», else their role's. */
export function capacityOf(app: PlanApp, p: { role: 'remote' | 'field' | 'head'; daily_capacity: number | null }): number {
  return p.daily_capacity ?? app.config.workload[p.role];
}

/** The end of the working day (signals.workday.end) of `day` in the RIC's zone. */
function endOfDay(app: PlanApp, day: IsoDate): Date {
  const [h, m] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  return zonedTime(day, h, m, app.config.ric.timeZone);
}

/** The deadline a task without one gets: `workload.defaultDueWorkingDays` after it starts. */
export function defaultDeadline(app: PlanApp, starts: Date): Date {
  const day = app.calendar.addWorkingDays(localDate(starts, app.config.ric.timeZone), app.config.workload.defaultDueWorkingDays);
  return endOfDay(app, day);
}

export async function planWorkIn(app: PlanApp, db: PoolClient, opts: { date?: IsoDate; at?: Date } = {}): Promise<PlanStats> {
  const at = opts.at ?? now();
  const tz = app.config.ric.timeZone;
  const date = opts.date ?? localDate(at, tz);
  await db.query('SELECT pg_advisory_xact_lock($1)', [PLAN_LOCK]);
  const undated = await undatedOpenTasks(db);
  const deadlinesSet = await setTaskDeadlines(
    db,
    undated.map((t) => ({ id: t.id, dueAt: defaultDeadline(app, t.starts) })),
  );
  await detachMovedTasks(db);
  const rows = await openReasonsToPlan(db, tz, HANDOFF_KINDS);
  const first = app.calendar.addWorkingDays(date, 0);
  let last = addDays(first, HORIZON_DAYS);
  for (const r of rows) if (r.due_on > last) last = r.due_on;
  const days = app.calendar.workingDaysIn(first, last);
  const absent = new Map<number, Set<IsoDate>>();
  for (const a of await absencesFrom(db, first)) {
    const set = absent.get(a.employee_id) ?? new Set<IsoDate>();
    for (let d = a.from_date; d <= a.to_date && d <= last; d = addDays(d, 1)) set.add(d);
    absent.set(a.employee_id, set);
  }
  // The calls the monthly e-mail's waves announced keep their places on their day (the morning
  // plan fills the day before the call tasks come, lpr-call-tasks at 09:00); each call's visit
  // takes its place when it comes.
  const booked = new Map<number, Map<IsoDate, number>>();
  const after = app.config.lpr.callAfterWorkingDays;
  const since = zonedTime(addDays(first, -3 * (after + 7)), 0, 0, tz);
  for (const a of await announcedCalls(db, { kind: LPR_KIND, since, tz })) {
    const call = app.calendar.addWorkingDays(a.sent_on, after);
    if (call < first) continue;
    const days = booked.get(a.employee_id) ?? new Map<IsoDate, number>();
    days.set(call, (days.get(call) ?? 0) + a.n);
    booked.set(a.employee_id, days);
  }
  const people = new Map<number, PlanPerson>();
  for (const p of await plannedPeople(db))
    people.set(p.id, { id: p.id, capacity: capacityOf(app, p), absent: absent.get(p.id) ?? new Set(), booked: booked.get(p.id) });
  // Reasons not in a visit yet get ids after every visit's, in the order their visits will be
  // created: the plan orders equals by id, so this run and the next order them alike.
  let nextId = 1;
  for (const r of rows) if (r.id !== null && r.id >= nextId) nextId = r.id + 1;
  const ids = rows.map((r) => r.id ?? nextId++);
  const visits: PlanVisit[] = rows.map((r, i) => ({
    id: ids[i] as number,
    assigneeId: r.assignee_id,
    startsOn: r.starts_on,
    dueOn: r.due_on,
    plannedOn: r.planned_on,
    handoff: r.handoff,
    zoneRank: r.zone === 'high' ? 2 : r.zone === 'dynamic' ? 1 : 0,
    fee: r.fee,
    createdAt: (r.created_at ?? at).getTime(),
    callOn: r.call_on,
  }));
  const placements = planVisits({
    days,
    keepFirstDay: first === date,
    reserveShare: app.config.workload.reserveShare,
    people,
    visits,
  });
  const placed = new Map(placements.map((p) => [p.id, p]));
  const created: (PlanWrite & { clientId: number; assigneeId: number })[] = [];
  const changed: (PlanWrite & { id: number })[] = [];
  rows.forEach((r, i) => {
    const p = placed.get(ids[i] as number);
    if (!p) return;
    const w: PlanWrite = { startsOn: r.starts_on, dueOn: r.due_on, plannedOn: p.plannedOn, overflowReason: p.overflowReason };
    if (r.id === null) created.push({ ...w, clientId: r.client_id, assigneeId: r.assignee_id });
    else if (
      r.cur_starts_on !== w.startsOn ||
      r.cur_due_on !== w.dueOn ||
      r.planned_on !== w.plannedOn ||
      r.cur_overflow_reason !== w.overflowReason
    )
      changed.push({ ...w, id: r.id });
  });
  const createdVisits = await insertPlannedVisits(db, created, at);
  const joining = rows
    .filter((r) => r.id !== null && r.ungathered)
    .map((r) => ({ id: r.id as number, clientId: r.client_id, assigneeId: r.assignee_id }));
  const tasksGathered = await attachTasks(db, [...createdVisits, ...joining]);
  const visitsClosed = await closeEmptyVisits(db, at);
  await writePlacements(db, changed, at);
  const planned = placements.filter((p) => p.plannedOn !== null).length;
  return {
    from: first,
    deadlinesSet,
    visitsCreated: createdVisits.length,
    tasksGathered,
    visitsClosed,
    visits: placements.length,
    planned,
    overflow: placements.length - planned,
  };
}

/**
 * Plan the work from `date` (default: today in the RIC's zone). Visits already planned on
 * `date`, when it is a working day, stay there.
 */
export async function planWork(app: PlanApp, opts: { date?: IsoDate; at?: Date } = {}): Promise<PlanStats> {
  return withTransaction(app.pool, (db) => planWorkIn(app, db, opts));
}
