/**
 * «Исправить адрес e-mail в КИС»: one task per contact whose address in the CRM cannot be
 * written to, for the client's remote specialist. Kept in step by every contacts import: a
 * contact the file lists with an unusable address gets the task (once; a closed one opens
 * again when the address is still or again wrong), and the open task closes by itself when a
 * later import brings a valid address.
 */

import { localDate, zonedTime } from '../domain/dates.js';
import type { ApplyContext } from './apply.js';
import type { PoolClient } from './pool.js';

export const CRM_ADDRESS_TASK = 'fix-crm-email';

export const crmAddressTaskKey = (contactId: number) => `${CRM_ADDRESS_TASK}.${contactId}`;

/** Working days the specialist has to correct the address. */
const DUE_WORKING_DAYS = 2;

export async function syncAddressTasks(db: PoolClient, ctx: ApplyContext): Promise<{ addressTasks: number; addressTasksClosed: number }> {
  const tz = ctx.timeZone;
  const due = zonedTime(ctx.calendar.addWorkingDays(localDate(ctx.now, tz), DUE_WORKING_DAYS), 18, 0, tz);
  const opened = await db.query(
    `INSERT INTO tasks (kind, title, assignee_id, client_id, contact_id, due_at, priority, payload, dedup_key, created_by, created_at)
     SELECT $1, 'Исправить адрес e-mail в КИС: ' || k.full_name || ', адрес «' || k.email || '» — ' || k.email_problem,
            c.remote_specialist_id, k.client_id, k.id, $3, 2,
            jsonb_build_object('email', k.email, 'reason', k.email_problem, 'importId', $4::bigint),
            $1 || '.' || k.id, 'import', $2
       FROM contacts k
       -- A leaving client (liquidation, reorganisation) gets no automatic task.
       JOIN working_clients c ON c.id = k.client_id
      WHERE k.active AND k.email_status = 'invalid'
        AND EXISTS (SELECT 1 FROM import_stage s WHERE s.client_id = k.client_id AND s.full_name = k.full_name)
     ON CONFLICT (dedup_key) DO UPDATE
        SET state = 'open', closed_at = NULL, outcome = NULL, title = EXCLUDED.title, payload = EXCLUDED.payload,
            assignee_id = EXCLUDED.assignee_id, due_at = CASE WHEN tasks.state = 'open' THEN tasks.due_at ELSE EXCLUDED.due_at END
      WHERE tasks.state <> 'open' OR tasks.payload->>'email' IS DISTINCT FROM EXCLUDED.payload->>'email'`,
    [CRM_ADDRESS_TASK, ctx.now, due, ctx.importId],
  );
  const closed = await db.query(
    `UPDATE tasks t SET state = 'done', closed_at = $2, outcome = 'адрес исправлен в КИС: ' || k.email
       FROM contacts k
      WHERE t.kind = $1 AND t.state = 'open' AND t.contact_id = k.id
        AND k.email IS NOT NULL AND k.email_status <> 'invalid'
        AND EXISTS (SELECT 1 FROM import_stage s WHERE s.client_id = k.client_id AND s.full_name = k.full_name)`,
    [CRM_ADDRESS_TASK, ctx.now],
  );
  return { addressTasks: opened.rowCount ?? 0, addressTasksClosed: closed.rowCount ?? 0 };
}
