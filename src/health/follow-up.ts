/**
 * Follow-ups: closing a contact can schedule the next one («Договорились на звонок 17.02») —
 * a call task for the same contact (or client), planned on that day, recorded as a change of
 * the closed task. One per closed task (`follow-up.<taskId>`).
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { recordChange } from '../db/task-steering.js';
import { insertTasks, type TaskRow } from '../db/tasks.js';
import { type IsoDate, parseIsoDate, zonedTime } from '../domain/dates.js';
import { dmy } from '../domain/ru-dates.js';

export class FollowUpError extends Error {
  override name = 'FollowUpError';
}

/** Check a follow-up date: a calendar date, not before `today`. */
export function parseFollowUp(raw: string, today: IsoDate): IsoDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new FollowUpError(`"${raw}" is not a date (expected YYYY-MM-DD, e.g. 2024-07-20)`);
  try {
    parseIsoDate(raw);
  } catch (err) {
    throw new FollowUpError((err as Error).message);
  }
  if (raw < today) throw new FollowUpError(`${raw} is in the past`);
  return raw;
}

export async function scheduleFollowUp(app: App, db: Queryable, task: TaskRow, day: IsoDate, at: Date): Promise<number | null> {
  const tz = app.config.ric.timeZone;
  const [sh, sm] = app.config.signals.workday.start.split(':').map(Number) as [number, number];
  const [eh, em] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  const dedupKey = `follow-up.${task.id}`;
  const ids = await insertTasks(
    db,
    [
      {
        kind: 'follow-up-call',
        direction: task.direction,
        title: `Договорились на звонок ${dmy(day)}${task.note ? `: ${task.note}` : ''}`,
        assigneeId: task.assignee_id,
        clientId: task.client_id,
        contactId: task.contact_id,
        plannedAt: zonedTime(day, sh, sm, tz),
        dueAt: zonedTime(day, eh, em, tz),
        priority: 2,
        payload: { followUpOf: task.id, previousTitle: task.title },
        dedupKey,
        createdBy: 'follow-up',
      },
    ],
    at,
  );
  const id = ids.get(dedupKey) ?? null;
  if (id !== null) {
    const who = task.assignee_id
      ? (await db.query<{ name: string }>('SELECT name FROM employees WHERE id = $1', [task.assignee_id])).rows[0]?.name
      : undefined;
    await recordChange(db, {
      taskId: task.id,
      at,
      by: { id: task.assignee_id, name: who ?? 'исполнитель' },
      field: 'follow_up',
      before: null,
      after: `${day} (задача №${id})`,
    });
  }
  return id;
}
