/** `tasks` (ПриЗ): created once per dedup key by jobs, listed and closed by people. */
import type { Queryable } from './pool.js';

export type TaskDirection = 'remote_contact' | 'anti_competitor' | 'upsell' | 'service';

export interface NewTask {
  kind: string;
  direction?: TaskDirection;
  /** Russian, as the specialist reads it (Цель контакта). */
  title: string;
  assigneeId: number | null;
  clientId?: number | null;
  contactId?: number | null;
  plannedAt?: Date | null;
  dueAt?: Date | null;
  /** 1 = highest. */
  priority?: number;
  payload?: Record<string, unknown>;
  /** The idempotency key of whatever created the task, e.g. `lpr-call.<messageId>`. */
  dedupKey: string;
  /** The job or person that created it. */
  createdBy: string;
}

/**
 * The one "fix this e-mail address" task per contact and address, whoever notices the bounce
 * first: the bounce mailbox (delivery-check) or the monthly call tasks (a bounced message).
 */
export function addressTaskKey(contactId: number, email: string): string {
  return `fix-email.${contactId}.${email.trim().toLowerCase()}`;
}

export interface TaskRow {
  id: number;
  kind: string;
  direction: TaskDirection;
  title: string;
  state: 'open' | 'done' | 'cancelled';
  priority: number;
  assignee_id: number | null;
  client_id: number | null;
  contact_id: number | null;
  planned_at: Date | null;
  due_at: Date | null;
  outcome: string | null;
  note: string | null;
  next_prep: string | null;
  payload: Record<string, unknown>;
  dedup_key: string;
  created_by: string;
  created_at: Date;
  closed_at: Date | null;
}

/**
 * Insert tasks set-based; an existing dedup key is left alone. Returns the ids of the tasks
 * this call created, keyed by dedup key.
 */
export async function insertTasks(db: Queryable, tasks: NewTask[], at: Date): Promise<Map<string, number>> {
  if (!tasks.length) return new Map();
  const rows = tasks.map((t) => ({
    kind: t.kind,
    direction: t.direction ?? 'remote_contact',
    title: t.title,
    assignee_id: t.assigneeId,
    client_id: t.clientId ?? null,
    contact_id: t.contactId ?? null,
    planned_at: t.plannedAt?.toISOString() ?? null,
    due_at: t.dueAt?.toISOString() ?? null,
    priority: t.priority ?? 2,
    payload: t.payload ?? {},
    dedup_key: t.dedupKey,
    created_by: t.createdBy,
  }));
  const { rows: out } = await db.query<{ id: number; dedup_key: string }>(
    `INSERT INTO tasks (kind, direction, title, assignee_id, client_id, contact_id, planned_at, due_at, priority, payload, dedup_key, created_by, created_at)
     SELECT kind, direction, title, assignee_id, client_id, contact_id, planned_at, due_at, priority, payload, dedup_key, created_by, $2
       FROM jsonb_to_recordset($1::jsonb) AS t(kind text, direction text, title text, assignee_id bigint, client_id bigint,
            contact_id bigint, planned_at timestamptz, due_at timestamptz, priority int, payload jsonb, dedup_key text, created_by text)
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING id, dedup_key`,
    [JSON.stringify(rows), at],
  );
  return new Map(out.map((r) => [r.dedup_key, r.id]));
}

export interface TaskFilter {
  assignee?: string;
  kind?: string;
  state?: string;
  clientNumber?: number;
  limit?: number;
}

export interface TaskListRow extends TaskRow {
  client_number: number | null;
  client_name: string | null;
  assignee_name: string | null;
  contact_name: string | null;
}

export async function listTasks(db: Queryable, f: TaskFilter): Promise<TaskListRow[]> {
  const { rows } = await db.query<TaskListRow>(
    `SELECT t.*, c.number AS client_number, c.name AS client_name, e.name AS assignee_name, k.full_name AS contact_name
       FROM tasks t
       LEFT JOIN clients c ON c.id = t.client_id
       LEFT JOIN employees e ON e.id = t.assignee_id
       LEFT JOIN contacts k ON k.id = t.contact_id
      WHERE ($1::text IS NULL OR e.name ILIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR t.kind = $2)
        AND ($3::text IS NULL OR t.state = $3)
        AND ($4::int IS NULL OR c.number = $4)
      ORDER BY t.due_at NULLS LAST, t.priority, t.id
      LIMIT $5`,
    [f.assignee ?? null, f.kind ?? null, f.state ?? null, f.clientNumber ?? null, f.limit ?? 1000],
  );
  return rows;
}

/**
 * What the open work is, in one string: equal before and after a job when the job created and
 * closed no task (the planner after it has nothing new to place).
 */
export async function openWorkSignature(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ s: string }>(
    `SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(id), 0) AS s FROM tasks WHERE state = 'open'`,
  );
  return rows[0]?.s ?? '';
}
