/**
 * The month's waves of the monthly e-mail (src/domain/waves.ts) for a selection: the sending
 * days of the period from the mailing's first send, each specialist's places per day from
 * their capacity, and the send time of each recipient (the first wave at the mailing's own
 * time, later waves at `lpr.sendHour` of their day).
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { addDays, type IsoDate, localDate, zonedTime } from '../domain/dates.js';
import { LPR_KIND } from '../domain/mailing-content.js';
import { periodRange } from '../domain/periods.js';
import { reservedPlaces } from '../domain/plan.js';
import { planWaves, type WaveRecipient } from '../domain/waves.js';
import { capacityOf } from './plan-work.js';

export interface WavePlan {
  /** Send time of each recipient, by contact id. */
  sendAt: Map<number, Date>;
  /** Sending day of each recipient. */
  day: Map<number, IsoDate>;
  callDay(day: IsoDate): IsoDate;
}

/** The period's working days from `first` on (at least `first` itself). */
function sendDays(app: App, period: string, first: IsoDate): IsoDate[] {
  const last = periodRange('month', period).end;
  const days = app.calendar.workingDaysIn(first, last);
  return days.length ? days : [first];
}

/**
 * The working day of the call that follows an e-mail sent on a day (`lpr.callAfterWorkingDays`
 * later), each day worked out once: the waves ask for every recipient, and again while a day is full.
 */
export function callDayOf(app: App): (d: IsoDate) => IsoDate {
  const callDays = new Map<IsoDate, IsoDate>();
  return (d) => {
    let c = callDays.get(d);
    if (c === undefined) {
      c = app.calendar.addWorkingDays(d, app.config.lpr.callAfterWorkingDays);
      callDays.set(d, c);
    }
    return c;
  };
}

export async function planMailingWaves(
  app: App,
  db: Queryable,
  period: string,
  firstSend: Date,
  recipients: readonly WaveRecipient[],
): Promise<WavePlan> {
  const tz = app.config.ric.timeZone;
  const { rows } = await db.query<{ id: number; role: 'remote' | 'field' | 'head'; daily_capacity: number | null }>(
    'SELECT id, role, daily_capacity FROM employees',
  );
  const places = new Map(
    rows.map((r) => {
      const cap = capacityOf(app, r);
      return [r.id, cap - reservedPlaces(cap, app.config.workload.reserveShare)];
    }),
  );
  const first = localDate(firstSend, tz);
  const callDay = callDayOf(app);
  const notBefore = await callsNotBefore(
    app,
    db,
    period,
    recipients.map((r) => r.contactId),
    callDay,
  );
  const day = planWaves(
    recipients.map((r) => ({ ...r, callNotBefore: notBefore.get(r.contactId) ?? null })),
    {
      sendDays: sendDays(app, period, first),
      callDay,
      placesOf: (id) => places.get(id) ?? app.config.workload.remote,
    },
  );
  const sendAt = new Map<number, Date>();
  const times = new Map<IsoDate, Date>([[first, firstSend]]);
  for (const [contactId, d] of day) {
    let at = times.get(d);
    if (at === undefined) {
      at = zonedTime(d, app.config.lpr.sendHour, 0, tz);
      times.set(d, at);
    }
    sendAt.set(contactId, at);
  }
  return { sendAt, day, callDay };
}

/**
 * The earliest call day of each recipient whose last call was recent: `lpr.minDaysBetweenCalls`
 * after the latest of their last answered call (held or refused), their open call task's day,
 * and the call day of their e-mail of an earlier month (its call may not be a task yet).
 */
export async function callsNotBefore(
  app: App,
  db: Queryable,
  period: string,
  contactIds: readonly number[],
  callDay: (d: IsoDate) => IsoDate = callDayOf(app),
): Promise<Map<number, IsoDate>> {
  const out = new Map<number, IsoDate>();
  const gap = app.config.lpr.minDaysBetweenCalls;
  if (!gap || !contactIds.length) return out;
  const tz = app.config.ric.timeZone;
  const from = zonedTime(addDays(periodRange('month', period).start, -gap - 31), 0, 0, tz);
  // Each a day in the RIC's calendar; an open task's day is its visit's planned day when it has one.
  const { rows } = await db.query<{ contact_id: number; day: IsoDate; mailed: boolean }>(
    `WITH ids AS (SELECT unnest($1::bigint[]) AS id)
     SELECT e.contact_id, (max(e.occurred_at) AT TIME ZONE $5)::date AS day, false AS mailed
       FROM contact_events e
      WHERE e.client_id IN (SELECT k.client_id FROM contacts k JOIN ids ON ids.id = k.id)
        AND e.contact_id IN (SELECT id FROM ids) AND e.occurred_at >= $2
        AND e.outcome IN ('held', 'held_with_login', 'refused')
      GROUP BY e.contact_id
     UNION ALL
     SELECT t.contact_id, max(coalesce(v.planned_on, (t.planned_at AT TIME ZONE $5)::date)) AS day, false AS mailed
       FROM tasks t LEFT JOIN visits v ON v.id = t.visit_id
      WHERE t.kind = 'lpr-call' AND t.state = 'open' AND t.contact_id IN (SELECT id FROM ids)
      GROUP BY t.contact_id
     UNION ALL
     SELECT m.contact_id, (max(coalesce(m.sent_at, m.send_after, m.queued_at)) AT TIME ZONE $5)::date AS day, true AS mailed
       FROM messages m JOIN mailings ml ON ml.id = m.mailing_id
      WHERE ml.kind = $4 AND ml.period < $3 AND m.contact_id IN (SELECT id FROM ids)
        AND m.state NOT IN ('cancelled', 'failed', 'bounced') AND coalesce(m.sent_at, m.send_after, m.queued_at) >= $2
      GROUP BY m.contact_id`,
    [contactIds, from, period, LPR_KIND, tz],
  );
  for (const r of rows) {
    const earliest = addDays(r.mailed ? callDay(r.day) : r.day, gap);
    const had = out.get(r.contact_id);
    if (!had || earliest > had) out.set(r.contact_id, earliest);
  }
  return out;
}
