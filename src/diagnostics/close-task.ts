/**
 * Closing a task (`task done`, `POST /api/tasks/:id/outcome`, the diary's form). A contact task
 * closes with the contact's outcome (src/db/task-outcomes.ts); a competitor-diagnostics task
 * closes only as `no-competitor` or `competitor-found`, and these close nothing else — the
 * outcomes and the kinds they are for are the registry's (src/domain/task-outcomes.ts).
 *
 * `competitor-found` needs a finding: the one given with the outcome (recorded and handed to
 * field support like any other), or one recorded for the client since the task was given. The
 * diagnostics is not a contact of its own, so no contact event is recorded.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { latestFindingSince, linkFindingToTask } from '../db/findings.js';
import { withTransaction } from '../db/pool.js';
import { type OutcomeResult, recordOutcome } from '../db/task-outcomes.js';
import type { TaskRow } from '../db/tasks.js';
import type { ContactFrequency } from '../domain/contact-frequency.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import { taskKindName } from '../domain/task-kinds.js';
import { OUTCOME_NAMES, type Outcome, outcomeDef, storedOutcomeTitle } from '../domain/task-outcomes.js';
import { changeFrequency, scheduleByFrequency, scheduleFollowUp } from '../health/follow-up.js';
import { dispatchNotifications } from '../mail/outbox.js';
import { type FindingInput, type RecordedFinding, recordFindingsIn } from './record-findings.js';

/** The outcomes of a diagnostics task (in the registry, src/domain/task-outcomes.ts). */
export type DiagnosticsOutcome = 'no-competitor' | 'competitor-found';
export type TaskOutcome = Outcome;

/** Every outcome a task can be closed with: the contact's, then the diagnostics'. */
export const TASK_OUTCOME_NAMES = OUTCOME_NAMES as [TaskOutcome, ...TaskOutcome[]];

export function isDiagnosticsOutcome(o: TaskOutcome): o is DiagnosticsOutcome {
  return (outcomeDef(o).kinds ?? []).includes(DIAGNOSTICS_KIND);
}

export function outcomeTitle(o: TaskOutcome): string {
  return outcomeDef(o).title;
}

/** The finding given with `competitor-found` (its client is the task's). */
export type OutcomeFinding = Pick<FindingInput, 'competitor' | 'validUntil' | 'contactName' | 'note'>;

export interface CloseInput {
  outcome: TaskOutcome;
  note?: string | null;
  next?: string | null;
  finding?: OutcomeFinding | null;
  /** The next contact agreed (YYYY-MM-DD): a call task for the same contact on that day. */
  followUp?: string | null;
  /**
   * The contact's new frequency («2 р в месяц»), recorded in the task's history. A held contact
   * of a contact called more often than monthly plans the next call by itself unless `followUp`.
   */
  frequency?: ContactFrequency | null;
}

export type CloseResult =
  | (Extract<OutcomeResult, { kind: 'done' }> & { finding?: RecordedFinding | null; followUpTaskId?: number | null })
  | Exclude<OutcomeResult, { kind: 'done' | 'not-applicable' }>
  /** The request lacks what the outcome needs (a finding for competitor-found). */
  | { kind: 'incomplete'; task: TaskRow; message: string };

export type Db = Parameters<typeof recordOutcome>[0];

