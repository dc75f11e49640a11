/** `--period YYYY-MM` of a monthly report: validated, turned into the month's instants in the RIC's zone. */

import { now } from '../clock.js';
import { addDays, zonedTime } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { PeriodError, periodOf, periodRange } from '../domain/periods.js';

export interface MonthRange {
  period: string;
  /** First instant of the month, inclusive. */
  from: Date;
  /** First instant of the next month, exclusive. */
  to: Date;
}

/** The month given by `--period` (default: the current one). A bad value is a usage error naming the option. */
export function monthOption(value: unknown, tz: string): MonthRange {
  const period = typeof value === 'string' ? value : periodOf('month', now(), tz);
  let range: { start: string; end: string };
  try {
    range = periodRange('month', period);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--period: ${err.message}`);
    throw err;
  }
  return { period, from: zonedTime(range.start, 0, 0, tz), to: zonedTime(addDays(range.end, 1), 0, 0, tz) };
}
