/**
 * The diary's data for one signed-in employee: their open tasks of the day and the overdue
 * ones (today = the RIC's date of `now()`), each with the client's card, latest risk week,
 * key persons and the outcomes it may close with; for a head of department, the same for every
 * member of the team. Loaded set-based: a handful of queries whatever the number of tasks.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type ClientCard, loadClientCards } from '../db/client-cards.js';
import {
  type DiaryTaskRow,
  dayTasks,
  diaryTask,
  hasUnplannedTasks,
  type KeyPerson,
  keyPersons,
  latestRiskRows,
  type TeamMember,
  teamMembers,
  visitTasks,
} from '../db/diary.js';
import type { DiaryUser } from '../db/diary-auth.js';
import type { RiskScoreRow } from '../db/risk-scores.js';
import { type TaskChange, type TaskComment, taskChanges, taskComments } from '../db/task-steering.js';
import { dayVisits, overflowVisits, type VisitRow } from '../db/visits.js';
import { addDays, daysBetween, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { type Outcome, outcomesFor } from '../domain/task-outcomes.js';
import { capacityOf, planWork } from '../workload/plan-work.js';

export interface TaskView {
  task: DiaryTaskRow;
  card: ClientCard | null;
  risk: RiskScoreRow | null;
  /** The client's ЛПР, ЛВПР and key users. */
  persons: KeyPerson[];
  overdue: boolean;
  outcomes: Outcome[];
}

/** A visit («Контакт с клиентом») of the day: its reasons as task views, how late it is. */
export interface VisitView {
  visit: VisitRow;
  tasks: TaskView[];
  /** Days past the visit's deadline (0: not overdue). */
  overdueDays: number;
}

/** A person's day: the visits planned on it (never more than capacity) and their capacity. */
export interface DayPlan {
  visits: VisitView[];
  capacity: number;
  /** Open tasks without a client (not part of any visit), of the day and overdue. */
  loose: TaskView[];
}

export interface MemberTasks extends DayPlan {
  member: TeamMember;
  tasks: TaskView[];
  /** Open tasks of the day in all, when more than the page lists. */
  total: number;
}

export interface DiaryView {
  user: DiaryUser;
  today: IsoDate;
  at: Date;
  mine: TaskView[];
  mineTotal: number;
  /** The signed-in person's plan of the day. */
  plan: DayPlan;
  /** A head's department: visits that do not fit, with their reasons (the head decides). */
  overflow: VisitRow[];
  /** A head's team (without the head), in name order; empty for a specialist. */
  team: MemberTasks[];
  /** Everyone a head may give a task to (the head included). */
  members: TeamMember[];
}

async function views(app: App, rows: DiaryTaskRow[], at: Date): Promise<TaskView[]> {
  const clientIds = [...new Set(rows.flatMap((r) => (r.client_id === null ? [] : [r.client_id])))];
  const [cards, risks, persons] = await Promise.all([
    loadClientCards(app.pool, clientIds),
    latestRiskRows(app.pool, clientIds),
    keyPersons(app.pool, clientIds),
  ]);
  return rows.map((task) => ({
    task,
    card: task.client_id === null ? null : (cards.get(task.client_id) ?? null),
    risk: task.client_id === null ? null : (risks.get(task.client_id) ?? null),
    persons: task.client_id === null ? [] : (persons.get(task.client_id) ?? []),
    overdue: task.state === 'open' && task.due_at !== null && task.due_at.getTime() < at.getTime(),
    outcomes: outcomesFor(task.kind),
  }));
}

/** The day's visits of each person with their reasons, overdue first. */
async function dayPlans(app: App, people: readonly { id: number }[], today: IsoDate, at: Date): Promise<Map<number, VisitView[]>> {
  const byPerson = new Map<number, VisitRow[]>();
  for (const p of people) byPerson.set(p.id, await dayVisits(app.pool, p.id, today));
  const all = [...byPerson.values()].flat();
  const rows = await visitTasks(
    app.pool,
    all.map((v) => v.id),
  );
  const taskViews = await views(app, rows, at);
  const out = new Map<number, VisitView[]>();
  for (const [id, visits] of byPerson) {
    out.set(
      id,
      visits.map((visit) => ({
        visit,
        tasks: taskViews.filter((t) => (t.task as DiaryTaskRow & { visit_id?: number }).visit_id === visit.id),
        overdueDays: visit.due_on !== null && visit.due_on < today ? daysBetween(visit.due_on, today) : 0,
      })),
    );
  }
  return out;
}

