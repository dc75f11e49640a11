/**
 * Follow-ups: closing a contact can schedule the next one («Договорились на звонок 17.02») —
 * a call task for the same contact (or client), planned on that day, recorded as a change of
 * the closed task. One per closed task (`follow-up.<taskId>`).
 *
 * A contact called more often than monthly («Звонить 2 р в месяц», `contacts.contact_interval_days`)
 * gets the next call planned by itself when a contact is held without an agreed date; the
 * outcome can also change the contact's frequency, recorded in the task's history.
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { recordChange } from '../db/task-steering.js';
import { insertTasks, type TaskRow } from '../db/tasks.js';
import { type ContactFrequency, describeFrequency } from '../domain/contact-frequency.js';
import { addDays, type IsoDate, localDate, parseIsoDate, zonedTime } from '../domain/dates.js';
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

async function assigneeOf(db: Queryable, task: TaskRow): Promise<{ id: number | null; name: string }> {
  const who = task.assignee_id
    ? (await db.query<{ name: string }>('SELECT name FROM employees WHERE id = $1', [task.assignee_id])).rows[0]?.name
    : undefined;
  return { id: task.assignee_id, name: who ?? 'исполнитель' };
}

/**
 * Plan a call task for the task's contact on `day`: agreed with the person (`--follow-up`), or
 * by the contact's frequency (`every`, in days).
 */
export async function scheduleFollowUp(
  app: App,
  db: Queryable,
  task: TaskRow,
  day: IsoDate,
  at: Date,
  every?: number,
): Promise<number | null> {
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
        title:
          every === undefined
            ? `Договорились на звонок ${dmy(day)}${task.note ? `: ${task.note}` : ''}`
            : `Очередной звонок ${dmy(day)}: частота контакта ${describeFrequency({ months: null, days: every })}`,
        assigneeId: task.assignee_id,
        clientId: task.client_id,
        contactId: task.contact_id,
        plannedAt: zonedTime(day, sh, sm, tz),
        dueAt: zonedTime(day, eh, em, tz),
        priority: 2,
        payload: { followUpOf: task.id, previousTitle: task.title, ...(every === undefined ? {} : { intervalDays: every }) },
        dedupKey,
        createdBy: 'follow-up',
      },
    ],
    at,
  );
  const id = ids.get(dedupKey) ?? null;
  if (id !== null) {
    await recordChange(db, {
      taskId: task.id,
      at,
      by: await assigneeOf(db, task),
      field: 'follow_up',
      before: null,
      after: `${day} (задача № ${id})`,
    });
  }
  return id;
}

/**
 * After a held contact without an agreed date: the next call `contact_interval_days` later when
 * the contact is called more often than monthly; null otherwise (the monthly work plans the rest).
 */
export async function scheduleByFrequency(app: App, db: Queryable, task: TaskRow, at: Date): Promise<number | null> {
  if (task.contact_id === null) return null;
  const { rows } = await db.query<{ days: number | null }>('SELECT contact_interval_days AS days FROM contacts WHERE id = $1', [
    task.contact_id,
  ]);
  const days = rows[0]?.days ?? null;
  if (days === null) return null;
  return scheduleFollowUp(app, db, task, addDays(localDate(at, app.config.ric.timeZone), days), at, days);
}

/** Set the task's contact's frequency, recorded in the task's history (before → after). */
export async function changeFrequency(db: Queryable, task: TaskRow, f: ContactFrequency, at: Date): Promise<void> {
  const { rows } = await db.query<{ months: number | null; days: number | null }>(
    `UPDATE contacts k SET contact_frequency_months = $2, contact_interval_days = $3, updated_at = $4
       FROM (SELECT id, contact_frequency_months AS months, contact_interval_days AS days FROM contacts WHERE id = $1 FOR UPDATE) old
      WHERE k.id = old.id
      RETURNING old.months, old.days`,
    [task.contact_id, f.months, f.days, at],
  );
  const old = rows[0];
  if (!old || (old.months === f.months && old.days === f.days)) return;
  await recordChange(db, {
    taskId: task.id,
    at,
    by: await assigneeOf(db, task),
    field: 'contact_frequency',
    before: describeFrequency(old),
    after: describeFrequency(f),
  });
}
