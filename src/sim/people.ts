/**
 * The simulated desk's people. Every working day each specialist works the planner's plan of
 * the day — their visits («Контакт с клиентом») in the plan's order (src/db/visits.ts), then any
 * open task the planner has not gathered into a visit in the diary's order — up to their
 * capacity (the planner's: their own norm, else their role's) with a realistic spread (some days
 * off, some days short). Each visit closes through the same code as the diary's form
 * (`closeVisit`; a task outside a visit through `closeTask`), with an outcome the client's
 * hidden health decides. Field specialists take their alerts after a delay drawn per visit.
 * Heads work their own list the same way (what escalations put there), up to `workload.head`,
 * and move the overflow of an overloaded member to the least loaded one (`reassignTask`, as
 * «Передать» in the diary).
 *
 * `plannedWork` is the one place that decides what a person works on a day.
 */
import type { App } from '../app.js';
import { type DiaryTaskRow, dayTasks, reassignTask } from '../db/diary.js';
import { withTransaction } from '../db/pool.js';
import { dayVisits, type VisitRow } from '../db/visits.js';
import { Rng } from '../demo-data/random.js';
import { closeTask } from '../diagnostics/close-task.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import { closeVisit, type ReasonInput } from '../workload/close-visit.js';
import { capacityOf } from '../workload/plan-work.js';
import type { PeopleSettings } from './options.js';
import type { World } from './world.js';

export interface Person {
  id: number;
  name: string;
  role: 'remote' | 'field' | 'head';
  departmentId: number;
  capacity: number;
}

export interface DayWork {
  employeeId: number;
  capacity: number;
  /** Tasks on the person's list that day (the day's plan), and how many were closed. */
  planned: number;
  closed: number;
  /** Tasks left on the list although the person had worked to capacity. */
  overflow: number;
  outcomes: Record<string, number>;
  moved: number;
}

export async function loadPeople(app: App, settings: PeopleSettings, seed: number): Promise<Person[]> {
  const { rows } = await app.pool.query<{
    id: number;
    name: string;
    role: Person['role'];
    department_id: number;
    daily_capacity: number | null;
  }>('SELECT id, name, role, department_id, daily_capacity FROM employees WHERE active ORDER BY id');
  const rng = new Rng(seed ^ 0xbeef);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    departmentId: r.department_id,
    capacity: Math.max(1, Math.round(capacityOf(app, r) * (1 - settings.spread + 2 * settings.spread * rng.next()))),
  }));
}

/** One piece of a day's work: a planned visit, or a task the planner has not put in a visit. */
export type WorkItem = { kind: 'visit'; visit: VisitRow } | { kind: 'task'; task: DiaryTaskRow };

/**
 * What `person` works on `day`, in order: the planner's visits of the day, then the open tasks
 * of the diary's list (its order) that are in no visit.
 */
export async function plannedWork(app: App, person: Person, day: IsoDate): Promise<WorkItem[]> {
  const visits = await dayVisits(app.pool, person.id, day);
  const dayEnd = zonedTime(addDays(day, 1), 0, 0, app.config.ric.timeZone);
  const tasks = await dayTasks(app.pool, [person.id], dayEnd, app.config.diary.maxTasks);
  const { rows } = await app.pool.query<{ id: number }>('SELECT id FROM tasks WHERE id = ANY($1::bigint[]) AND visit_id IS NULL', [
    tasks.map((t) => t.id),
  ]);
  const loose = new Set(rows.map((r) => r.id));
  return [
    ...visits.map((visit) => ({ kind: 'visit' as const, visit })),
    ...tasks.filter((t) => loose.has(t.id)).map((task) => ({ kind: 'task' as const, task })),
  ];
}

/** A deterministic draw per visit or task: the same one gets the same answer on every run. */
const drawFor = (seed: number, id: number, salt: number) => new Rng((seed * 2654435761 + id * 40503 + salt) >>> 0);

