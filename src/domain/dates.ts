/**
 * Calendar dates ('YYYY-MM-DD') and wall-clock time in a time zone, without a date library:
 * Intl gives the zone's offset, and calendar arithmetic runs on UTC midnights.
 */

export type IsoDate = string;

export interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/**
 * Recent readings: a scan asks for the same instant (its `now`, a day's midnight) thousands of
 * times, and `formatToParts` is the costly part. Cleared whole when full.
 */
const readings = new Map<string, Readonly<LocalParts>>();
const READINGS_MAX = 4096;

/** The wall-clock reading of `instant` in `tz`. */
export function localParts(instant: Date, tz: string): LocalParts {
  const key = `${instant.getTime()}|${tz}`;
  const known = readings.get(key);
  if (known) return { ...known };
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(instant)) p[part.type] = part.value;
  const parts: LocalParts = {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday as string] as number,
  };
  if (readings.size >= READINGS_MAX) readings.clear();
  readings.set(key, parts);
  return { ...parts };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function isoDate(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The calendar date of `instant` in `tz`. */
export function localDate(instant: Date, tz: string): IsoDate {
  const p = localParts(instant, tz);
  return isoDate(p.year, p.month, p.day);
}

export function parseIsoDate(d: IsoDate): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) throw new Error(`«${d}» — не дата (ожидается ГГГГ-ММ-ДД)`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new Error(`«${d}» — такой даты нет в календаре`);
  return { year, month, day };
}

function toUtcMidnight(d: IsoDate): Date {
  const { year, month, day } = parseIsoDate(d);
  return new Date(Date.UTC(year, month - 1, day));
}

function fromUtcMidnight(t: Date): IsoDate {
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function addDays(d: IsoDate, n: number): IsoDate {
  const t = toUtcMidnight(d);
  t.setUTCDate(t.getUTCDate() + n);
  return fromUtcMidnight(t);
}

export function addMonths(d: IsoDate, n: number): IsoDate {
  const { year, month, day } = parseIsoDate(d);
  const first = new Date(Date.UTC(year, month - 1 + n, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(first.getUTCFullYear(), first.getUTCMonth() + 1, Math.min(day, lastDay));
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtcMidnight(b).getTime() - toUtcMidnight(a).getTime()) / 86_400_000);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(d: IsoDate): number {
  const w = toUtcMidnight(d).getUTCDay();
  return w === 0 ? 7 : w;
}

/**
 * The instant at which the wall clock in `tz` reads `date` `hh:mm`. In a DST gap the
 * nearest later valid instant is returned; Russian zones have had no DST since 2014.
 */
export function zonedTime(date: IsoDate, hour: number, minute: number, tz: string): Date {
  const { year, month, day } = parseIsoDate(date);
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes converge for any fixed-offset or DST zone.
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(t), tz);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    t += guess - asUtc;
  }
  return new Date(t);
}

/** The end of the working day of `date` (`workdayEnd` "18:00"), in the RIC's time zone: when a task "due that day" is due. */
export function dueOn(date: string, workdayEnd: string, tz: string): Date {
  const [h, m] = workdayEnd.split(':').map(Number) as [number, number];
  return zonedTime(date, h, m, tz);
}
