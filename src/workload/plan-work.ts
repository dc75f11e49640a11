/**
 * The planner's run: give every open task a deadline from its rule, gather open tasks into
 * visits (one per client and person), then plan every open visit in one pass in memory
 * (src/domain/plan.ts) and write the plan — all in one transaction under an advisory lock, so a
 * run killed at any line leaves the previous plan and two runs at once plan one after the other.
 * Runs each morning (the `plan` job) and after each job that creates work.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import {
  absencesFrom,
  gatherVisits,
  openVisitsToPlan,
  plannedPeople,
  setTaskDeadlines,
  undatedOpenTasks,
  writePlacements,
} from '../db/visits.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
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
  const gathered = await gatherVisits(db, at);
  const rows = await openVisitsToPlan(db, tz, HANDOFF_KINDS);
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
  const people = new Map<number, PlanPerson>();
  for (const p of await plannedPeople(db))
    people.set(p.id, { id: p.id, capacity: capacityOf(app, p), absent: absent.get(p.id) ?? new Set() });
  const visits: PlanVisit[] = rows.map((r) => ({
    id: r.id,
    assigneeId: r.assignee_id,
    startsOn: r.starts_on,
    dueOn: r.due_on,
    plannedOn: r.planned_on,
    handoff: r.handoff,
    zoneRank: r.zone === 'high' ? 2 : r.zone === 'dynamic' ? 1 : 0,
    fee: r.fee,
    createdAt: r.created_at.getTime(),
  }));
  const placements = planVisits({
    days,
    keepFirstDay: first === date,
    reserveShare: app.config.workload.reserveShare,
    people,
    visits,
  });
  const window = new Map(rows.map((r) => [r.id, r]));
  await writePlacements(
    db,
    placements.map((p) => ({ ...p, startsOn: window.get(p.id)?.starts_on as IsoDate, dueOn: window.get(p.id)?.due_on as IsoDate })),
    at,
  );
  const planned = placements.filter((p) => p.plannedOn !== null).length;
  return {
    from: first,
    deadlinesSet,
    visitsCreated: gathered.created,
    tasksGathered: gathered.attached,
    visitsClosed: gathered.closed,
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
