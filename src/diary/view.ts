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
  type KeyPerson,
  keyPersons,
  latestRiskRows,
  type TeamMember,
  teamMembers,
} from '../db/diary.js';
import type { DiaryUser } from '../db/diary-auth.js';
import type { RiskScoreRow } from '../db/risk-scores.js';
import { type TaskChange, type TaskComment, taskChanges, taskComments } from '../db/task-steering.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { type Outcome, outcomesFor } from '../domain/task-outcomes.js';

export interface TaskView {
  task: DiaryTaskRow;
  card: ClientCard | null;
  risk: RiskScoreRow | null;
  /** The client's ЛПР, ЛВПР and key users. */
  persons: KeyPerson[];
  overdue: boolean;
  outcomes: Outcome[];
}

export interface MemberTasks {
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

export async function loadDiary(app: App, user: DiaryUser): Promise<DiaryView> {
  const at = now();
  const tz = app.config.ric.timeZone;
  const today = localDate(at, tz);
  const dayEnd = zonedTime(addDays(today, 1), 0, 0, tz);
  const members = user.isHead && user.departmentId !== null ? await teamMembers(app.pool, user.departmentId) : [];
  const others = members.filter((m) => m.id !== user.id);
  const rows = await dayTasks(app.pool, [user.id, ...others.map((m) => m.id)], dayEnd, app.config.diary.maxTasks);
  const all = await views(app, rows, at);
  const of = (id: number) => all.filter((v) => v.task.assignee_id === id);
  const total = (id: number) => of(id)[0]?.task.of_assignee ?? 0;
  return {
    user,
    today,
    at,
    mine: of(user.id),
    mineTotal: total(user.id),
    team: others.map((member) => ({ member, tasks: of(member.id), total: total(member.id) })),
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
