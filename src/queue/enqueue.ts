/**
 * Putting work on the queues. A periodic run's jobId is `<job>.<period>`, so any number of
 * schedulers, catch-ups and admin triggers for one period yield one queued job; a forced
 * run gets a fresh id. Item jobs carry their own ids (`send.<messageId>`).
 */
import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import type { PeriodicJob, Trigger } from '../jobs/types.js';

export const runPayloadSchema = z.strictObject({
  period: z.string().min(1),
  trigger: z.enum(['schedule', 'admin', 'catch-up', 'event']),
  force: z.boolean().optional(),
  options: z.unknown().optional(),
});
export type RunPayload = z.infer<typeof runPayloadSchema>;

/** BullMQ custom ids may not contain ':'; ours never do, periods included. */
export function runJobId(job: string, period: string): string {
  return `${job}.${period}`;
}

export interface EnqueuedRun {
  jobId: string;
  /** The BullMQ state after the call: a deduplicated add shows the existing job's state. */
  state: string;
  /** False when a job with this id already existed. */
  added: boolean;
}

export async function enqueueRun(
  app: App,
  def: Pick<PeriodicJob<unknown>, 'name'>,
  period: string,
  trigger: Trigger,
  opts: { force?: boolean; options?: unknown; delayMs?: number } = {},
): Promise<EnqueuedRun> {
  const queue = app.queues.get(def.name);
  const jobId = opts.force ? `${runJobId(def.name, period)}.force-${now().getTime()}` : runJobId(def.name, period);
  const payload: RunPayload = {
    period,
    trigger,
    ...(opts.force ? { force: true } : {}),
    ...(opts.options !== undefined ? { options: opts.options } : {}),
  };
  const before = await queue.getJob(jobId);
  const jobOpts: JobsOptions = { jobId, ...(opts.delayMs ? { delay: opts.delayMs } : {}) };
  const job = await queue.add(def.name, payload, jobOpts);
  const state = await job.getState();
  // An admin asking again for a period whose job failed for good means "try again".
  if (!before || trigger !== 'admin' || state !== 'failed') return { jobId, state, added: !before };
  await job.retry('failed');
  return { jobId, state: await job.getState(), added: false };
}

export interface ItemJobSpec {
  jobId: string;
  data: unknown;
}

/**
 * Add item jobs in bulk; existing ids are left as they are, unless `replace`, which first
 * removes finished (completed or failed) jobs of the same ids — a re-send on request of rows
 * whose earlier job already ended, or rows still waiting whose job ended without them knowing
 * (it stalled beyond the limit before claiming its row). `delayMs` holds the jobs back.
 * Returns the ids of the finished jobs replaced.
 */
export async function enqueueItems(
  app: App,
  jobName: string,
  items: ItemJobSpec[],
  opts: { delayMs?: number; replace?: boolean } = {},
): Promise<string[]> {
  const queue = app.queues.get(jobName);
  const replaced = opts.replace ? await removeFinished(queue, items) : [];
  const delay = opts.delayMs && opts.delayMs > 0 ? Math.round(opts.delayMs) : 0;
  const CHUNK = 1000;
  for (let i = 0; i < items.length; i += CHUNK) {
    await queue.addBulk(
      items.slice(i, i + CHUNK).map((it) => ({
        name: jobName,
        data: it.data,
        // An item's outcome lives in its own row (PostgreSQL); a finished job is not kept.
        opts: { jobId: it.jobId, removeOnComplete: true, ...(delay ? { delay } : {}) },
      })),
    );
  }
  return replaced;
}

/** Remove the finished jobs among `items`'s ids: one listing of the finished ids, not a lookup per item. */
async function removeFinished(queue: Queue, items: readonly ItemJobSpec[]): Promise<string[]> {
  const counts = await queue.getJobCounts('completed', 'failed');
  if (!counts.completed && !counts.failed) return [];
  const wanted = new Set(items.map((it) => it.jobId));
  const ids = (await queue.getRanges(['completed', 'failed'], 0, -1)).filter((id) => wanted.has(id));
  for (const id of ids) await queue.remove(id);
  return ids;
}