function ackDelay(settings: PeopleSettings, rng: Rng): number {
  return rng.weighted(settings.ackDelayDays.map(([d, w]) => [d, w] as const));
}

interface WorkContext {
  world: World;
  settings: PeopleSettings;
  seed: number;
  day: IsoDate;
  clientNumbers: Map<number, number>;
}

/**
 * The people work side by side, each through their own list (a visit is one person's), so a
 * day takes the time of its longest lists, not their sum. What could make the run depend on
 * who finished first does not: each person's draw of the day is taken beforehand in the team's
 * order, each visit's answer is drawn from its own id, and what a held call does to the
 * client's health takes effect after everyone's day, in the team's order.
 */
export async function workTeamDay(app: App, ctx: WorkContext & { rng: Rng; atOnce: number }, team: readonly Person[]): Promise<DayWork[]> {
  const draws = team.map(() => ctx.rng.next());
  // Everyone's list as the day starts: work one person makes for another (a finding's hand-off
  // to field support) reaches that person's list tomorrow, whoever finishes first today.
  const lists = await inParallel(team, ctx.atOnce, (person) => plannedWork(app, person, ctx.day));
  const days = await inParallel(team, ctx.atOnce, async (person, i) => {
    const effects: (() => void)[] = [];
    return { work: await workDay(app, { ...ctx, effects }, person, draws[i] as number, lists[i] as WorkItem[]), effects };
  });
  for (const d of days) for (const effect of d.effects) effect();
  return days.map((d) => d.work);
}

/** `fn` over `items`, at most `atOnce` at a time; the results in the items' order. */
async function inParallel<T, R>(items: readonly T[], atOnce: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, items.length)) }, lane));
  return out;
}

const HELD = new Set(['held', 'held-with-login']);

/** Close a visit as the world answers: one contact outcome; a diagnostics reason its own result. */
async function workVisit(app: App, ctx: DayContext, person: Person, v: VisitRow, draw: Rng): Promise<string | null> {
  const outcome = ctx.world.callOutcome(v.client_number, draw);
  const competitor = ctx.world.competitorOf(v.client_number);
  const reasons: Record<number, ReasonInput> = {};
  if (HELD.has(outcome)) {
    for (const r of v.reasons) {
      if (r.kind !== DIAGNOSTICS_KIND) continue;
      reasons[r.task_id] = competitor
        ? { outcome: 'competitor-found', finding: { competitor, validUntil: null, contactName: null, note: null } }
        : { outcome: 'no-competitor' };
    }
  }
  const res = await closeVisit(app, v.id, { outcome, note: 'симуляция', reasons }, { assigneeId: person.id });
  if (res.kind !== 'done') return null;
  if (HELD.has(outcome)) ctx.effects.push(() => ctx.world.intervene(v.client_number, 'call', draw));
  return outcome;
}

/** Close a task outside any visit, as the diary's form does. */
async function workTask(app: App, ctx: DayContext, task: DiaryTaskRow, draw: Rng): Promise<string | null> {
  const number = task.client_id === null ? null : (ctx.clientNumbers.get(task.client_id) ?? null);
  const competitor = number === null ? null : ctx.world.competitorOf(number);
  const outcome =
    task.kind === DIAGNOSTICS_KIND
      ? competitor
        ? 'competitor-found'
        : 'no-competitor'
      : number === null
        ? 'held'
        : ctx.world.callOutcome(number, draw);
  const res = await closeTask(app, task.id, {
    outcome,
    note: 'симуляция',
    finding: outcome === 'competitor-found' && competitor ? { competitor, validUntil: null, contactName: null, note: null } : null,
  });
  if (res.kind !== 'done') return null;
  if (number !== null && HELD.has(outcome)) ctx.effects.push(() => ctx.world.intervene(number, 'call', draw));
  return outcome;
}

/** One person's day: what the world's answers do to health, kept for after everyone's day. */
type DayContext = WorkContext & { effects: (() => void)[] };

