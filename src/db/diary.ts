/**
 * What the diary reads and writes: a specialist's open tasks of the day (and overdue ones) with
 * the contact, the client's key persons and latest risk week, the team of a head of department,
 * and moving a task to another member of the team.
 */
import type { PoolClient, Queryable } from './pool.js';
import type { RiskScoreRow } from './risk-scores.js';
import { clientInScopeSql, type Scope } from './scope.js';

/** A task as the diary shows it. */
export interface DiaryTaskRow {
  id: number;
  kind: string;
  title: string;
  state: 'open' | 'done' | 'cancelled';
  /** `tasks.outcome` of a closed task. */
  outcome: string | null;
  priority: number;
  planned_at: Date | null;
  due_at: Date | null;
  created_at: Date;
  payload: Record<string, unknown>;
  assignee_id: number | null;
  assignee_name: string | null;
  assignee_department_id: number | null;
  client_id: number | null;
  contact_id: number | null;
  contact_name: string | null;
  contact_position: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  is_lpr: boolean | null;
  is_lvpr: boolean | null;
  is_key_user: boolean | null;
  /** Open tasks of the day of the same assignee, shown or not. */
  of_assignee: number;
}

const SELECT = `
  SELECT t.id, t.kind, t.title, t.state, t.outcome, t.priority, t.planned_at, t.due_at, t.created_at, t.payload,
         t.assignee_id, e.name AS assignee_name, e.department_id AS assignee_department_id, t.client_id, t.contact_id,
         k.full_name AS contact_name, k.position AS contact_position, k.phone AS contact_phone, k.email AS contact_email,
         k.is_lpr, k.is_lvpr, k.is_key_user`;

const FROM = `
    FROM tasks t
    LEFT JOIN employees e ON e.id = t.assignee_id
    LEFT JOIN contacts k ON k.id = t.contact_id`;

/** Due time first (a task without one last), then priority (1 = highest). */
const ORDER = 't.due_at NULLS LAST, t.priority, t.id';

/**
 * Open tasks of the assignees that start before `dayEnd` (planned, else due, else created
 * before it): the day's tasks and the overdue ones, at most `limit` per assignee.
 */
export async function dayTasks(db: Queryable, assigneeIds: readonly number[], dayEnd: Date, limit: number): Promise<DiaryTaskRow[]> {
  if (!assigneeIds.length) return [];
  const { rows } = await db.query<DiaryTaskRow>(
    `SELECT * FROM (
       ${SELECT}, count(*) OVER (PARTITION BY t.assignee_id)::int AS of_assignee,
              row_number() OVER (PARTITION BY t.assignee_id ORDER BY ${ORDER}) AS n
       ${FROM}
        WHERE t.state = 'open' AND t.assignee_id = ANY($1::bigint[]) AND coalesce(t.planned_at, t.due_at, t.created_at) < $2
     ) x WHERE n <= $3
     ORDER BY due_at NULLS LAST, priority, id`,
    [assigneeIds, dayEnd, limit],
  );
  return rows;
}

/** One task, whatever its state or assignee (the caller decides who may see it). */
export async function diaryTask(db: Queryable, id: number): Promise<DiaryTaskRow | null> {
  const { rows } = await db.query<DiaryTaskRow>(`${SELECT}, 1 AS of_assignee ${FROM} WHERE t.id = $1`, [id]);
  return rows[0] ?? null;
}

/** A client's ЛПР, ЛВПР and key users (the people to call when the task names nobody). */
export interface KeyPerson {
  client_id: number;
  full_name: string;
  position: string | null;
  phone: string | null;
  email: string | null;
  is_lpr: boolean;
  is_lvpr: boolean;
  is_key_user: boolean;
}

export async function keyPersons(db: Queryable, clientIds: readonly number[]): Promise<Map<number, KeyPerson[]>> {
  const out = new Map<number, KeyPerson[]>();
  if (!clientIds.length) return out;
  const { rows } = await db.query<KeyPerson>(
    `SELECT client_id, full_name, position, phone, email, is_lpr, is_lvpr, is_key_user
       FROM contacts
      WHERE client_id = ANY($1::bigint[]) AND active AND (is_lpr OR is_lvpr OR is_key_user)
      ORDER BY client_id, is_lpr DESC, is_lvpr DESC, full_name`,
    [clientIds],
  );
  for (const r of rows) out.set(r.client_id, [...(out.get(r.client_id) ?? []), r]);
  return out;
}

