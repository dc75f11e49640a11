/** Fire times of a cron expression in a time zone, relative to a given instant. */
import { CronExpressionParser } from 'cron-parser';

/** The latest fire time at or before `at`, or null when there is none within a year. */
export function previousFire(expr: string, at: Date, tz: string): Date | null {
  // prev() is strictly before currentDate; step a second past `at` to include it.
  const it = CronExpressionParser.parse(expr, { currentDate: new Date(at.getTime() + 1000), tz });
  try {
    const d = it.prev().toDate();
    return at.getTime() - d.getTime() <= 366 * 86_400_000 ? d : null;
  } catch {
    return null;
  }
}

/** The first fire time strictly after `at`. */
export function nextFire(expr: string, at: Date, tz: string): Date | null {
  const it = CronExpressionParser.parse(expr, { currentDate: at, tz });
  try {
    return it.next().toDate();
  } catch {
    return null;
  }
}
