/**
 * The simulated desk's people. Every working day each specialist works the diary's list —
 * the same query and order as `/diary` (src/db/diary.ts) — up to a personal capacity with a
 * realistic spread (some days off, some days short), and closes each task through the same
 * code as the diary's form (`closeTask`), with an outcome the client's hidden health decides.
 * Field specialists take their alerts after a delay drawn per task. Heads move the overflow of
 * an overloaded member to the least loaded one (`reassignTask`, as «Передать» in the diary).
 *
 * `plannedWork` is the one place that decides what a person works on a day: when the planner
 * (a person's plan for the day) lands, it reads the plan instead of the diary's list.
 */
import type { App } from '../app.js';
import { type DiaryTaskRow, dayTasks, reassignTask } from '../db/diary.js';
import { withTransaction } from '../db/pool.js';
import { Rng } from '../demo-data/random.js';
import { closeTask } from '../diagnostics/close-task.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import type { World } from './world.js';

export interface PeopleSettings {
  /** Tasks a specialist closes on a full day (each person's own is this ± `spread`). */
  capacity: number;
  spread: number;
  /** Chance of a day off and of a short day (half the capacity). */
  dayOff: number;
  shortDay: number;
  /** Working days a field specialist takes to acknowledge an alert: [days, weight]. */
  ackDelayDays: [number, number][];
  /** A head moves work when a member has more than this many times the capacity open. */
  overflowFactor: number;
}

export const DEFAULT_PEOPLE: PeopleSettings = {
  capacity: 20,
  spread: 0.2,
  dayOff: 0.05,
  shortDay: 0.15,
  ackDelayDays: [
    [0, 40],
    [1, 30],
    [2, 20],
    [4, 10],
  ],
  overflowFactor: 3,
};

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
  const { rows } = await app.pool.query<{ id: number; name: string; role: Person['role']; department_id: number }>(
    'SELECT id, name, role, department_id FROM employees WHERE active ORDER BY id',
  );
  const rng = new Rng(seed ^ 0xbeef);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    departmentId: r.department_id,
    capacity: Math.max(1, Math.round(settings.capacity * (1 - settings.spread + 2 * settings.spread * rng.next()))),
  }));
}

/**
 * What `person` works on `day`, in order: the diary's list of the day (its order, up to
 * `diary.maxTasks`). The planner's plan takes its place once it lands.
 */
export async function plannedWork(app: App, person: Person, day: IsoDate): Promise<DiaryTaskRow[]> {
  const dayEnd = zonedTime(addDays(day, 1), 0, 0, app.config.ric.timeZone);
  return dayTasks(app.pool, [person.id], dayEnd, app.config.diary.maxTasks);
}

/** A deterministic draw per task: the same task gets the same answer on every run. */
const taskRng = (seed: number, taskId: number, salt: number) => new Rng((seed * 2654435761 + taskId * 40503 + salt) >>> 0);

function ackDelay(settings: PeopleSettings, rng: Rng): number {
  return rng.weighted(settings.ackDelayDays.map(([d, w]) => [d, w] as const));
}

/** One person's working day: the list in the diary's order, each task closed as the world answers. */
export async function workDay(
  app: App,
  ctx: { world: World; settings: PeopleSettings; seed: number; rng: Rng; day: IsoDate; clientNumbers: Map<number, number> },
  person: Person,
): Promise<DayWork> {
  const out: DayWork = { employeeId: person.id, capacity: 0, planned: 0, closed: 0, overflow: 0, outcomes: {}, moved: 0 };
  const r = ctx.rng.next();
  const today =
    r < ctx.settings.dayOff ? 0 : r < ctx.settings.dayOff + ctx.settings.shortDay ? Math.ceil(person.capacity / 2) : person.capacity;
  out.capacity = today;
  const list = await plannedWork(app, person, ctx.day);
  out.planned = list.length;
  const tz = app.config.ric.timeZone;
  for (const task of list) {
    if (out.closed >= today) break;
    const draw = taskRng(ctx.seed, task.id, 1);
    if (person.role === 'field') {
      // An alert is taken some working days after it arrived.
      const waited = app.calendar.workingDaysBetween(localDate(task.created_at, tz), ctx.day);
      if (waited < ackDelay(ctx.settings, draw)) continue;
    }
    const number = task.client_id === null ? null : (ctx.clientNumbers.get(task.client_id) ?? null);
    const outcome =
      task.kind === DIAGNOSTICS_KIND
        ? number !== null && ctx.world.competitorOf(number)
          ? 'competitor-found'
          : 'no-competitor'
        : number === null
          ? 'held'
          : ctx.world.callOutcome(number, draw);
    const competitor = outcome === 'competitor-found' && number !== null ? ctx.world.competitorOf(number) : null;
    const res = await closeTask(app, task.id, {
      outcome,
      note: 'симуляция',
      finding: competitor ? { competitor, validUntil: null, contactName: null, note: null } : null,
    });
    if (res.kind !== 'done') continue;
    out.closed++;
    out.outcomes[outcome] = (out.outcomes[outcome] ?? 0) + 1;
    if (number !== null && (outcome === 'held' || outcome === 'held-with-login')) ctx.world.intervene(number, 'call', draw);
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
