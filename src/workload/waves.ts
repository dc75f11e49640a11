/**
 * The month's waves of the monthly e-mail (src/domain/waves.ts) for a selection: the sending
 * days of the period from the mailing's first send, each specialist's places per day from
 * their capacity, and the send time of each recipient (the first wave at the mailing's own
 * time, later waves at `lpr.sendHour` of their day).
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { type IsoDate, localDate, zonedTime } from '../domain/dates.js';
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
  // Asked for every recipient (and again while a day is full): each sending day's call day once.
  const callDays = new Map<IsoDate, IsoDate>();
  const callDay = (d: IsoDate) => {
    let c = callDays.get(d);
    if (c === undefined) {
      c = app.calendar.addWorkingDays(d, app.config.lpr.callAfterWorkingDays);
      callDays.set(d, c);
    }
    return c;
  };
  const day = planWaves(recipients, {
    sendDays: sendDays(app, period, first),
    callDay,
    placesOf: (id) => places.get(id) ?? app.config.workload.remote,
  });
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
