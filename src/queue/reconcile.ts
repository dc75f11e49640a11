/**
 * PostgreSQL is the truth, Redis the transport: whatever Redis lost is rebuilt from here.
 * Runs at scheduler start and every `catchUp.intervalMinutes`:
 * - catch-up: each schedule whose latest due period has no completed or live run is queued
 *   (trigger `catch-up`); a failed run whose job is still kept in Redis waits for `retry`;
 * - outbox: e-mails still `queued`/`retry` in PostgreSQL get their send job back, also when
 *   that job is kept among the finished (it stalled beyond the limit before claiming its row).
 *
 * Catch-up policy after downtime over several periods: only the latest due period of each
 * schedule is run (and only a tick within the last 366 days counts). Older missed periods are
 * not run on their own: a monthly mailing or a weekly score for a past period, sent late, would
 * show stale data as current. They stay without a row in `job_runs` (the admin script's `runs`
 * lists what ran), and the admin script runs one on request (`trigger <job> --period <period>`).
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { getRun } from '../db/job-runs.js';
import { JOBS } from '../jobs/index.js';
import type { AnyJob } from '../jobs/types.js';
import { outboxJobs, SEND_QUEUE } from '../mail/outbox.js';
import { enqueueItems, enqueueRun } from './enqueue.js';
import { latestDue, scheduledJobs } from './schedules.js';

export interface ReconcileResult {
  caughtUp: { job: string; period: string; jobId: string; added: boolean }[];
  requeued: number;
}

export async function catchUp(app: App, jobs: readonly AnyJob[] = JOBS): Promise<ReconcileResult['caughtUp']> {
  const out: ReconcileResult['caughtUp'] = [];
  const at = now();
  for (const s of scheduledJobs(app, jobs)) {
    const due = latestDue(app, s, at);
    if (!due) continue;
    const run = await getRun(app.pool, s.def.name, due.period);
    if (run?.state === 'completed') continue;
    if (run?.state === 'running' && at.getTime() - run.heartbeat_at.getTime() < app.config.runs.leaseMs) continue;
    const res = await enqueueRun(app, s.def, due.period, 'catch-up');
    if (res.added) app.log.info({ job: s.def.name, period: due.period, jobId: res.jobId }, 'catch-up: queued a missed run');
    out.push({ job: s.def.name, period: due.period, jobId: res.jobId, added: res.added });
  }
  return out;
}

export async function reconcile(app: App, jobs: readonly AnyJob[] = JOBS): Promise<ReconcileResult> {
  const caughtUp = await catchUp(app, jobs);
  const items = await outboxJobs(app.pool);
  if (items.length) {
    const replaced = await enqueueItems(app, SEND_QUEUE, items, { replace: true });
    if (replaced.length)
      app.log.warn(
        { jobIds: replaced.slice(0, 20), count: replaced.length },
        'reconcile: e-mails still waiting had a finished send job; added again',
      );
  }
  return { caughtUp, requeued: items.length };
}
