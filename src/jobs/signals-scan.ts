/**
 * `signals-scan`: detects worsening signals and hands them to field support. Runs daily at
 * 08:00 and after each successful import (`requestSignalsScan` in src/queue/event-run.ts). Its period is the
 * schedule slot (the minute, or the second for an event), so a scan after an import is a run of its own;
 * detection is idempotent (`signals.dedup_key`, one per client and kind within 30 days).
 */
import { z } from 'zod';
import { detectAll, scanSignals } from '../health/scan-signals.js';
import { SIGNALS_SCAN_JOB } from '../queue/event-run.js';
import type { PeriodicJob } from './types.js';

export const signalsScan: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  createsWork: true,
  name: SIGNALS_SCAN_JOB,
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
