/**
 * The competitor-diagnostics campaign's tasks (`tasks.kind = 'competitor-diagnostics'`, the
 * campaign's half-year in `payload.period`): who still needs one, what is already due per
 * specialist and day, what is overdue, and the control figures per specialist and segment.
 */
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import type { Queryable } from './pool.js';

/** The dedup key of a client's diagnostics task of a campaign. */
export function diagnosticsKey(period: string, clientId: number): string {
  return `${DIAGNOSTICS_KIND}.${period}.${clientId}`;
}

export interface CampaignCandidate {
  client_id: number;
  number: number;
  monthly_fee: number;
  remote_specialist_id: number | null;
}

/**
 * Served clients without a diagnostics task of `period`; a leaving client (liquidation,
 * reorganisation) gets none.
 */
export async function campaignCandidates(db: Queryable, period: string): Promise<CampaignCandidate[]> {
  const { rows } = await db.query<CampaignCandidate>(
    `SELECT c.id AS client_id, c.number, c.monthly_fee, c.remote_specialist_id
       FROM working_clients c
      WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.dedup_key = $2 || '.' || $1 || '.' || c.id)
      ORDER BY c.id`,
    [period, DIAGNOSTICS_KIND],
  );
  return rows;
}

/** Diagnostics of `period` due per specialist and calendar day (in `tz`), cancelled ones aside. */
export async function dueCounts(db: Queryable, period: string, tz: string): Promise<{ assignee_id: number; day: string; n: number }[]> {
  const { rows } = await db.query<{ assignee_id: number; day: string; n: number }>(
    `SELECT assignee_id, (due_at AT TIME ZONE $3)::date AS day, count(*)::int AS n
       FROM tasks
      WHERE kind = $2 AND payload ->> 'period' = $1 AND state <> 'cancelled' AND assignee_id IS NOT NULL AND due_at IS NOT NULL
      GROUP BY 1, 2`,
    [period, DIAGNOSTICS_KIND, tz],
  );
  return rows;
}

/** The latest campaign that gave tasks, and how many of them are still open. */
export async function latestCampaign(db: Queryable): Promise<{ period: string; open: number } | null> {
  const { rows } = await db.query<{ period: string; open: number }>(
    `SELECT payload ->> 'period' AS period, count(*) FILTER (WHERE state = 'open')::int AS open
       FROM tasks WHERE kind = $1 GROUP BY 1 ORDER BY 1 DESC LIMIT 1`,
    [DIAGNOSTICS_KIND],
  );
  return rows[0] ?? null;
}

export interface OverdueDiagnostics {
  id: number;
  assignee_id: number;
  assignee_name: string;
  assignee_email: string | null;
  assignee_active: boolean;
  client_number: number;
  client_name: string;
  monthly_fee: number;
  segment: string;
  period: string;
  due_at: Date;
}

/** Open diagnostics tasks due before `at`, by specialist and due date. */
export async function overdueDiagnostics(db: Queryable, at: Date): Promise<OverdueDiagnostics[]> {
  const { rows } = await db.query<OverdueDiagnostics>(
    `SELECT t.id, t.assignee_id, e.name AS assignee_name, e.email AS assignee_email, e.active AS assignee_active,
            c.number AS client_number, c.name AS client_name, c.monthly_fee,
            t.payload ->> 'segment' AS segment, t.payload ->> 'period' AS period, t.due_at
       FROM tasks t
       JOIN employees e ON e.id = t.assignee_id
       JOIN clients c ON c.id = t.client_id
      WHERE t.kind = $1 AND t.state = 'open' AND t.due_at < $2
      ORDER BY t.assignee_id, t.due_at, c.number`,
    [DIAGNOSTICS_KIND, at],
  );
  return rows;
}

/** The control figures of one specialist and segment in a campaign. */
export interface ControlRow {
  department_id: number | null;
  department: string | null;
  employee_id: number | null;
  employee: string | null;
  segment: string;
  tasks: number;
  done: number;
  /** Open and past the due date at the report's instant. */
  overdue: number;
  /** Tasks whose client had a competitor found (closed as competitor-found, or a finding linked). */
  found: number;
}

/**
 * «Анализ проблем, рекомендаций и заданий» for the campaign `period`, as of `at`: per department,
 * specialist and segment. Cancelled tasks do not count.
 */
export async function controlRows(db: Queryable, period: string, at: Date): Promise<ControlRow[]> {
  const { rows } = await db.query<ControlRow>(
    `SELECT d.id AS department_id, d.name AS department, e.id AS employee_id, e.name AS employee,
            t.payload ->> 'segment' AS segment,
            count(*)::int AS tasks,
            count(*) FILTER (WHERE t.state = 'done')::int AS done,
            count(*) FILTER (WHERE t.state = 'open' AND t.due_at < $3)::int AS overdue,
            count(*) FILTER (WHERE t.outcome = 'competitor_found'
                              OR EXISTS (SELECT 1 FROM competitor_findings f WHERE f.diagnostics_task_id = t.id))::int AS found
       FROM tasks t
       LEFT JOIN employees e ON e.id = t.assignee_id
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE t.kind = $2 AND t.payload ->> 'period' = $1 AND t.state <> 'cancelled'
      GROUP BY d.id, d.name, e.id, e.name, t.payload ->> 'segment'
      ORDER BY d.name NULLS LAST, e.name NULLS LAST, t.payload ->> 'segment' DESC`,
    [period, DIAGNOSTICS_KIND, at],
  );
  return rows;
}

/** The diagnostics task of a client (by number) in a campaign, if it has one. */
export async function diagnosticsTaskOf(db: Queryable, period: string, clientNumber: number): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT t.id FROM clients c JOIN tasks t ON t.dedup_key = $2 || '.' || $1 || '.' || c.id WHERE c.number = $3`,
    [period, DIAGNOSTICS_KIND, clientNumber],
  );
  return rows[0]?.id ?? null;
}
