/** `signals`: worsening signals, their hand-off (task, alert e-mail), acknowledgement, escalation. */
import type { Queryable } from './pool.js';

export interface SignalRow {
  id: number;
  client_id: number;
  kind: string;
  detected_at: Date;
  summary: string;
  evidence: Record<string, unknown>;
  dedup_key: string;
  task_id: number | null;
  notification_id: number | null;
  emailed_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  escalated_at: Date | null;
  escalation_notification_id: number | null;
  acknowledged_employee_id: number | null;
  acknowledged_via: string | null;
  /** Held already on the first scan of its source: planned as a task, never e-mailed. */
  baseline: boolean;
}

export interface SignalInsert {
  client_id: number;
  kind: string;
  summary: string;
  evidence: Record<string, unknown>;
  dedup_key: string;
  /** True: skipped when the client had a signal of this kind within the window. */
  windowed: boolean;
  baseline: boolean;
}

/**
 * Insert signals once per dedup key; windowed ones also not when the client had a signal of the
 * same kind after `windowFrom`. Returns the rows this call created.
 */
export async function insertSignals(db: Queryable, signals: SignalInsert[], at: Date, windowFrom: Date): Promise<SignalRow[]> {
  if (!signals.length) return [];
  const { rows } = await db.query<SignalRow>(
    `INSERT INTO signals (client_id, kind, detected_at, summary, evidence, dedup_key, baseline)
     SELECT s.client_id, s.kind, $2, s.summary, s.evidence, s.dedup_key, coalesce(s.baseline, false)
       FROM jsonb_to_recordset($1::jsonb) AS s(client_id bigint, kind text, summary text, evidence jsonb, dedup_key text, windowed boolean,
            baseline boolean)
      WHERE NOT (s.windowed AND EXISTS (SELECT 1 FROM signals x
                                         WHERE x.client_id = s.client_id AND x.kind = s.kind AND x.detected_at > $3))
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING *`,
    [JSON.stringify(signals), at, windowFrom],
  );
  return rows;
}

/** Record each signal's task and alert notification. */
export async function attachHandOff(
  db: Queryable,
  links: { id: number; task_id: number | null; notification_id: number | null }[],
): Promise<void> {
  if (!links.length) return;
  await db.query(
    `UPDATE signals s SET task_id = l.task_id, notification_id = l.notification_id
       FROM jsonb_to_recordset($1::jsonb) AS l(id bigint, task_id bigint, notification_id bigint)
      WHERE s.id = l.id`,
    [JSON.stringify(links)],
  );
}

export type AckResult = { kind: 'acknowledged' | 'already'; row: SignalRow } | { kind: 'missing' };

export async function acknowledgeSignal(
  db: Queryable,
  id: number,
  by: string,
  at: Date,
  how: { employeeId?: number | null; via?: 'cli' | 'link' } = {},
): Promise<AckResult> {
  const { rows } = await db.query<SignalRow>(
    `UPDATE signals SET acknowledged_at = $3, acknowledged_by = $2, acknowledged_employee_id = $4, acknowledged_via = $5
      WHERE id = $1 AND acknowledged_at IS NULL RETURNING *`,
    [id, by, at, how.employeeId ?? null, how.via ?? 'cli'],
  );
  if (rows[0]) return { kind: 'acknowledged', row: rows[0] };
  const existing = await db.query<SignalRow>('SELECT * FROM signals WHERE id = $1', [id]);
  return existing.rows[0] ? { kind: 'already', row: existing.rows[0] } : { kind: 'missing' };
}

/**
 * A closed hand-off task acknowledges its signal: the field specialist has reacted. Returns
 * how many signals this marked.
 */
export async function acknowledgeByClosedTasks(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE signals s SET acknowledged_at = t.closed_at, acknowledged_by = 'задача закрыта', acknowledged_via = 'task',
                          acknowledged_employee_id = t.assignee_id
       FROM tasks t
      WHERE t.id = s.task_id AND t.state <> 'open' AND t.closed_at IS NOT NULL AND s.acknowledged_at IS NULL`,
  );
  return rowCount ?? 0;
}

/** Unacknowledged, unescalated signals detected at or before `before`. */
export async function escalationCandidates(db: Queryable, before: Date): Promise<SignalRow[]> {
  const { rows } = await db.query<SignalRow>(
    `SELECT * FROM signals WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND NOT baseline AND detected_at <= $1 ORDER BY id`,
    [before],
  );
  return rows;
}

/** Mark signals escalated by one e-mail; returns how many were still open and unescalated. */
export async function markEscalated(db: Queryable, ids: readonly number[], notificationId: number | null, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE signals SET escalated_at = $3, escalation_notification_id = $2
      WHERE id = ANY($1::bigint[]) AND escalated_at IS NULL AND acknowledged_at IS NULL`,
    [ids, notificationId, at],
  );
  return rowCount ?? 0;
}

export interface SignalListRow extends SignalRow {
  client_number: number;
  client_name: string;
  field_name: string | null;
  task_state: string | null;
  task_planned_at: Date | null;
}

/** Signals detected in [from, to); `baseline` true: only the baseline, false: without it, unset: all. */
export async function listSignals(
  db: Queryable,
  f: { from: Date; to: Date; clientId?: number | null; baseline?: boolean },
): Promise<SignalListRow[]> {
  const { rows } = await db.query<SignalListRow>(
    `SELECT s.*, c.number AS client_number, c.name AS client_name, e.name AS field_name, t.state AS task_state,
            t.planned_at AS task_planned_at
       FROM signals s
       JOIN clients c ON c.id = s.client_id
       LEFT JOIN tasks t ON t.id = s.task_id
       LEFT JOIN employees e ON e.id = coalesce(t.assignee_id, c.field_specialist_id)
      WHERE s.detected_at >= $1 AND s.detected_at < $2 AND ($3::bigint IS NULL OR s.client_id = $3)
        AND ($4::boolean IS NULL OR s.baseline = $4)
      ORDER BY s.detected_at, s.id`,
    [f.from, f.to, f.clientId ?? null, f.baseline ?? null],
  );
  return rows;
}

/** Whom a signal's alert went to: the addressee of its notification, else the task's assignee. */
export async function signalAddressee(db: Queryable, signalId: number): Promise<{ id: number; name: string } | null> {
  const { rows } = await db.query<{ id: number; name: string }>(
    `SELECT e.id, e.name FROM signals s
       LEFT JOIN notifications n ON n.id = s.notification_id
       LEFT JOIN tasks t ON t.id = s.task_id
       JOIN employees e ON e.id = coalesce(n.employee_id, t.assignee_id)
      WHERE s.id = $1`,
    [signalId],
  );
  return rows[0] ? { id: Number(rows[0].id), name: rows[0].name } : null;
}

export async function getSignal(db: Queryable, id: number): Promise<SignalRow | null> {
  const { rows } = await db.query<SignalRow>('SELECT * FROM signals WHERE id = $1', [id]);
  return rows[0] ?? null;
}