/** Inside a transaction: close a diagnostics task with its outcome (and the finding it needs). */
export async function closeDiagnostics(
  app: App,
  db: Db,
  task: TaskRow,
  input: CloseInput & { outcome: DiagnosticsOutcome },
  at: Date,
): Promise<{ result: CloseResult; notificationIds: number[] }> {
  const value = outcomeDef(input.outcome).taskOutcome;
  if (task.state === 'cancelled')
    return { result: { kind: 'conflict', task, message: `задача № ${task.id} отменена; ничего не записано` }, notificationIds: [] };
  if (task.state === 'done') {
    const message = `задача № ${task.id} уже закрыта с итогом «${storedOutcomeTitle(task.outcome ?? '')}»; ничего не изменено`;
    return {
      result: task.outcome === value ? { kind: 'done', task, eventId: null, changed: false } : { kind: 'conflict', task, message },
      notificationIds: [],
    };
  }
  let finding: RecordedFinding | null = null;
  let notificationIds: number[] = [];
  if (input.outcome === 'competitor-found') {
    if (input.finding) {
      const res = await recordFindingsIn(app, db, [
        { ...input.finding, clientId: task.client_id as number, foundBy: task.assignee_id, source: 'task', diagnosticsTaskId: task.id },
      ]);
      finding = res.findings[0] ?? null;
      notificationIds = res.notificationIds;
      if (finding && !finding.created) await linkFindingToTask(db, finding.finding.id, task.id);
    } else {
      const earlier = await latestFindingSince(db, task.client_id as number, task.created_at);
      if (!earlier) {
        const message = `задача № ${task.id}: для итога competitor-found нужна система конкурента (с постановки задачи конкурент у клиента не записан)`;
        return { result: { kind: 'incomplete', task, message }, notificationIds: [] };
      }
      await linkFindingToTask(db, earlier.id, task.id);
      finding = {
        finding: earlier,
        created: false,
        signalId: earlier.signal_id,
        fieldTaskId: null,
        comparisonTaskId: earlier.comparison_task_id,
        alert: null,
      };
    }
  }
  const { rows } = await db.query<TaskRow>(
    `UPDATE tasks SET state = 'done', outcome = $2, note = coalesce($3, note), closed_at = $4, closed_by = assignee_id
      WHERE id = $1 RETURNING *`,
    [task.id, value, input.note ?? null, at],
  );
  return { result: { kind: 'done', task: rows[0] as TaskRow, eventId: null, changed: true, finding }, notificationIds };
}

/** The contact took place: the next one by the contact's frequency. */
const HELD = new Set<string | null>(['held', 'held_with_login']);

export interface CloseOptions {
  /** Close only a task of this assignee; anyone else's is `not-found` (the diary's own tasks). */
  assigneeId?: number;
}

/**
 * Close a task with an outcome — the one way `task done`, the task API, the diary and the demo
 * close tasks; a finding's alert is sent after the commit.
 */
export async function closeTask(app: App, taskId: number, input: CloseInput, opts: CloseOptions = {}): Promise<CloseResult> {
  const at = now();
  const { result, notificationIds } = await withTransaction(app.pool, async (db) => {
    const { rows } = await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [taskId]);
    const task = rows[0];
    if (!task || (opts.assigneeId !== undefined && task.assignee_id !== opts.assigneeId)) {
      return { result: { kind: 'not-found' } as CloseResult, notificationIds: [] };
    }
    const diagnostics = task.kind === DIAGNOSTICS_KIND;
    if (isDiagnosticsOutcome(input.outcome)) {
      if (!diagnostics) {
        const message = `задача № ${taskId} — не диагностика конкурентов (вид «${taskKindName(task.kind)}»); итог ${input.outcome} закрывает только такие задачи`;
        return { result: { kind: 'conflict', task, message } as CloseResult, notificationIds: [] };
      }
      return closeDiagnostics(app, db, task, { ...input, outcome: input.outcome }, at);
    }
    if (diagnostics) {
      const message = `задача № ${taskId} — диагностика конкурентов: закройте её итогом no-competitor или competitor-found`;
      return { result: { kind: 'conflict', task, message } as CloseResult, notificationIds: [] };
    }
    if (input.frequency && task.contact_id === null) {
      const message = `задача № ${taskId} не о контактном лице: частоту контакта задать некому; ничего не записано`;
      return { result: { kind: 'conflict', task, message } as CloseResult, notificationIds: [] };
    }
    const res = await recordOutcome(db, taskId, { outcome: input.outcome, note: input.note, next: input.next }, at);
    // An outcome of another kind of task, as for the diagnostics above.
    const result: CloseResult = res.kind === 'not-applicable' ? { kind: 'conflict', task: res.task, message: res.message } : res;
    if (result.kind === 'done' && result.changed && input.frequency) await changeFrequency(db, result.task, input.frequency, at);
    if (result.kind === 'done' && input.followUp) result.followUpTaskId = await scheduleFollowUp(app, db, result.task, input.followUp, at);
    else if (result.kind === 'done' && result.changed && HELD.has(outcomeDef(input.outcome).event))
      result.followUpTaskId = await scheduleByFrequency(app, db, result.task, at);
    return { result, notificationIds: [] };
  });
  await dispatchNotifications(app, notificationIds);
  return result;
}
