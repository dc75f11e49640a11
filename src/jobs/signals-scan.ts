/**
 * `signals-scan`: detects worsening signals and hands them to field support. Runs daily at
 * 08:00 and after each successful import ({@link requestSignalsScan}). Its period is the
 * schedule slot (the minute), so a scan after an import on the same day is a run of its own;
 * detection is idempotent (`signals.dedup_key`, one per client and kind within 30 days).
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { getRun } from '../db/job-runs.js';
import { periodOf } from '../domain/periods.js';
import { detectAll, scanSignals } from '../health/scan-signals.js';
import { type EnqueuedRun, enqueueRun } from '../queue/enqueue.js';
import type { PeriodicJob } from './types.js';

export const signalsScan: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'signals-scan',
  description: 'worsening signals → task and alert e-mail to the field specialist',
  periodKind: 'none',
  schedule: 'signals-scan',
  options: z.strictObject({}),
  async run({ app }) {
    return { ...(await scanSignals(app)) };
  },
  async plan({ app }) {
    const d = await detectAll(app);
    const byKind: Record<string, number> = {};
    for (const s of d.signals) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
    return { clients: d.clients, detected: d.signals.length, byKind, staleSources: d.staleSources, note: 'before deduplication' };
  },
};

/**
 * Ask for a scan after an import committed (the importer calls this). Queues a run for the
 * current minute; when that minute's run has already started, for the next minute, so the
 * scan always reads the new data. Several imports within a minute share one scan.
 */
export async function requestSignalsScan(app: App): Promise<EnqueuedRun> {
  const tz = app.config.ric.timeZone;
  const at = now();
  const slot = periodOf('none', at, tz);
  if (!(await getRun(app.pool, signalsScan.name, slot))) return enqueueRun(app, signalsScan, slot, 'event');
  const next = new Date(Math.floor(at.getTime() / 60_000) * 60_000 + 60_000);
  return enqueueRun(app, signalsScan, periodOf('none', next, tz), 'event', { delayMs: next.getTime() - at.getTime() });
}