/**
 * One person's working day: the plan in its order, each visit or task closed as the world
 * answers. `r` (0–1) decides a day off or a short day; `list` is the day's {@link plannedWork}.
 */
export async function workDay(app: App, ctx: DayContext, person: Person, r: number, list: readonly WorkItem[]): Promise<DayWork> {
  const out: DayWork = { employeeId: person.id, capacity: 0, planned: 0, closed: 0, overflow: 0, outcomes: {}, moved: 0 };
  const today =
    r < ctx.settings.dayOff ? 0 : r < ctx.settings.dayOff + ctx.settings.shortDay ? Math.ceil(person.capacity / 2) : person.capacity;
  out.capacity = today;
  out.planned = list.length;
  const tz = app.config.ric.timeZone;
  for (const item of list) {
    if (out.closed >= today) break;
    const id = item.kind === 'visit' ? item.visit.id : item.task.id;
    const draw = drawFor(ctx.seed, id, item.kind === 'visit' ? 2 : 1);
    if (person.role === 'field') {
      // An alert is taken some working days after it arrived.
      const since = item.kind === 'visit' ? (item.visit.starts_on ?? ctx.day) : localDate(item.task.created_at, tz);
      if (app.calendar.workingDaysBetween(since, ctx.day) < ackDelay(ctx.settings, draw)) continue;
    }
    const outcome = item.kind === 'visit' ? await workVisit(app, ctx, person, item.visit, draw) : await workTask(app, ctx, item.task, draw);
    if (outcome === null) continue;
    out.closed++;
    out.outcomes[outcome] = (out.outcomes[outcome] ?? 0) + 1;
  }
  out.overflow = today > 0 && out.closed >= today ? Math.max(0, list.length - out.closed) : 0;
  return out;
}

/**
 * The heads' look at the team after the day: a member with more open work than
 * `overflowFactor` × capacity gives the excess (latest due first) to the least loaded member
 * of the same role, as a head does with «Передать» in the diary.
 */
export async function actOnOverflow(app: App, people: Person[], settings: PeopleSettings, at: Date): Promise<number> {
  const { rows } = await app.pool.query<{ assignee_id: number; n: number }>(
    `SELECT assignee_id, count(*)::int AS n FROM tasks WHERE state = 'open' AND assignee_id IS NOT NULL GROUP BY assignee_id`,
  );
  const load = new Map(rows.map((r) => [r.assignee_id, r.n]));
  let moved = 0;
  for (const head of people.filter((p) => p.role === 'head')) {
    const team = people.filter((p) => p.departmentId === head.departmentId && p.role !== 'head');
    for (const member of team) {
      const excess = (load.get(member.id) ?? 0) - Math.round(settings.overflowFactor * member.capacity);
      if (excess <= 0) continue;
      const peers = team.filter((p) => p.role === member.role && p.id !== member.id);
      if (!peers.length) continue;
      const { rows: extra } = await app.pool.query<{ id: number }>(
        `SELECT id FROM tasks WHERE state = 'open' AND assignee_id = $1 ORDER BY due_at DESC NULLS FIRST, id DESC LIMIT $2`,
        [member.id, excess],
      );
      for (const t of extra) {
        const to = peers.reduce((a, b) => ((load.get(b.id) ?? 0) / b.capacity < (load.get(a.id) ?? 0) / a.capacity ? b : a));
        if ((load.get(to.id) ?? 0) >= settings.overflowFactor * to.capacity) break;
        const res = await withTransaction(app.pool, (db) =>
          reassignTask(db, {
            taskId: t.id,
            toId: to.id,
            byId: head.id,
            departmentId: head.departmentId,
            scope: { kind: 'department', departmentId: head.departmentId },
            at,
          }),
        );
        if (res.kind !== 'moved') continue;
        load.set(to.id, (load.get(to.id) ?? 0) + 1);
        load.set(member.id, (load.get(member.id) ?? 0) - 1);
        moved++;
      }
    }
  }
  return moved;
}
