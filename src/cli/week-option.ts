/** The `--week 2024-W23` option of health commands and reports. */
import { PeriodError, parsePeriod } from '../domain/periods.js';
import { UsageError, type Values } from './command.js';

/** The ISO week given as `--<key>`, checked; null when not given. */
export function weekOption(values: Values, key = 'week'): string | null {
  const v = values[key];
  if (typeof v !== 'string') return null;
  try {
    return parsePeriod('isoweek', v);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--${key}: ${err.message}`);
    throw err;
  }
}
