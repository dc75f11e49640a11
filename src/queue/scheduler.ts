/**
 * Cron ticks in the RIC's time zone → one queued run per period. Every instance computes
 * the same jobId for a tick, so three schedulers ticking the same minute queue one job.
 * The catch-up (in reconcile.ts) covers ticks missed while no scheduler was running.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { fromSystemTime } from '../clock.js';
import { JOBS } from '../jobs/index.js';
import type { AnyJob, PeriodicJob } from '../jobs/types.js';
import { type EnqueuedRun, enqueueRun } from './enqueue.js';
import { reconcile } from './reconcile.js';
import { periodForFire, scheduledJobs } from './schedules.js';

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<unknown> | null = null;

  constructor(
    private readonly app: App,
    private readonly jobs: readonly AnyJob[] = JOBS,
  ) {}

  async start(): Promise<void> {
    const tz = this.app.config.ric.timeZone;
    for (const s of scheduledJobs(this.app, this.jobs)) {
      const task = cron.schedule(
        s.expr,
        async (ctx) => {
          // node-cron reads the system time; a set clock (tests, demo, --now) moves the tick's period too.
          await this.tick(s.def, fromSystemTime(ctx.date)).catch((err) =>
            this.app.log.error({ err, job: s.def.name }, 'scheduled enqueue failed'),
          );
        },
        { timezone: tz, name: `cg-${s.def.name}` },
      );
      this.tasks.push(task);
    }
    await this.reconcileNow();
    this.timer = setInterval(() => void this.reconcileNow(), this.app.config.catchUp.intervalMinutes * 60_000);
    this.timer.unref();
  }

  /** A cron tick fired at `firedAt`: queue the run of its period. */
  async tick(def: PeriodicJob<unknown>, firedAt: Date): Promise<EnqueuedRun> {
    const period = periodForFire(this.app, def, firedAt);
    const res = await enqueueRun(this.app, def, period, 'schedule');
    this.app.log.info({ job: def.name, period, jobId: res.jobId, added: res.added }, 'scheduled tick');
    return res;
  }

  /** Catch-up and outbox re-enqueue; one at a time per process. */
  async reconcileNow(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = reconcile(this.app, this.jobs)
      .catch((err) => this.app.log.error({ err }, 'reconcile failed'))
      .finally(() => {
        this.reconciling = null;
      });
    await this.reconciling;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.tasks.map((t) => t.destroy()));
    this.tasks = [];
    await this.reconciling;
  }
}