async function capacities(app: App, ids: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await app.pool.query<{ id: number; role: 'remote' | 'field' | 'head'; daily_capacity: number | null }>(
    'SELECT id, role, daily_capacity FROM employees WHERE id = ANY($1::bigint[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, capacityOf(app, r)]));
}

export async function loadDiary(app: App, user: DiaryUser): Promise<DiaryView> {
  const at = now();
  const tz = app.config.ric.timeZone;
  const today = localDate(at, tz);
  const dayEnd = zonedTime(addDays(today, 1), 0, 0, tz);
  const members = user.isHead && user.departmentId !== null ? await teamMembers(app.pool, user.departmentId) : [];
  const others = members.filter((m) => m.id !== user.id);
  const ids = [user.id, ...others.map((m) => m.id)];
  // Work added by hand since the last plan (a task set in the diary, a finding) joins the plan first.
  if (await hasUnplannedTasks(app.pool, ids)) await planWork(app, { at });
  const rows = (await dayTasks(app.pool, ids, dayEnd, app.config.diary.maxTasks)).filter((r) => r.client_id === null);
  const all = await views(app, rows, at);
  const plans = await dayPlans(app, [user, ...others], today, at);
  const caps = await capacities(app, ids);
  const of = (id: number) => all.filter((v) => v.task.assignee_id === id);
  const planOf = (id: number): DayPlan => ({ visits: plans.get(id) ?? [], capacity: caps.get(id) ?? 0, loose: of(id) });
  const tasksOf = (id: number) => (plans.get(id) ?? []).flatMap((v) => v.tasks);
  return {
    user,
    today,
    at,
    mine: tasksOf(user.id),
    mineTotal: tasksOf(user.id).length,
    plan: planOf(user.id),
    overflow: user.isHead && user.departmentId !== null ? await overflowVisits(app.pool, user.departmentId) : [],
    team: others.map((member) => ({ member, tasks: tasksOf(member.id), total: tasksOf(member.id).length, ...planOf(member.id) })),
    members,
  };
}

/** What the signed-in employee may do with one task. */
export type TaskAccess = 'own' | 'team' | 'none';

export interface TaskPageView {
  view: TaskView;
  access: Exclude<TaskAccess, 'none'>;
  /** For a head: the team the task may be given to; empty otherwise. */
  members: TeamMember[];
  /** Comments on the task and its history of changes (who, when, before → after). */
  comments: TaskComment[];
  changes: TaskChange[];
}

/**
 * One task for its page: the employee's own, or (for a head) one of the team's. Anything else
 * — another specialist's task, an unknown id — is null, so the two cannot be told apart.
 */
export async function loadTaskPage(app: App, user: DiaryUser, id: number): Promise<TaskPageView | null> {
  const task = await diaryTask(app.pool, id);
  const access = task ? taskAccess(user, task) : 'none';
  if (!task || access === 'none') return null;
  const [view] = await views(app, [task], now());
  const members = user.isHead && user.departmentId !== null ? await teamMembers(app.pool, user.departmentId) : [];
  const [comments, changes] = await Promise.all([taskComments(app.pool, id), taskChanges(app.pool, id)]);
  return { view: view as TaskView, access, members, comments, changes };
}

export function taskAccess(user: DiaryUser, task: Pick<DiaryTaskRow, 'assignee_id' | 'assignee_department_id'>): TaskAccess {
  if (task.assignee_id === user.id) return 'own';
  if (user.isHead && user.departmentId !== null && task.assignee_department_id === user.departmentId) return 'team';
  return 'none';
}