/** Each client's latest scored week, with the components and their reasons. */
export async function latestRiskRows(db: Queryable, clientIds: readonly number[]): Promise<Map<number, RiskScoreRow>> {
  if (!clientIds.length) return new Map();
  const { rows } = await db.query<RiskScoreRow>(
    `SELECT DISTINCT ON (client_id) * FROM risk_scores WHERE client_id = ANY($1::bigint[]) ORDER BY client_id, week DESC`,
    [clientIds],
  );
  return new Map(rows.map((r) => [r.client_id, r]));
}

export interface TeamMember {
  id: number;
  name: string;
  role: 'remote' | 'field' | 'head';
}

/** The active members of a department, the head included. */
export async function teamMembers(db: Queryable, departmentId: number): Promise<TeamMember[]> {
  const { rows } = await db.query<TeamMember>(
    `SELECT id, name, role FROM employees WHERE department_id = $1 AND active ORDER BY (role = 'head') DESC, name`,
    [departmentId],
  );
  return rows;
}

export type ReassignResult =
  | { kind: 'moved'; fromId: number | null; toName: string }
  | { kind: 'unchanged' }
  /** The task is not an open task of a member of the department. */
  | { kind: 'not-found' }
  /** The new assignee is not an active member of the department. */
  | { kind: 'bad-assignee' };

/** Inside a transaction: a head gives an open task of the team to another member of it. */
export async function reassignTask(
  db: PoolClient,
  r: { taskId: number; toId: number; byId: number; departmentId: number; scope: Scope; at: Date },
): Promise<ReassignResult> {
  // A team's task about a client outside the head's scope is "not found" like a missing one.
  const params: unknown[] = [r.taskId, r.departmentId];
  const { rows } = await db.query<{ assignee_id: number | null }>(
    `SELECT t.assignee_id FROM tasks t JOIN employees e ON e.id = t.assignee_id AND e.department_id = $2
      WHERE t.id = $1 AND t.state = 'open'
        AND (t.client_id IS NULL OR EXISTS (SELECT 1 FROM clients c WHERE c.id = t.client_id AND ${clientInScopeSql(r.scope, 'c', params)}))
        FOR UPDATE OF t`,
    params,
  );
  const task = rows[0];
  if (!task) return { kind: 'not-found' };
  const to = await db.query<{ name: string }>('SELECT name FROM employees WHERE id = $1 AND department_id = $2 AND active', [
    r.toId,
    r.departmentId,
  ]);
  if (!to.rows[0]) return { kind: 'bad-assignee' };
  if (task.assignee_id === r.toId) return { kind: 'unchanged' };
  // The task leaves its visit: the planner gathers it into the new assignee's.
  await db.query('UPDATE tasks SET assignee_id = $2, visit_id = NULL WHERE id = $1', [r.taskId, r.toId]);
  await db.query(
    `INSERT INTO task_reassignments (task_id, from_employee_id, to_employee_id, by_employee_id, reassigned_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [r.taskId, task.assignee_id, r.toId, r.byId, r.at],
  );
  return { kind: 'moved', fromId: task.assignee_id, toName: to.rows[0].name };
}

/** The open reasons (tasks) of visits, as the diary shows them, in agenda order. */
export async function visitTasks(db: Queryable, visitIds: readonly number[]): Promise<(DiaryTaskRow & { visit_id: number })[]> {
  if (!visitIds.length) return [];
  const { rows } = await db.query<DiaryTaskRow & { visit_id: number }>(
    `${SELECT}, t.visit_id, 1 AS of_assignee ${FROM}
      WHERE t.state = 'open' AND t.visit_id = ANY($1::bigint[])
      ORDER BY t.visit_id, ${ORDER}`,
    [visitIds],
  );
  return rows;
}

/** Do the assignees have open tasks of a client outside an open visit of theirs (the plan is behind)? */
export async function hasUnplannedTasks(db: Queryable, assigneeIds: readonly number[]): Promise<boolean> {
  if (!assigneeIds.length) return false;
  const { rows } = await db.query(
    `SELECT 1 FROM tasks t LEFT JOIN visits v ON v.id = t.visit_id
      WHERE t.state = 'open' AND t.client_id IS NOT NULL AND t.assignee_id = ANY($1::bigint[])
        AND (v.id IS NULL OR v.state <> 'open' OR v.assignee_id <> t.assignee_id)
      LIMIT 1`,
    [assigneeIds],
  );
  return rows.length > 0;
}
