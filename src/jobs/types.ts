/**
 * What a job is. Periodic jobs run once per period (claimed in `job_runs`); item jobs
 * (e.g. send-email) act on one row whose own state is the idempotency key.
 */
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { App } from '../app.js';
import type { PeriodKind } from '../domain/periods.js';
import type { Logger } from '../log.js';

/** Who asked for a run: the cron tick, the admin script, the catch-up at start, or an event (e.g. after an import). */
export type Trigger = 'schedule' | 'admin' | 'catch-up' | 'event';

/** Counts and facts a run reports; stored in `job_runs.stats` and printed by the admin script. */
export type RunStats = Record<string, unknown>;

export interface JobContext<O> {
  app: App;
  /** Job-specific options, validated by the job's schema. */
  options: O;
  /** The period this run is for (periodic jobs); '' for item jobs. */
  period: string;
  trigger: Trigger;
  /** Set by `trigger --force`: the period runs again even if it completed. */
  force: boolean;
  log: Logger;
  /** The `job_runs` row of this run; null for item jobs and dry runs. */
  runId: number | null;
  /** The BullMQ job, when run by a worker. */
  queueJob: Job | null;
  /** Prove liveness during long work so the run is not taken over. */
  heartbeat(): Promise<void>;
}

interface JobBase<O> {
  name: string;
  /** One line for `status` and the usage text. */
  description: string;
  /** Validates the options of a payload (and of `trigger --option` values). */
  options: z.ZodType<O>;
  run(ctx: JobContext<O>): Promise<RunStats>;
}

export interface PeriodicJob<O = Record<string, never>> extends JobBase<O> {
  kind: 'periodic';
  periodKind: PeriodKind;
  /**
   * Periods after the one containing the fire time: risk-score fires on Monday and scores
   * the week before (−1). Also applied to the default period of `trigger`.
   */
  periodOffset?: number;
  /** Key in `config.schedules`; absent → on demand only. */
  schedule?: string;
  /** The job creates tasks: the planner runs after a run that created or closed some (src/workload/plan-work.ts). */
  createsWork?: boolean;
  /** `trigger --dry-run`: what a run would do, without side effects. */
  plan?(ctx: JobContext<O>): Promise<unknown>;
}

export interface ItemJob<O> extends JobBase<O> {
  kind: 'item';
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds jobs of every option type
export type AnyJob = PeriodicJob<any> | ItemJob<any>;
