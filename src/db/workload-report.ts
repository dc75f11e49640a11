/**
 * The figures of `report workload` (src/reports/workload.ts): per person and working day, what
 * the plan holds and what became of it, read from `visits` set-based (one query for every person
 * and day). Under a diary scope (src/db/scope.ts) the tables read here are already limited.
 */
import type { IsoDate } from '../domain/dates.js';
import type { Queryable } from './pool.js';

export interface WorkloadPerson {
  id: number;
  name: string;
  role: 'remote' | 'field' | 'head';
  daily_capacity: number | null;
  department: string | null;
}

/** Active employees, of one department (by name, case-insensitive) or all, by department and name. */
export async function workloadPeople(db: Queryable, department: string | null): Promise<WorkloadPerson[]> {
  const { rows } = await db.query<WorkloadPerson>(
    `SELECT e.id, e.name, e.role, e.daily_capacity, d.name AS department
       FROM employees e LEFT JOIN departments d ON d.id = e.department_id
      WHERE e.active AND ($1::text IS NULL OR lower(d.name) = lower($1))
      ORDER BY d.name NULLS LAST, e.name, e.id`,
    [department],
  );
  return rows;
}

/** Days of absence of these people inside [from, to]. */
export async function absentDays(db: Queryable, ids: readonly number[], from: IsoDate, to: IsoDate): Promise<Set<string>> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT DISTINCT a.employee_id || ' ' || g.day::date AS key
       FROM employee_absences a,
            generate_series(greatest(a.from_date, $2::date), least(a.to_date, $3::date), interval '1 day') AS g(day)
      WHERE a.employee_id = ANY($1::bigint[]) AND a.to_date >= $2 AND a.from_date <= $3`,
    [ids, from, to],
  );
  return new Set(rows.map((r) => r.key));
}

export interface WorkloadDay {
  employee_id: number;
  day: IsoDate;
  /** Visits planned on the day (open, or since done). */
  planned: number;
  /** Visits closed as held on the day. */
  done: number;
  /** Open visits that do not fit, with their deadline on the day (on the first day: or before it). */
  overflow: number;
  /** Open visits: at the end of a past day; from today on, open now and not planned before the day. */
  backlog: number;
  /** Median age in days of those open visits, counted from their oldest reason; null without any. */
  median_age: number | null;
}

/**
 * Every person × working day of `days`. A visit's age runs from its oldest reason's creation
 * (a visit gathered later, or handed to another person, keeps the age of its work).
 */
export async function workloadDays(
  db: Queryable,
  p: { ids: readonly number[]; days: readonly IsoDate[]; today: IsoDate; tz: string },
): Promise<WorkloadDay[]> {
  if (!p.ids.length || !p.days.length) return [];
  const from = p.days[0] as IsoDate;
  const to = p.days[p.days.length - 1] as IsoDate;
  const open = `CASE WHEN d.day < $5::date
      THEN v.created_on <= d.day AND (v.closed_on IS NULL OR v.closed_on > d.day)
      ELSE v.state = 'open' AND (v.planned_on IS NULL OR v.planned_on >= d.day) END`;
  const { rows } = await db.query<WorkloadDay>(
    `WITH d AS (SELECT unnest($1::date[]) AS day),
          p AS (SELECT unnest($2::bigint[]) AS id),
          v AS (
            SELECT v.id, v.assignee_id, v.state, v.planned_on, v.due_on, v.overflow_reason,
                   (v.created_at AT TIME ZONE $3)::date AS created_on,
                   (v.closed_at AT TIME ZONE $3)::date AS closed_on,
                   least((v.created_at AT TIME ZONE $3)::date,
                         (SELECT min((t.created_at AT TIME ZONE $3)::date) FROM tasks t WHERE t.visit_id = v.id)) AS since
              FROM visits v
             WHERE v.assignee_id = ANY($2::bigint[])
               AND (v.state = 'open' OR (v.closed_at AT TIME ZONE $3)::date >= $4::date)
               AND (v.created_at AT TIME ZONE $3)::date <= $6::date)
     SELECT p.id::int AS employee_id, d.day::text AS day,
            count(v.id) FILTER (WHERE v.planned_on = d.day AND v.state <> 'cancelled')::int AS planned,
            count(v.id) FILTER (WHERE v.state = 'done' AND v.closed_on = d.day)::int AS done,
            count(v.id) FILTER (WHERE v.state = 'open' AND v.planned_on IS NULL AND v.overflow_reason IS NOT NULL
                                  AND (v.due_on = d.day OR (d.day = $4::date AND v.due_on < $4::date)))::int AS overflow,
            count(v.id) FILTER (WHERE ${open})::int AS backlog,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY d.day - v.since) FILTER (WHERE ${open}) AS median_age
       FROM p CROSS JOIN d LEFT JOIN v ON v.assignee_id = p.id
      GROUP BY p.id, d.day`,
    [p.days, p.ids, p.tz, from, p.today, to],
  );
  return rows;
}

export interface OverflowDecisionRow {
  decided_at: Date;
  by_name: string;
  action: 'move' | 'reassign' | 'drop';
  before: string | null;
  after: string | null;
  reason: string | null;
  client_number: number;
  client_name: string;
  assignee: string;
}

/** The head's decisions on overflow taken in [from, to] (RIC days), about visits of these people. */
export async function overflowDecisions(
  db: Queryable,
  p: { ids: readonly number[]; from: IsoDate; to: IsoDate; tz: string },
): Promise<OverflowDecisionRow[]> {
  const { rows } = await db.query<OverflowDecisionRow>(
    `SELECT o.decided_at, o.by_name, o.action, o.before, o.after, o.reason, c.number AS client_number, c.name AS client_name,
            e.name AS assignee
       FROM overflow_decisions o JOIN visits v ON v.id = o.visit_id JOIN clients c ON c.id = v.client_id
       JOIN employees e ON e.id = v.assignee_id
      WHERE (o.decided_at AT TIME ZONE $4)::date BETWEEN $2::date AND $3::date
        AND (v.assignee_id = ANY($1::bigint[]) OR o.by_employee_id = ANY($1::bigint[]))
      ORDER BY o.decided_at, o.id`,
    [p.ids, p.from, p.to, p.tz],
  );
  return rows;
}
