/**
 * The team lead steers the work: a task created by a person, a comment on a task, a moved due
 * date — each recorded in `task_changes` (who, when, before → after), comments also in
 * `task_comments` to be shown on the task.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './pool.js';
import { insertTasks, type NewTask } from './tasks.js';

export interface Actor {
  id: number | null;
  name: string;
}

export interface TaskComment {
  id: number;
  task_id: number;
  author_name: string;
  created_at: Date;
  body: string;
}

export interface TaskChange {
  changed_at: Date;
  by_name: string;
  field: string;
  before: string | null;
  after: string | null;
}

export async function recordChange(
  db: Queryable,
  c: { taskId: number; at: Date; by: Actor; field: string; before: string | null; after: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO task_changes (task_id, changed_at, by_employee_id, by_name, field, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.taskId, c.at, c.by.id, c.by.name, c.field, c.before, c.after],
  );
}

/** A task made by a person (not a job): its own dedup key, and a `created` change. */
export async function createManualTask(db: Queryable, t: Omit<NewTask, 'dedupKey' | 'createdBy'>, by: Actor, at: Date): Promise<number> {
  const dedupKey = `manual.${randomUUID()}`;
  const ids = await insertTasks(db, [{ ...t, dedupKey, createdBy: by.name }], at);
  const id = ids.get(dedupKey) as number;
  await recordChange(db, { taskId: id, at, by, field: 'created', before: null, after: t.title });
  return id;
}

export async function addComment(db: Queryable, taskId: number, by: Actor, body: string, at: Date): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO task_comments (task_id, author_employee_id, author_name, created_at, body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [taskId, by.id, by.name, at, body],
  );
  await recordChange(db, { taskId, at, by, field: 'comment', before: null, after: body });
  return Number(rows[0]?.id);
}

/** Move an open task's due time; false when the task is not open. */
export async function moveDue(db: Queryable, taskId: number, due: Date, by: Actor, at: Date): Promise<{ before: Date | null } | null> {
  const { rows } = await db.query<{ before: Date | null }>(
    `UPDATE tasks t SET due_at = $2 FROM (SELECT id, due_at AS before FROM tasks WHERE id = $1 FOR UPDATE) o
      WHERE t.id = o.id AND t.state = 'open' RETURNING o.before`,
    [taskId, due],
  );
  if (!rows[0]) return null;
  await recordChange(db, { taskId, at, by, field: 'due_at', before: rows[0].before?.toISOString() ?? null, after: due.toISOString() });
  return rows[0];
}

export async function taskComments(db: Queryable, taskId: number): Promise<TaskComment[]> {
  const { rows } = await db.query<TaskComment>(
    'SELECT id, task_id, author_name, created_at, body FROM task_comments WHERE task_id = $1 ORDER BY created_at, id',
    [taskId],
  );
  return rows;
}

export async function taskChanges(db: Queryable, taskId: number): Promise<TaskChange[]> {
  const { rows } = await db.query<TaskChange>(
    'SELECT changed_at, by_name, field, before, after FROM task_changes WHERE task_id = $1 ORDER BY changed_at, id',
    [taskId],
  );
  return rows;
}

/** An employee by exact name, else by a unique case-insensitive part of it. */
export async function findEmployee(db: Queryable, name: string): Promise<{ id: number; name: string }[]> {
  const exact = await db.query<{ id: number; name: string }>('SELECT id, name FROM employees WHERE name = $1 AND active', [name]);
  if (exact.rows.length) return exact.rows;
  const { rows } = await db.query<{ id: number; name: string }>(
    `SELECT id, name FROM employees WHERE active AND name ILIKE '%' || $1 || '%' ORDER BY name LIMIT 5`,
    [name],
  );
  return rows;
}
