/**
 * Working hours on the production calendar: "24 working hours" after a signal is three working
 * days of 8–9 hours, skipping nights, weekends and holidays, in the RIC's time zone.
 */
import { addDays, localDate, zonedTime } from './dates.js';

export interface WorkingDays {
  isWorkingDay(d: string): boolean;
}

export interface Workday {
  /** `HH:MM` */
  start: string;
  end: string;
}

function hm(s: string): [number, number] {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return [h, m];
}

/** The instant `hours` working hours after `from`. */
export function addWorkingHours(from: Date, hours: number, cal: WorkingDays, tz: string, day: Workday): Date {
  let left = hours * 3_600_000;
  let d = localDate(from, tz);
  // Ten years of days off in a row would be a broken calendar, not a real one.
  for (let i = 0; i < 3660; i++, d = addDays(d, 1)) {
    if (!cal.isWorkingDay(d)) continue;
    const open = zonedTime(d, ...hm(day.start), tz).getTime();
    const close = zonedTime(d, ...hm(day.end), tz).getTime();
    const begin = Math.max(open, from.getTime());
    if (begin >= close) continue;
    if (left <= close - begin) return new Date(begin + left);
    left -= close - begin;
  }
  throw new Error(`no working hours within ten years after ${from.toISOString()} (check calendar and signals.workday)`);
}
