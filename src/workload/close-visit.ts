/**
 * Closing a visit («Контакт с клиентом») with one outcome form: the contact's result is recorded
 * once — one contact event (Работа, natural key `visit.<id>`) — and each reason (task) is closed
 * with its own result where it has one: a competitor diagnostics with «Конкурент не выявлен» /
 * «Выявлен конкурент» (and the finding), a risk review with its reason and plan (the note), every
 * other reason with the contact's outcome. When the contact did not take place (not reached,
 * refused), the diagnostics stay open and the planner gives them a new visit. Safe to repeat:
 * a visit already done returns what was recorded.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import type { PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { recordOutcome } from '../db/task-outcomes.js';
import type { TaskRow } from '../db/tasks.js';
import { type CloseResult, closeDiagnostics, type DiagnosticsOutcome, type OutcomeFinding } from '../diagnostics/close-task.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import { taskKindName } from '../domain/task-kinds.js';
import { type Outcome, outcomeDef } from '../domain/task-outcomes.js';
import { scheduleByFrequency, scheduleFollowUp } from '../health/follow-up.js';
import { dispatchNotifications } from '../mail/outbox.js';

/** The contact outcomes a visit closes with. */
export type VisitOutcome = Extract<Outcome, 'held' | 'held-with-login' | 'not-reached' | 'refused'>;
export const VISIT_OUTCOMES: readonly VisitOutcome[] = ['held', 'held-with-login', 'not-reached', 'refused'];

export interface ReasonInput {
  /** A diagnostics reason's own result. */
  outcome?: DiagnosticsOutcome;
  finding?: OutcomeFinding | null;
  /** What was found and agreed for this reason (a risk review: the reason and the plan). */
  note?: string | null;
}

export interface VisitCloseInput {
  outcome: VisitOutcome;
  note?: string | null;
  /** The contact's answer to "what should we prepare for next time?". */
  next?: string | null;
  /** Per reason (task id). */
  reasons?: Readonly<Record<number, ReasonInput>>;
  /** The next contact agreed (YYYY-MM-DD). */
  followUp?: string | null;
}

export type VisitCloseResult =
  | {
      kind: 'done';
      visitId: number;
      eventId: number | null;
      changed: boolean;
      closed: { taskId: number; outcome: string }[];
      left: number[];
    }
  | { kind: 'not-found' }
  | { kind: 'conflict'; message: string }
  | { kind: 'incomplete'; message: string };

const HELD = new Set<string | null>(['held', 'held_with_login']);
/** The reason whose contact the event names first: the monthly call, then any with a contact. */
const PRIMARY = ['lpr-call', 'lpr-call-only', 'follow-up-call'];

class Abort extends Error {
  constructor(readonly result: VisitCloseResult) {
    super('abort');
  }
}

