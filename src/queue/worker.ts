/**
 * Executing jobs. `executeRun` is the one path for a periodic run — from a BullMQ worker, the
 * admin script's `--inline`, or the demo: validate options, claim the period, run with a
 * heartbeat, record the outcome. `JobWorkers` runs a BullMQ worker per registered job, paused
 * while PostgreSQL does not answer (src/queue/db-watch.ts); a queued run cut off by such an
 * outage waits for PostgreSQL, is recorded as interrupted and retried by BullMQ (at most
 * `queues.attempts`), its claim and lease as for any retry.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { claimRun, completeRun, failRun, heartbeatRun, interruptRun } from '../db/job-runs.js';
import { isConnectionError } from '../db/pool.js';
import { openWorkSignature } from '../db/tasks.js';
import { parsePeriod } from '../domain/periods.js';
import { JOBS } from '../jobs/index.js';
import type { AnyJob, ItemJob, JobContext, PeriodicJob, RunStats, Trigger } from '../jobs/types.js';
import type { Logger } from '../log.js';
import { planWork } from '../workload/plan-work.js';
import { DatabaseWatch } from './db-watch.js';
import { type RunPayload, runPayloadSchema } from './enqueue.js';
import { redisConnection } from './queues.js';

const OWNER_BASE = `${hostname()}:${process.pid}`;

/** Options of a payload or of the admin script, validated by the job's schema. */
export function parseOptions<O>(def: AnyJob, raw: unknown): O {
  const parsed = def.options.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new UnrecoverableError(`${def.name}: invalid options: ${issues}`);
  }
  return parsed.data as O;
}

export interface RunOutcome {
  status: 'completed' | 'skipped';
  runId: number | null;
  reason?: string;
  stats: RunStats;
}

/**
 * The planner after a job that created or closed work (the open tasks differ from before the
 * run); a failure waits for the next run or the morning plan.
 */
async function planAfter(app: App, log: Logger, before: string | null): Promise<void> {
  try {
    if (before !== null && (await openWorkSignature(app.pool)) === before) return;
    log.info({ plan: await planWork(app) }, 'planned');
  } catch (err) {
    log.warn({ err }, 'planning after the run failed; the next run or the morning plan plans again');
  }
}

export async function executeRun(
  app: App,
  def: PeriodicJob<unknown>,
  req: { period: string; trigger: Trigger; force?: boolean; options?: unknown },
  queueJob: Job | null = null,
  watch: DatabaseWatch | null = null,
): Promise<RunOutcome> {
  const period = parsePeriod(def.periodKind, req.period);
  const options = parseOptions(def, req.options);
  const owner = `${OWNER_BASE}:${randomUUID().slice(0, 8)}`;
  const log = app.log.child({ job: def.name, period, jobId: queueJob?.id });
  const claim = await claimRun(app.pool, {
    job: def.name,
    period,
    trigger: req.trigger,
    queueJobId: queueJob?.id ?? null,
    owner,
    now: now(),
    leaseMs: app.config.runs.leaseMs,
    force: req.force ?? false,
  });
  if (claim.kind !== 'claimed') {
    const reason = claim.kind === 'completed' ? 'period already completed' : 'another run of this period is in progress';
    log.info({ runId: claim.run.id }, `skipped: ${reason}`);
    return { status: 'skipped', runId: claim.run.id, reason, stats: claim.run.stats };
  }
  const runId = claim.run.id;
  const heartbeat = async () => {
    if (!(await heartbeatRun(app.pool, runId, owner, now()))) log.warn({ runId }, 'run was taken over by another worker');
  };
  const timer = setInterval(() => heartbeat().catch((err) => log.warn({ err }, 'heartbeat failed')), app.config.runs.heartbeatMs);
  timer.unref();
  const started = Date.now();
  log.info({ runId, trigger: req.trigger, attempt: claim.run.attempts }, 'run started');
  try {
    const ctx: JobContext<unknown> = {
      app,
      options,
      period,
      trigger: req.trigger,
      force: req.force ?? false,
      log,
      runId,
      queueJob,
      heartbeat,
    };
    const before = def.createsWork ? await openWorkSignature(app.pool).catch(() => null) : null;
    const stats = await def.run(ctx);
    if (def.createsWork) await planAfter(app, log, before);
    clearInterval(timer);
    if (!(await completeRun(app.pool, runId, owner, now(), stats))) log.warn({ runId }, 'completed, but the run had been taken over');
    log.info({ runId, stats, ms: Date.now() - started }, 'run completed');
    return { status: 'completed', runId, stats };
  } catch (err) {
    clearInterval(timer);
    const outageAt = watch && queueJob ? await outageDuring(watch, err, started) : null;
    if (outageAt) {
      // Cut off by a PostgreSQL outage: wait for it here (the job keeps its lock), record the
      // interruption, and let BullMQ's next attempt claim the period again.
      log.warn({ runId, err: (err as Error).message }, 'run interrupted: PostgreSQL did not answer; retried when it does');
      await watch?.whenUp();
      const message = `interrupted: PostgreSQL did not answer (${(err as Error).message ?? String(err)})`;
      await untilAnswered(watch as DatabaseWatch, () => interruptRun(app.pool, runId, owner, now(), outageAt, message)).catch((e) =>
        log.error({ err: e }, 'could not record the interruption'),
      );
      throw new Error(message, { cause: err });
    }
    await failRun(app.pool, runId, owner, now(), (err as Error).message ?? String(err)).catch((e) =>
      log.error({ err: e }, 'could not record the failure'),
    );
    log.error({ runId, err }, 'run failed');
    throw err;
  }
}

