/**
 * The head's decisions on a visit that does not fit (overflow): move the deadline, give it to
 * another member of the department, or drop it with a reason. Each is one transaction that
 * records the decision (`overflow_decisions`: who, when, before → after, the reason) and then
 * plans again. Only an open visit of the head's own department; anything else is «not found».
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { type IsoDate, zonedTime } from '../domain/dates.js';
import { ruDate } from '../domain/formats.js';
import { planWork } from './plan-work.js';

export interface Decider {
  id: number;
  name: string;
  departmentId: number;
}

export type DecisionResult = { kind: 'done' } | { kind: 'not-found' } | { kind: 'bad-input'; message: string };

class Refused extends Error {
  constructor(readonly result: DecisionResult) {
    super('refused');
  }
}

async function lockVisit(db: PoolClient, visitId: number, by: Decider) {
  const { rows } = await db.query<{ id: number; assignee_id: number; due_on: IsoDate | null; client_id: number }>(
    `SELECT v.id, v.assignee_id, v.due_on, v.client_id FROM visits v JOIN employees e ON e.id = v.assignee_id
      WHERE v.id = $1 AND v.state = 'open' AND e.department_id = $2 FOR UPDATE OF v`,
    [visitId, by.departmentId],
  );
  if (!rows[0]) throw new Refused({ kind: 'not-found' });
  return rows[0];
}

async function record(
  db: PoolClient,
  d: {
    visitId: number;
    action: 'move' | 'reassign' | 'drop';
    by: Decider;
    at: Date;
    before: string | null;
    after: string | null;
    reason?: string | null;
  },
) {
  await db.query(
    `INSERT INTO overflow_decisions (visit_id, action, by_employee_id, by_name, decided_at, before, after, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.visitId, d.action, d.by.id, d.by.name, d.at, d.before, d.after, d.reason ?? null],
  );
}

async function decide(app: App, fn: (db: PoolClient, at: Date) => Promise<void>): Promise<DecisionResult> {
  const at = now();
  try {
    await withTransaction(app.pool, (db) => fn(db, at));
  } catch (err) {
    if (err instanceof Refused) return err.result;
    throw err;
  }
  await planWork(app, { at });
  return { kind: 'done' };
}

/** Move the visit's deadline: every open reason due before `to` is due at the end of that day. */
export function moveDeadline(app: App, visitId: number, to: IsoDate, by: Decider): Promise<DecisionResult> {
  return decide(app, async (db, at) => {
    const v = await lockVisit(db, visitId, by);
    if (!app.calendar.isWorkingDay(to)) throw new Refused({ kind: 'bad-input', message: `${ruDate(to)} — нерабочий день` });
    if (v.due_on !== null && to <= v.due_on)
      throw new Refused({ kind: 'bad-input', message: `новый срок ${ruDate(to)} должен быть позже нынешнего ${ruDate(v.due_on)}` });
    const [h, m] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
    const due = zonedTime(to, h, m, app.config.ric.timeZone);
    await db.query(`UPDATE tasks SET due_at = $2 WHERE visit_id = $1 AND state = 'open' AND (due_at IS NULL OR due_at < $2)`, [
      visitId,
      due,
    ]);
    await record(db, { visitId, action: 'move', by, at, before: v.due_on, after: to });
  });
}

/** Give the visit's reasons to another active member of the department (each recorded as a reassignment). */
export function reassignVisit(app: App, visitId: number, toId: number, by: Decider): Promise<DecisionResult> {
  return decide(app, async (db, at) => {
    const v = await lockVisit(db, visitId, by);
    const to = await db.query<{ name: string }>('SELECT name FROM employees WHERE id = $1 AND department_id = $2 AND active', [
      toId,
      by.departmentId,
    ]);
    if (!to.rows[0]) throw new Refused({ kind: 'bad-input', message: `сотрудник № ${toId} не работает в отделе` });
    if (toId === v.assignee_id) throw new Refused({ kind: 'bad-input', message: 'визит уже у этого сотрудника' });
    const { rows } = await db.query<{ id: number }>(
      `UPDATE tasks SET assignee_id = $2, visit_id = NULL WHERE visit_id = $1 AND state = 'open' RETURNING id`,
      [visitId, toId],
    );
    await db.query(
      `INSERT INTO task_reassignments (task_id, from_employee_id, to_employee_id, by_employee_id, reassigned_at)
       SELECT unnest($1::bigint[]), $2, $3, $4, $5`,
      [rows.map((r) => r.id), v.assignee_id, toId, by.id, at],
    );
    const from = await db.query<{ name: string }>('SELECT name FROM employees WHERE id = $1', [v.assignee_id]);
    await record(db, { visitId, action: 'reassign', by, at, before: from.rows[0]?.name ?? null, after: to.rows[0].name });
  });
}

/** Drop the visit with a reason: its open reasons are cancelled with that reason in their note. */
export function dropVisit(app: App, visitId: number, reason: string, by: Decider): Promise<DecisionResult> {
  return decide(app, async (db, at) => {
    const text = reason.trim();
    if (!text) throw new Refused({ kind: 'bad-input', message: 'укажите причину' });
    await lockVisit(db, visitId, by);
    await db.query(
      `UPDATE tasks SET state = 'cancelled', closed_at = $2, closed_by = $3,
              note = concat_ws('; ', note, 'снято руководителем: ' || $4::text)
        WHERE visit_id = $1 AND state = 'open'`,
      [visitId, at, by.id, text],
    );
    await db.query(`UPDATE visits SET state = 'cancelled', closed_at = $2, closed_by = $3, note = $4 WHERE id = $1`, [
      visitId,
      at,
      by.id,
      text,
    ]);
    await record(db, { visitId, action: 'drop', by, at, before: null, after: null, reason: text });
  });
}
