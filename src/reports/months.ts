/** The last N months of a monthly report, as periods and instants in the RIC's time zone. */

import { now } from '../clock.js';
import { addDays, zonedTime } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { periodOf, periodRange, shiftPeriod } from '../domain/periods.js';

export interface MonthSpan {
  /** `2024-06` */
  period: string;
  /** `06.2024`: a short chart label, as the CRM writes a month. */
  label: string;
  /** First day and the day after the last, as dates. */
  startDate: string;
  endDate: string;
  /** The same as instants in the RIC's zone. */
  from: Date;
  to: Date;
}

/** `--months N` (default `fallback`, at most `max`); a bad value is a usage error naming the option. */
export function monthsOption(value: unknown, fallback: number, max = 36): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--months: «${String(value)}» — не целое число месяцев от 1 до ${max}`);
  }
  return n;
}

export function monthSpan(period: string, tz: string): MonthSpan {
  const { start, end } = periodRange('month', period);
  const next = addDays(end, 1);
  return {
    period,
    label: `${period.slice(5, 7)}.${period.slice(0, 4)}`,
    startDate: start,
    endDate: next,
    from: zonedTime(start, 0, 0, tz),
    to: zonedTime(next, 0, 0, tz),
  };
}

/** The `n` months ending with the current one, oldest first. */
export function lastMonths(n: number, tz: string): MonthSpan[] {
  const current = periodOf('month', now(), tz);
  return Array.from({ length: n }, (_, i) => monthSpan(shiftPeriod('month', current, i - n + 1), tz));
}
