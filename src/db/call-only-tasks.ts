/** Call tasks for decision makers who cannot be mailed (`lpr-call-only.<contactId>.<period>`), each planned at its own time. */
import type { Queryable } from './pool.js';

export const CALL_ONLY_KIND = 'lpr-call-only';

export async function insertCallOnlyTasks(
  db: Queryable,
  period: string,
  items: readonly { contactId: number; clientId: number; fullName: string; reason: string; text: string; plannedAt: Date }[],
  at: Date,
): Promise<number> {
  if (!items.length) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO tasks (kind, direction, title, assignee_id, client_id, contact_id, planned_at, priority, payload, dedup_key, created_by, created_at)
     SELECT $2, 'remote_contact', 'Звонок ЛПР без письма: ' || i.full_name, c.remote_specialist_id, i.client_id, i.contact_id, i.planned_at, 2,
            jsonb_build_object('period', $3::text, 'reason', i.reason, 'text', i.text, 'emailSent', false),
            $2 || '.' || i.contact_id || '.' || $3::text, 'lpr-monthly', $4
       FROM jsonb_to_recordset($1::jsonb) AS i(contact_id bigint, client_id bigint, full_name text, reason text, text text, planned_at timestamptz)
       JOIN clients c ON c.id = i.client_id
     ON CONFLICT (dedup_key) DO NOTHING`,
    [
      JSON.stringify(
        items.map((i) => ({
          contact_id: i.contactId,
          client_id: i.clientId,
          full_name: i.fullName,
          reason: i.reason,
          text: i.text,
          planned_at: i.plannedAt.toISOString(),
        })),
      ),
      CALL_ONLY_KIND,
      period,
      at,
    ],
  );
  return rowCount ?? 0;
}