/**
 * Whether a run's error came from a PostgreSQL outage: a connection error, or any error while
 * the watch sees the database down or saw it go down since the run began. The outage's start.
 */
async function outageDuring(watch: DatabaseWatch, err: unknown, startedMs: number): Promise<Date | null> {
  if (isConnectionError(err) || !(await watch.probe()) || watch.isDown) return watch.outageStartedAt ?? now();
  const last = watch.outageStartedAt;
  return last && last.getTime() >= startedMs ? last : null;
}

/** Run `fn` until PostgreSQL takes it: after a connection error, wait for the watch to see it answer. */
async function untilAnswered<T>(watch: DatabaseWatch, fn: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionError(err) || i >= tries) throw err;
      await watch.probe();
      await watch.whenUp();
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

export async function executeItem(app: App, def: ItemJob<unknown>, data: unknown, queueJob: Job | null): Promise<RunStats> {
  const options = parseOptions(def, data);
  const log = app.log.child({ job: def.name, jobId: queueJob?.id });
  const ctx: JobContext<unknown> = {
    app,
    options,
    period: '',
    trigger: 'event',
    force: false,
    log,
    runId: null,
    queueJob,
    heartbeat: async () => {},
  };
  return def.run(ctx);
}

async function processQueueJob(app: App, def: AnyJob, job: Job, watch: DatabaseWatch | null): Promise<RunStats> {
  try {
    if (def.kind === 'item') return await executeItem(app, def, job.data, job);
    const parsed = runPayloadSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`${def.name}: malformed run payload: ${parsed.error.message}`);
    const p: RunPayload = parsed.data;
    const outcome = await executeRun(app, def, p, job, watch);
    return { status: outcome.status, runId: outcome.runId, ...(outcome.reason ? { reason: outcome.reason } : {}), ...outcome.stats };
  } catch (err) {
    // PostgreSQL away (a claim that got no answer, say): the attempt ends when it answers again,
    // so BullMQ's retries are not spent against a database that is down.
    if (watch && isConnectionError(err)) {
      await watch.probe();
      await watch.whenUp();
    }
    throw err;
  }
}

export class JobWorkers {
  private readonly workers: Worker[] = [];
  private watch: DatabaseWatch | null = null;
  private closing = false;

  constructor(
    private readonly app: App,
    private readonly jobs: readonly AnyJob[] = JOBS,
  ) {}

  start(): void {
    const { config } = this.app;
    const watch = new DatabaseWatch(this.app, {
      down: async () => {
        await Promise.all(this.workers.map((w) => w.pause(true)));
      },
      up: () => {
        if (!this.closing) for (const w of this.workers) w.resume();
      },
    });
    this.watch = watch;
    for (const def of this.jobs) {
      const concurrency = config.queues.concurrency[def.name] ?? config.queues.concurrency.default ?? 1;
      const worker = new Worker(def.name, (job) => processQueueJob(this.app, def, job, watch), {
        connection: redisConnection(config.env.redisUrl),
        prefix: config.env.queuePrefix,
        concurrency,
        lockDuration: config.queues.lockDurationMs,
        stalledInterval: config.queues.stalledIntervalMs,
        maxStalledCount: 2,
        ...(def.name === 'send-email' ? { limiter: { max: config.smtp.ratePerMinute, duration: 60_000 } } : {}),
      });
      worker.on('error', (err) => this.app.log.warn({ err, queue: def.name }, 'worker error'));
      worker.on('failed', (job, err) =>
        this.app.log.warn({ job: def.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job attempt failed'),
      );
      this.workers.push(worker);
    }
    watch.start();
  }

  /** Stop taking jobs; let active ones finish within `graceMs`, then force. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const closing = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.app.log.warn({ graceMs }, 'active jobs did not finish within the grace period; closing anyway');
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await Promise.all(this.workers.map((w) => w.disconnect().catch(() => {})));
    this.workers.length = 0;
    await this.watch?.stop();
    this.watch = null;
  }
}
