import { QueueEvents } from 'bullmq';
import { now } from '../../clock.js';
import { getRun } from '../../db/job-runs.js';
import { PeriodError, parsePeriod } from '../../domain/periods.js';
import { getJob, periodicJobs } from '../../jobs/index.js';
import type { JobContext, PeriodicJob } from '../../jobs/types.js';
import { enqueueRun } from '../../queue/enqueue.js';
import { redisConnection } from '../../queue/queues.js';
import { periodForFire } from '../../queue/schedules.js';
import { executeRun, parseOptions } from '../../queue/worker.js';
import { type CliContext, type Command, emit, int, str, UsageError, type Values } from '../command.js';

/** Why the worker skipped a run (its `reason`, kept as is in `--json`), for people. */
function skipReason(reason: string | undefined): string {
  if (reason === 'period already completed') return 'период уже выполнен; чтобы выполнить снова, добавьте --force';
  if (reason === 'another run of this period is in progress') return 'этот период уже выполняется другим запуском';
  return reason ?? 'причина не указана';
}

/** BullMQ's job states as the admin reads them. */
const BULL_STATES: Readonly<Record<string, string>> = {
  waiting: 'ждёт',
  'waiting-children': 'ждёт',
  prioritized: 'ждёт',
  delayed: 'отложено',
  active: 'выполняется',
  completed: 'выполнено',
  failed: 'ошибка',
};

export function resolvePeriodicJob(name: string | undefined): PeriodicJob<unknown> {
  const known = periodicJobs().map((j) => j.name);
  if (!name) throw new UsageError(`укажите задание (известные задания: ${known.join(', ')})`);
  const def = getJob(name);
  if (!def) throw new UsageError(`неизвестное задание «${name}» (известные задания: ${known.join(', ')})`);
  if (def.kind !== 'periodic')
    throw new UsageError(`«${name}» выполняется для строк очереди отправки, не по запросу (известные задания: ${known.join(', ')})`);
  return def;
}

/** `--option key=value` pairs; values are JSON when they parse as JSON, strings otherwise. */
function parseOptionPairs(raw: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of raw ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--option: «${pair}» — не в виде ключ=значение`);
    const v = pair.slice(i + 1);
    try {
      out[pair.slice(0, i)] = JSON.parse(v);
    } catch {
      out[pair.slice(0, i)] = v;
    }
  }
  return out;
}

function periodOf(ctx: CliContext, def: PeriodicJob<unknown>, values: Values): string {
  const given = str(values, 'period');
  if (given === undefined) return periodForFire(ctx.app(), def, now());
  try {
    return parsePeriod(def.periodKind, given);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--period: ${err.message}`);
    throw err;
  }
}

function validOptions(def: PeriodicJob<unknown>, raw: Record<string, unknown>): unknown {
  try {
    return parseOptions(def, raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A plan may carry its own human-readable form in `text`. */
function hasText(plan: unknown): plan is { text: string } {
  return typeof plan === 'object' && plan !== null && typeof (plan as { text?: unknown }).text === 'string';
}

async function dryRun(ctx: CliContext, def: PeriodicJob<unknown>, period: string, options: unknown): Promise<number> {
  if (!def.plan) throw new UsageError(`у задания ${def.name} нет пробного запуска`);
  const app = ctx.app();
  const jobCtx: JobContext<unknown> = {
    app,
    options,
    period,
    trigger: 'admin',
    force: false,
    log: app.log.child({ job: def.name, period, dryRun: true }),
    runId: null,
    queueJob: null,
    heartbeat: async () => {},
  };
  const plan = await def.plan(jobCtx);
  emit(ctx, { job: def.name, period, dryRun: true, plan }, () =>
    typeof plan === 'string'
      ? plan
      : hasText(plan)
        ? plan.text
        : `${def.name} ${period} (пробный запуск, ничего не изменено):\n${JSON.stringify(plan, null, 2)}\n`,
  );
  return 0;
}

export const triggerCommand: Command = {
  name: 'trigger',
  summary: 'запустить задание сейчас за период (в очередь обработчикам или --inline здесь)',
  usage: 'trigger <job> [--period P] [--dry-run] [--force] [--wait [--timeout SECONDS]] [--inline] [--option key=value ...] [--json]',
  options: {
    period: { type: 'string' },
    'dry-run': { type: 'boolean' },
    force: { type: 'boolean' },
    wait: { type: 'boolean' },
    inline: { type: 'boolean' },
    timeout: { type: 'string' },
    option: { type: 'string', multiple: true },
  },
  args: { min: 1, max: 1 },
  async run(ctx, values, [name]) {
    const def = resolvePeriodicJob(name);
    const period = periodOf(ctx, def, values);
    const options = validOptions(def, parseOptionPairs(values.option as string[] | undefined));
    const force = values.force === true;
    const timeoutS = int(values, 'timeout', { min: 1 }) ?? 600;
    if (values['dry-run']) return dryRun(ctx, def, period, options);
    const app = ctx.app();
    if (values.inline) {
      const outcome = await executeRun(app, def, { period, trigger: 'admin', force, options });
      emit(ctx, { job: def.name, period, ...outcome }, () =>
        outcome.status === 'skipped'
          ? `${def.name} ${period}: пропущено (${skipReason(outcome.reason)})\n`
          : `${def.name} ${period}: выполнено (запуск № ${outcome.runId}), итоги:\n${JSON.stringify(outcome.stats, null, 2)}\n`,
      );
      return 0;
    }
    const existing = await getRun(app.pool, def.name, period);
    if (existing?.state === 'completed' && !force) {
      emit(
        ctx,
        { job: def.name, period, status: 'skipped', reason: 'period already completed', runId: existing.id },
        () =>
          `${def.name} ${period}: уже выполнено (запуск № ${existing.id}), в очередь ничего не поставлено; чтобы выполнить снова, добавьте --force\n`,
      );
      return 0;
    }
    const events = values.wait
      ? new QueueEvents(def.name, { connection: redisConnection(ctx.config.env.redisUrl), prefix: ctx.config.env.queuePrefix })
      : null;
    try {
      if (events) await events.waitUntilReady();
      const res = await enqueueRun(app, def, period, 'admin', { force, options });
      if (!events) {
        emit(
          ctx,
          { job: def.name, period, ...res },
          () =>
            `${def.name} ${period}: в очереди как ${res.jobId} (${res.added ? 'новое' : `уже было: ${BULL_STATES[res.state] ?? res.state}`})\n`,
        );
        return 0;
      }
      const job = await app.queues.get(def.name).getJob(res.jobId);
      if (!job) throw new Error(`задание ${res.jobId} пропало из очереди`);
      try {
        const result = await job.waitUntilFinished(events, timeoutS * 1000);
        emit(
          ctx,
          { job: def.name, period, jobId: res.jobId, state: 'completed', result },
          () => `${def.name} ${period}: выполнено, итоги:\n${JSON.stringify(result, null, 2)}\n`,
        );
        return 0;
      } catch (err) {
        const msg = (err as Error).message;
        emit(ctx, { job: def.name, period, jobId: res.jobId, state: 'failed', error: msg }, () => `${def.name} ${period}: ${msg}\n`);
        return 1;
      }
    } finally {
      if (events) await events.close();
    }
  },
};
