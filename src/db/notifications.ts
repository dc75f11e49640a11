/** `notifications`: the outbox of internal e-mails to employees. */
import type { Queryable } from './pool.js';

export interface NotificationRow {
  id: number;
  kind: string;
  dedup_key: string;
  employee_id: number | null;
  to_email: string;
  subject: string;
  html: string;
  text_body: string;
  state: 'queued' | 'sending' | 'retry' | 'sent' | 'failed' | 'unknown';
  attempts: number;
  smtp_response: string | null;
  error: string | null;
  queued_at: Date;
  sending_at: Date | null;
  sent_at: Date | null;
}

export interface NewNotification {
  kind: string;
  dedupKey: string;
  employeeId: number | null;
  toEmail: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * Insert once per dedup key, set-based; returns each notification's id (new or existing) by
 * dedup key, and the keys this call created.
 */
export async function insertNotifications(
  db: Queryable,
  list: readonly NewNotification[],
  at: Date,
): Promise<{ ids: Map<string, number>; created: Set<string> }> {
  if (!list.length) return { ids: new Map(), created: new Set() };
  const rows = list.map((n) => ({
    kind: n.kind,
    dedup_key: n.dedupKey,
    employee_id: n.employeeId,
    to_email: n.toEmail,
    subject: n.subject,
    html: n.html,
    text_body: n.text,
  }));
  const { rows: out } = await db.query<{ id: number; dedup_key: string; created: boolean }>(
    `WITH ins AS (
       INSERT INTO notifications (kind, dedup_key, employee_id, to_email, subject, html, text_body, queued_at)
       SELECT kind, dedup_key, employee_id, to_email, subject, html, text_body, $2
         FROM jsonb_to_recordset($1::jsonb) AS n(kind text, dedup_key text, employee_id bigint, to_email text,
                                                 subject text, html text, text_body text)
       ON CONFLICT (dedup_key) DO NOTHING
       RETURNING id, dedup_key
     )
     SELECT id, dedup_key, true AS created FROM ins
     UNION ALL
     SELECT n.id, n.dedup_key, false FROM notifications n
      WHERE n.dedup_key = ANY($3::text[]) AND n.dedup_key NOT IN (SELECT dedup_key FROM ins)`,
    [JSON.stringify(rows), at, list.map((n) => n.dedupKey)],
  );
  return { ids: new Map(out.map((r) => [r.dedup_key, r.id])), created: new Set(out.filter((r) => r.created).map((r) => r.dedup_key)) };
}

/** Take a notification for sending; null when it is not queued or waiting for a retry. */
export async function claimNotification(db: Queryable, id: number, at: Date, token: string): Promise<NotificationRow | null> {
  const { rows } = await db.query<NotificationRow>(
    `UPDATE notifications SET state = 'sending', sending_at = $2, attempts = attempts + 1, claim_token = $3
      WHERE id = $1 AND state IN ('queued', 'retry') RETURNING *`,
    [id, at, token],
  );
  return rows[0] ?? null;
}

/** As `releaseMessageClaim`: give back this attempt's claim, which sent nothing. */
export async function releaseNotificationClaim(db: Queryable, id: number, token: string, error: string): Promise<void> {
  await db.query(
    `UPDATE notifications SET state = 'retry', attempts = greatest(attempts - 1, 0), error = $3, claim_token = NULL
      WHERE id = $1 AND state = 'sending' AND claim_token = $2`,
    [id, token, error],
  );
}

export async function markNotification(
  db: Queryable,
  id: number,
  state: 'sent' | 'retry' | 'failed',
  at: Date,
  smtpResponse: string | null,
  error: string | null,
): Promise<void> {
  await db.query(
    `UPDATE notifications SET state = $2, smtp_response = $4, error = $5,
            sent_at = CASE WHEN $2 = 'sent' THEN $3 ELSE sent_at END
      WHERE id = $1 AND state IN ('sending', 'unknown')`,
    [id, state, at, smtpResponse, error],
  );
}

export async function pendingNotificationIds(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM notifications WHERE state IN ('queued', 'retry') ORDER BY id`);
  return rows.map((r) => r.id);
}

/** Rows left `sending` past `before` were cut off by a crash: the server may or may not have them. */
export async function markStaleNotificationsUnknown(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`UPDATE notifications SET state = 'unknown' WHERE state = 'sending' AND sending_at < $1`, [before]);
  return rowCount ?? 0;
}

/** `retry send-email --unknown`: put unknown rows back in the queue. */
export async function requeueUnknownNotifications(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(`UPDATE notifications SET state = 'queued' WHERE state = 'unknown' RETURNING id`);
  return rows.map((r) => r.id);
}
