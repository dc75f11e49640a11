/** Which jobs are scheduled, and the fire times and periods of their schedules. */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type AppConfig, ConfigError } from '../config.js';
import { nextFire, previousFire } from '../domain/cron.js';
import { periodOf, shiftPeriod } from '../domain/periods.js';
import { JOBS } from '../jobs/index.js';
import type { AnyJob, PeriodicJob } from '../jobs/types.js';

export interface ScheduledJob {
  def: PeriodicJob<unknown>;
  expr: string;
}

/** The periodic jobs that have a schedule in config (null disables one). */
export function scheduledJobs(app: App, jobs: readonly AnyJob[] = JOBS): ScheduledJob[] {
  const out: ScheduledJob[] = [];
  for (const def of jobs) {
    if (def.kind !== 'periodic' || !def.schedule) continue;
    const expr = app.config.schedules[def.schedule];
    if (expr) out.push({ def, expr });
  }
  return out;
}

/** The period a tick fired at `firedAt` is for. */
export function periodForFire(app: App, def: PeriodicJob<unknown>, firedAt: Date): string {
  const p = periodOf(def.periodKind, firedAt, app.config.ric.timeZone);
  return def.periodOffset && def.periodKind !== 'none' ? shiftPeriod(def.periodKind, p, def.periodOffset) : p;
}

/** The latest tick due at `at`, and its period. */
export function latestDue(app: App, s: ScheduledJob, at: Date = now()): { firedAt: Date; period: string } | null {
  const firedAt = previousFire(s.expr, at, app.config.ric.timeZone);
  return firedAt ? { firedAt, period: periodForFire(app, s.def, firedAt) } : null;
}

export function nextRun(app: App, s: ScheduledJob, at: Date = now()): Date | null {
  return nextFire(s.expr, at, app.config.ric.timeZone);
}

/** Every schedule key in config must name a scheduled job: a typo would silently never run. */
export function validateSchedules(config: AppConfig, jobs: readonly AnyJob[] = JOBS): void {
  const keys = new Set(jobs.flatMap((j) => (j.kind === 'periodic' && j.schedule ? [j.schedule] : [])));
  const unknown = Object.keys(config.schedules).filter((k) => !keys.has(k));
  if (unknown.length) {
    throw new ConfigError(
      `invalid configuration:\n  ${config.source}: unknown key ${unknown.map((k) => `"schedules.${k}"`).join(', ')} (scheduled jobs: ${[...keys].join(', ')})`,
    );
  }
}