async function closeIn(
  app: App,
  db: PoolClient,
  visitId: number,
  input: VisitCloseInput,
  opts: { assigneeId?: number },
  at: Date,
): Promise<{ result: VisitCloseResult; notificationIds: number[] }> {
  const { rows } = await db.query<{ id: number; state: string; assignee_id: number; contact_event_id: number | null }>(
    'SELECT id, state, assignee_id, contact_event_id FROM visits WHERE id = $1 FOR UPDATE',
    [visitId],
  );
  const visit = rows[0];
  if (!visit || (opts.assigneeId !== undefined && visit.assignee_id !== opts.assigneeId))
    return { result: { kind: 'not-found' }, notificationIds: [] };
  if (visit.state === 'done') {
    const done = await db.query<{ id: number; outcome: string }>(
      `SELECT id, outcome FROM tasks WHERE visit_id = $1 AND state = 'done' ORDER BY id`,
      [visitId],
    );
    const closed = done.rows.map((r) => ({ taskId: r.id, outcome: r.outcome }));
    return { result: { kind: 'done', visitId, eventId: visit.contact_event_id, changed: false, closed, left: [] }, notificationIds: [] };
  }
  if (visit.state !== 'open')
    return { result: { kind: 'conflict', message: `визит № ${visitId} отменён; ничего не записано` }, notificationIds: [] };
  const def = outcomeDef(input.outcome);
  const tasks = (await db.query<TaskRow>(`SELECT * FROM tasks WHERE visit_id = $1 AND state = 'open' ORDER BY id FOR UPDATE`, [visitId]))
    .rows;
  const held = HELD.has(def.event);
  const reasons = input.reasons ?? {};
  for (const id of Object.keys(reasons)) {
    if (!tasks.some((t) => t.id === Number(id)))
      return {
        result: { kind: 'conflict', message: `задача № ${id} не входит в открытые поводы визита № ${visitId}` },
        notificationIds: [],
      };
  }
  const closed: { taskId: number; outcome: string }[] = [];
  const left: number[] = [];
  const notificationIds: number[] = [];
  const contactTasks: TaskRow[] = [];
  for (const t of tasks) {
    const r = reasons[t.id] ?? {};
    if (t.kind === DIAGNOSTICS_KIND) {
      if (!held) {
        left.push(t.id);
        continue;
      }
      if (!r.outcome) {
        throw new Abort({
          kind: 'incomplete',
          message: `задача № ${t.id} («${taskKindName(t.kind)}»): укажите итог — конкурент не выявлен или конкурент выявлен`,
        });
      }
      const res = await closeDiagnostics(app, db, t, { outcome: r.outcome, note: r.note ?? null, finding: r.finding ?? null }, at);
      if (res.result.kind !== 'done') throw new Abort(toVisitResult(res.result));
      notificationIds.push(...res.notificationIds);
      closed.push({ taskId: t.id, outcome: res.result.task.outcome as string });
      continue;
    }
    if (r.outcome)
      throw new Abort({
        kind: 'conflict',
        message: `задача № ${t.id} — не диагностика конкурентов; этот итог закрывает только такие задачи`,
      });
    const res = await recordOutcome(
      db,
      t.id,
      { outcome: input.outcome, note: r.note ?? input.note ?? null, next: input.next ?? null },
      at,
      {
        event: false,
      },
    );
    if (res.kind !== 'done') throw new Abort(res.kind === 'not-found' ? res : { kind: 'conflict', message: res.message });
    closed.push({ taskId: t.id, outcome: res.task.outcome as string });
    contactTasks.push(res.task);
  }
  // Reasons that stay open leave the visit: the planner gives them a visit of their own.
  if (left.length) await db.query('UPDATE tasks SET visit_id = NULL WHERE id = ANY($1::bigint[])', [left]);
  let eventId: number | null = null;
  if (def.event !== null) {
    const primary =
      contactTasks.find((t) => PRIMARY.includes(t.kind) && t.contact_id !== null) ??
      contactTasks.find((t) => t.contact_id !== null) ??
      contactTasks[0] ??
      tasks[0];
    const goal = `Контакт с клиентом: ${[...new Set(tasks.filter((t) => !left.includes(t.id)).map((t) => taskKindName(t.kind)))].join('; ')}`;
    const result = [def.title, input.note, input.next ? `подготовить: ${input.next}` : null].filter(Boolean).join('; ');
    const ev = await db.query<{ id: number }>(
      `INSERT INTO contact_events (client_id, contact_id, contact_name, employee_id, channel, planned_at, occurred_at, outcome,
                                   goal, note, result, task_id, natural_key)
       SELECT v.client_id, t.contact_id, k.full_name, v.assignee_id, 'phone', t.planned_at, $2, $3, $4, $5, $6, t.id, 'visit.' || v.id
         FROM visits v LEFT JOIN tasks t ON t.id = $7 LEFT JOIN contacts k ON k.id = t.contact_id
        WHERE v.id = $1
       ON CONFLICT (natural_key) DO UPDATE SET outcome = EXCLUDED.outcome
       RETURNING id`,
      [visitId, at, def.event, goal, input.note ?? null, result, primary?.id ?? null],
    );
    eventId = ev.rows[0]?.id ?? null;
  }
  if (held) {
    const followed = new Set<number>();
    for (const t of contactTasks) {
      if (t.contact_id === null || followed.has(t.contact_id)) continue;
      followed.add(t.contact_id);
      if (input.followUp) await scheduleFollowUp(app, db, t, input.followUp, at);
      else await scheduleByFrequency(app, db, t, at);
    }
  }
  await db.query(
    `UPDATE visits SET state = 'done', outcome = $2, note = $3, contact_event_id = $4, closed_at = $5, closed_by = assignee_id WHERE id = $1`,
    [visitId, def.taskOutcome, input.note ?? null, eventId, at],
  );
  return { result: { kind: 'done', visitId, eventId, changed: true, closed, left }, notificationIds };
}

function toVisitResult(r: CloseResult): VisitCloseResult {
  if (r.kind === 'not-found') return r;
  if (r.kind === 'done') return { kind: 'conflict', message: 'unexpected' };
  return { kind: r.kind === 'incomplete' ? 'incomplete' : 'conflict', message: r.message };
}

/** Close a visit with one outcome form; a finding's alert is sent after the commit. */
export async function closeVisit(
  app: App,
  visitId: number,
  input: VisitCloseInput,
  opts: { assigneeId?: number } = {},
): Promise<VisitCloseResult> {
  const at = now();
  let out: { result: VisitCloseResult; notificationIds: number[] };
  try {
    out = await withTransaction(app.pool, (db) => closeIn(app, db, visitId, input, opts, at));
  } catch (err) {
    if (err instanceof Abort) return err.result;
    throw err;
  }
  await dispatchNotifications(app, out.notificationIds);
  return out.result;
}
