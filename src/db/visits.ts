/**
 * `visits` («Контакт с клиентом»): every open task (reason) of one client and one person
 * gathered into one visit, planned on a working day or listed as overflow. Tasks stay the
 * record of each reason (`tasks.visit_id`); the planner (src/workload/plan-work.ts) gathers and
 * plans, the diary, `admin plan`, the client card and the simulation read the plan here.
 */
import type { IsoDate } from '../domain/dates.js';
import type { Queryable } from './pool.js';

/**
 * A task whose visit is closed or belongs to someone else (the task was reassigned) leaves it, to
 * join its person's visit when the plan is written.
 */
export async function detachMovedTasks(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE tasks t SET visit_id = NULL FROM visits v
      WHERE v.id = t.visit_id AND t.state = 'open' AND (v.state <> 'open' OR v.assignee_id IS DISTINCT FROM t.assignee_id)`,
  );
}

/**
 * Every open task not yet in a visit joins the open visit of its client and person: `visits`
 * names them (the visits just created and those that had new reasons). Returns how many joined.
 */
export async function attachTasks(db: Queryable, visits: readonly { id: number; clientId: number; assigneeId: number }[]): Promise<number> {
  let attached = 0;
  const CHUNK = 50000;
  for (let i = 0; i < visits.length; i += CHUNK) {
    const part = visits.slice(i, i + CHUNK);
    const { rowCount } = await db.query(
      `UPDATE tasks t SET visit_id = m.id
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS m(id, client_id, assignee_id)
        WHERE t.state = 'open' AND t.visit_id IS NULL AND t.client_id = m.client_id AND t.assignee_id = m.assignee_id`,
      [part.map((v) => v.id), part.map((v) => v.clientId), part.map((v) => v.assigneeId)],
    );
    attached += rowCount ?? 0;
  }
  return attached;
}

/** A visit left without open reasons closes: `done` when one of its reasons was done, else `cancelled`. */
export async function closeEmptyVisits(db: Queryable, at: Date): Promise<number> {
  // Set-based whatever the statistics say (an anti-join planned on stale ones took seconds at
  // 10 000 clients): the open visits less those with open work, then which of those had a reason done.
  const { rowCount } = await db.query(
    `WITH empty AS MATERIALIZED (
       SELECT id FROM visits WHERE state = 'open'
       EXCEPT
       SELECT visit_id FROM tasks WHERE state = 'open' AND visit_id IS NOT NULL
     ), done AS MATERIALIZED (
       SELECT DISTINCT d.visit_id FROM tasks d JOIN empty e ON e.id = d.visit_id WHERE d.state = 'done'
     )
     UPDATE visits v SET state = CASE WHEN v.id IN (SELECT visit_id FROM done) THEN 'done' ELSE 'cancelled' END,
            closed_at = $1, planned_on = NULL, overflow_reason = NULL
       FROM empty e
      WHERE v.id = e.id AND v.state = 'open'`,
    [at],
  );
  return rowCount ?? 0;
}

/** Open tasks without a deadline: the planner gives each one from its rule. */
export async function undatedOpenTasks(db: Queryable): Promise<{ id: number; starts: Date }[]> {
  const { rows } = await db.query<{ id: number; starts: Date }>(
    `SELECT id, coalesce(planned_at, created_at) AS starts FROM tasks WHERE state = 'open' AND due_at IS NULL`,
  );
  return rows;
}

export async function setTaskDeadlines(db: Queryable, dues: readonly { id: number; dueAt: Date }[]): Promise<number> {
  if (!dues.length) return 0;
  const { rowCount } = await db.query(
    `UPDATE tasks t SET due_at = d.due_at
       FROM jsonb_to_recordset($1::jsonb) AS d(id bigint, due_at timestamptz)
      WHERE t.id = d.id AND t.due_at IS NULL`,
    [JSON.stringify(dues.map((d) => ({ id: d.id, due_at: d.dueAt.toISOString() })))],
  );
  return rowCount ?? 0;
}

/**
 * The open reasons of one client and person, as the planner reads them: their open visit (null
 * when it is still to be created), its window (from the reasons), hand-off flag, zone and fee,
 * and what the plan says of it now.
 */
export interface PlanVisitRow {
  /** The open visit; null for reasons not gathered into one yet. */
  id: number | null;
  client_id: number;
  assignee_id: number;
  planned_on: IsoDate | null;
  /** The visit's creation; null with `id`. */
  created_at: Date | null;
  starts_on: IsoDate;
  due_on: IsoDate;
  handoff: boolean;
  /** Some of the reasons are not in the visit yet. */
  ungathered: boolean;
  /** The day of its ЛПР call after the monthly e-mail (the call task's day), if it has one. */
  call_on: IsoDate | null;
  fee: number;
  zone: string | null;
  /** The window and overflow reason the plan holds now (to write only what changes). */
  cur_starts_on: IsoDate | null;
  cur_due_on: IsoDate | null;
  cur_overflow_reason: string | null;
}

/**
 * Every open reason grouped by client and person — one row per visit there is or is to be —
 * in the order of (client, person), so visits still to be created get their ids in that order.
 * Run after {@link detachMovedTasks}: a task still in an open visit is there for its own person.
 */
export async function openReasonsToPlan(db: Queryable, tz: string, handoffKinds: readonly string[]): Promise<PlanVisitRow[]> {
  const { rows } = await db.query<PlanVisitRow>(
    `WITH r AS (
       SELECT t.client_id, t.assignee_id,
              min((coalesce(t.planned_at, t.created_at) AT TIME ZONE $1)::date) AS starts_on,
              min((t.due_at AT TIME ZONE $1)::date) AS due_on,
              bool_or(t.kind = ANY($2::text[])) AS handoff,
              bool_or(t.visit_id IS NULL) AS ungathered,
              min((t.planned_at AT TIME ZONE $1)::date) FILTER (WHERE t.kind = 'lpr-call') AS call_on
         FROM tasks t WHERE t.state = 'open' AND t.client_id IS NOT NULL AND t.assignee_id IS NOT NULL
        GROUP BY t.client_id, t.assignee_id
     )
     SELECT v.id, r.client_id, r.assignee_id, v.planned_on, v.created_at, r.starts_on, coalesce(r.due_on, r.starts_on) AS due_on, r.handoff, r.ungathered, r.call_on,
            c.monthly_fee AS fee, z.zone, v.starts_on AS cur_starts_on, v.due_on AS cur_due_on, v.overflow_reason AS cur_overflow_reason
       FROM r JOIN clients c ON c.id = r.client_id
       LEFT JOIN visits v ON v.client_id = r.client_id AND v.assignee_id = r.assignee_id AND v.state = 'open'
       LEFT JOIN LATERAL (SELECT s.zone FROM risk_scores s WHERE s.client_id = r.client_id ORDER BY s.week DESC LIMIT 1) z ON true
      ORDER BY r.client_id, r.assignee_id`,
    [tz, handoffKinds],
  );
  return rows;
}

/**
 * Calls announced by the monthly e-mail's waves and not yet held: per specialist (the client's
 * remote one, who gets the call) and day the e-mail went or goes, the messages of a mailing
 * sent in waves (`send_after` set) since `since` whose call (`lpr-call.<id>`) is still to come or
 * open. An on-demand mailing, all sent at once, announces nothing.
 */
export async function announcedCalls(
  db: Queryable,
  p: { kind: string; since: Date; tz: string },
): Promise<{ employee_id: number; sent_on: IsoDate; n: number }[]> {
  const { rows } = await db.query(
    `SELECT c.remote_specialist_id AS employee_id, (coalesce(m.sent_at, m.send_after) AT TIME ZONE $3)::date::text AS sent_on,
            count(*)::int AS n
       FROM messages m JOIN mailings ml ON ml.id = m.mailing_id JOIN clients c ON c.id = m.client_id
      WHERE ml.kind = $1 AND m.send_after IS NOT NULL AND coalesce(m.sent_at, m.send_after) >= $2
        AND m.state IN ('queued', 'sending', 'retry', 'sent') AND c.remote_specialist_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.dedup_key = 'lpr-call.' || m.id AND t.state <> 'open')
      GROUP BY 1, 2`,
    [p.kind, p.since, p.tz],
  );
  return rows;
}

export interface PlanPersonRow {
  id: number;
  role: 'remote' | 'field' | 'head';
  daily_capacity: number | null;
}

export async function plannedPeople(db: Queryable): Promise<PlanPersonRow[]> {
  const { rows } = await db.query<PlanPersonRow>('SELECT id, role, daily_capacity FROM employees WHERE active');
  return rows;
}

export async function absencesFrom(db: Queryable, from: IsoDate): Promise<{ employee_id: number; from_date: IsoDate; to_date: IsoDate }[]> {
  // Days before `from` are cut off: the plan starts there.
  const { rows } = await db.query(
    'SELECT employee_id, greatest(from_date, $1::date)::text AS from_date, to_date FROM employee_absences WHERE to_date >= $1',
    [from],
  );
  return rows;
}

/** A visit's place in the plan as written: its window, and its day or overflow reason. */
export interface PlanWrite {
  startsOn: IsoDate;
  dueOn: IsoDate;
  plannedOn: IsoDate | null;
  overflowReason: string | null;
}

/**
 * Create the visits of reasons not gathered yet, each already with its place in the plan, in the
 * order given (ids follow it). Returns the visits created.
 */
export async function insertPlannedVisits(
  db: Queryable,
  visits: readonly (PlanWrite & { clientId: number; assigneeId: number })[],
  at: Date,
): Promise<{ id: number; clientId: number; assigneeId: number }[]> {
  const created: { id: number; clientId: number; assigneeId: number }[] = [];
  const CHUNK = 50000;
  for (let i = 0; i < visits.length; i += CHUNK) {
    const part = visits.slice(i, i + CHUNK);
    const { rows } = await db.query<{ id: number; client_id: number; assignee_id: number }>(
      `INSERT INTO visits (client_id, assignee_id, created_at, starts_on, due_on, planned_on, overflow_reason, planned_at)
       SELECT p.client_id, p.assignee_id, $7, p.starts_on, p.due_on, p.planned_on, p.overflow_reason, $7
         FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[], $5::date[], $6::text[])
              WITH ORDINALITY AS p(client_id, assignee_id, starts_on, due_on, planned_on, overflow_reason, n)
        ORDER BY p.n
       ON CONFLICT (client_id, assignee_id) WHERE state = 'open' DO NOTHING
       RETURNING id, client_id, assignee_id`,
      [
        part.map((v) => v.clientId),
        part.map((v) => v.assigneeId),
        part.map((v) => v.startsOn),
        part.map((v) => v.dueOn),
        part.map((v) => v.plannedOn),
        part.map((v) => v.overflowReason),
        at,
      ],
    );
    for (const r of rows) created.push({ id: r.id, clientId: r.client_id, assigneeId: r.assignee_id });
  }
  return created;
}

/** Write the plan of open visits whose window, day or overflow reason changed. */
export async function writePlacements(db: Queryable, placements: readonly (PlanWrite & { id: number })[], at: Date): Promise<void> {
  const CHUNK = 50000;
  for (let i = 0; i < placements.length; i += CHUNK) {
    const part = placements.slice(i, i + CHUNK);
    await db.query(
      `UPDATE visits v SET starts_on = p.starts_on, due_on = p.due_on, planned_on = p.planned_on,
              overflow_reason = p.overflow_reason, planned_at = $6
         FROM unnest($1::bigint[], $2::date[], $3::date[], $4::date[], $5::text[]) AS p(id, starts_on, due_on, planned_on, overflow_reason)
        WHERE v.id = p.id AND v.state = 'open'`,
      [
        part.map((p) => p.id),
        part.map((p) => p.startsOn),
        part.map((p) => p.dueOn),
        part.map((p) => p.plannedOn),
        part.map((p) => p.overflowReason),
        at,
      ],
    );
  }
}

/** One reason of a visit: an open task with what the agenda shows. */
export interface VisitReason {
  task_id: number;
  kind: string;
  title: string;
  priority: number;
  due_at: Date | null;
  payload: Record<string, unknown>;
  contact_id: number | null;
  contact_name: string | null;
}

/** A visit with its client and reasons. */
export interface VisitRow {
  id: number;
  client_id: number;
  client_number: number;
  client_name: string;
  assignee_id: number;
  assignee_name: string;
  state: 'open' | 'done' | 'cancelled';
  starts_on: IsoDate | null;
  due_on: IsoDate | null;
  planned_on: IsoDate | null;
  overflow_reason: string | null;
  reasons: VisitReason[];
}

const VISIT_SELECT = `
  SELECT v.id, v.client_id, c.number AS client_number, c.name AS client_name, v.assignee_id, e.name AS assignee_name,
         v.state, v.starts_on, v.due_on, v.planned_on, v.overflow_reason,
         coalesce((SELECT jsonb_agg(jsonb_build_object('task_id', t.id, 'kind', t.kind, 'title', t.title, 'priority', t.priority,
                                                       'due_at', t.due_at, 'payload', t.payload, 'contact_id', t.contact_id,
                                                       'contact_name', k.full_name) ORDER BY t.due_at NULLS LAST, t.priority, t.id)
                     FROM tasks t LEFT JOIN contacts k ON k.id = t.contact_id
                    WHERE t.visit_id = v.id AND (t.state = 'open' OR v.state <> 'open')), '[]') AS reasons
    FROM visits v JOIN clients c ON c.id = v.client_id JOIN employees e ON e.id = v.assignee_id`;

function withDates(v: VisitRow): VisitRow {
  for (const r of v.reasons) r.due_at = r.due_at ? new Date(r.due_at) : null;
  return v;
}

/** Order of a day's list: overdue first (earliest deadline), then value as planned. */
const VISIT_ORDER = 'v.due_on NULLS LAST, v.id';

/**
 * A person's visits planned for a working day, with their reasons — and, with `overdue`, the
 * open visits planned before it that are still open (missed days).
 */
export async function dayVisits(db: Queryable, employeeId: number, date: IsoDate): Promise<VisitRow[]> {
  const { rows } = await db.query<VisitRow>(
    `${VISIT_SELECT} WHERE v.assignee_id = $1 AND v.state = 'open' AND v.planned_on = $2 ORDER BY ${VISIT_ORDER}`,
    [employeeId, date],
  );
  return rows.map(withDates);
}

/** A person's visits planned in [from, to], by day. */
export async function plannedVisits(db: Queryable, employeeIds: readonly number[], from: IsoDate, to: IsoDate): Promise<VisitRow[]> {
  const { rows } = await db.query<VisitRow>(
    `${VISIT_SELECT} WHERE v.assignee_id = ANY($1::bigint[]) AND v.state = 'open' AND v.planned_on BETWEEN $2 AND $3
      ORDER BY e.name, v.planned_on, ${VISIT_ORDER}`,
    [employeeIds, from, to],
  );
  return rows.map(withDates);
}

/** A client's open visit (of one person, or the earliest planned of anyone's). */
export async function openVisitOf(db: Queryable, clientId: number, employeeId?: number): Promise<VisitRow | null> {
  const { rows } = await db.query<VisitRow>(
    `${VISIT_SELECT} WHERE v.client_id = $1 AND v.state = 'open' AND ($2::bigint IS NULL OR v.assignee_id = $2)
      ORDER BY v.planned_on NULLS LAST, v.id LIMIT 1`,
    [clientId, employeeId ?? null],
  );
  return rows[0] ? withDates(rows[0]) : null;
}

/** Every open visit of a client (one per person). */
export async function openVisitsOfClient(db: Queryable, clientId: number): Promise<VisitRow[]> {
  const { rows } = await db.query<VisitRow>(
    `${VISIT_SELECT} WHERE v.client_id = $1 AND v.state = 'open' ORDER BY v.planned_on NULLS LAST, v.id`,
    [clientId],
  );
  return rows.map(withDates);
}

export async function visitById(db: Queryable, id: number): Promise<VisitRow | null> {
  const { rows } = await db.query<VisitRow>(`${VISIT_SELECT} WHERE v.id = $1`, [id]);
  return rows[0] ? withDates(rows[0]) : null;
}

/** Overflow: open visits without a day, with their reason (of a department, or all). */
export async function overflowVisits(db: Queryable, departmentId: number | null, employeeIds?: readonly number[]): Promise<VisitRow[]> {
  const { rows } = await db.query<VisitRow>(
    `${VISIT_SELECT} WHERE v.state = 'open' AND v.planned_on IS NULL AND v.overflow_reason IS NOT NULL
        AND ($1::bigint IS NULL OR e.department_id = $1) AND ($2::bigint[] IS NULL OR v.assignee_id = ANY($2::bigint[]))
      ORDER BY e.name, ${VISIT_ORDER}`,
    [departmentId, employeeIds ?? null],
  );
  return rows.map(withDates);
}
