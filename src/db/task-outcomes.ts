/**
 * Closing a task with the outcome of the contact — the contact part of `closeTask`
 * (src/diagnostics/close-task.ts), behind `admin task done`, `POST /api/tasks/:id/outcome` and
 * the diary's form: the task becomes `done` with outcome, note and the "prepare next time"
 * answer, and a contact event (Работа) is recorded for the client and contact — what the risk
 * model counts as a contact with an ЛПР. The event's natural key is the task's, so repeating the
 * call is harmless. Which outcomes a task may take comes from the registry in
 * src/domain/task-outcomes.ts; call `closeTask`, which also does what a diagnostics outcome needs.
 */
import { taskKindName } from '../domain/task-kinds.js';
import { type Outcome, outcomeDef, outcomesFor, storedOutcomeTitle } from '../domain/task-outcomes.js';
import type { PoolClient } from './pool.js';
import type { TaskRow } from './tasks.js';

export interface OutcomeInput {
  outcome: Outcome;
  note?: string | null;
  /** The contact's answer to "what should we prepare for next time?". */
  next?: string | null;
}

export type OutcomeResult =
  | { kind: 'done'; task: TaskRow; eventId: number | null; changed: boolean }
  | { kind: 'not-found' }
  | { kind: 'conflict'; task: TaskRow; message: string }
  /** The outcome is not one a task of this kind can close with. */
  | { kind: 'not-applicable'; task: TaskRow; message: string; allowed: Outcome[] };

/**
 * Inside a transaction: close the task and record its contact event (once). A visit's reasons
 * are closed with `event: false`: the visit records the one contact event of the conversation.
 */
export async function recordOutcome(
  db: PoolClient,
  taskId: number,
  input: OutcomeInput,
  at: Date,
  opts: { event?: boolean } = {},
): Promise<OutcomeResult> {
  const { rows } = await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [taskId]);
  const task = rows[0];
  if (!task) return { kind: 'not-found' };
  const allowed = outcomesFor(task.kind);
  if (!allowed.includes(input.outcome)) {
    const message = `итог ${input.outcome} не подходит к задаче вида «${taskKindName(task.kind)}» (ожидается одно из: ${allowed.join(', ')})`;
    return { kind: 'not-applicable', task, message, allowed };
  }
  const def = outcomeDef(input.outcome);
  if (task.state === 'cancelled') return { kind: 'conflict', task, message: `задача № ${taskId} отменена; ничего не записано` };
  if (task.state === 'done') {
    if (task.outcome !== def.taskOutcome) {
      const message = `задача № ${taskId} уже закрыта с итогом «${storedOutcomeTitle(task.outcome ?? '')}»; ничего не изменено`;
      return { kind: 'conflict', task, message };
    }
    const ev = await db.query<{ id: number }>('SELECT id FROM contact_events WHERE natural_key = $1', [`task.${taskId}`]);
    return { kind: 'done', task, eventId: ev.rows[0]?.id ?? null, changed: false };
  }
  const updated = await db.query<TaskRow>(
    `UPDATE tasks SET state = 'done', outcome = $2, note = coalesce($3, note), next_prep = coalesce($4, next_prep),
                      closed_at = $5, closed_by = assignee_id
      WHERE id = $1 RETURNING *`,
    [taskId, def.taskOutcome, input.note ?? null, input.next ?? null, at],
  );
  const closed = updated.rows[0] as TaskRow;
  if (closed.client_id === null || def.event === null || opts.event === false)
    return { kind: 'done', task: closed, eventId: null, changed: true };
  const ev = await db.query<{ id: number }>(
    `INSERT INTO contact_events (client_id, contact_id, contact_name, employee_id, channel, planned_at, occurred_at, outcome,
                                 goal, note, result, task_id, natural_key)
     SELECT t.client_id, t.contact_id, k.full_name, t.assignee_id, 'phone', t.planned_at, $2, $4,
            t.title, t.note, $3, t.id, 'task.' || t.id
       FROM tasks t LEFT JOIN contacts k ON k.id = t.contact_id
      WHERE t.id = $1
     ON CONFLICT (natural_key) DO UPDATE SET outcome = EXCLUDED.outcome
     RETURNING id`,
    [taskId, at, [def.title, input.next ? `подготовить: ${input.next}` : null].filter(Boolean).join('; '), def.event],
  );
  return { kind: 'done', task: closed, eventId: ev.rows[0]?.id ?? null, changed: true };
}
