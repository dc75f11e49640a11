/**
 * A run of a slot job (`periodKind: 'none'`) that an event asks for — a file in the inbox, an
 * import committed — as soon as possible, always after the event: the current minute's slot
 * when its run has not started yet (a queued run reads the new data when it starts), else the
 * current second's slot (`2024-06-03T101542`), else the next second's. Several
 * events within one second share one run.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { getRun } from '../db/job-runs.js';
import { localParts } from '../domain/dates.js';
import { periodOf } from '../domain/periods.js';
import type { PeriodicJob } from '../jobs/types.js';
import { type EnqueuedRun, enqueueRun } from './enqueue.js';

function secondSlot(app: App, at: Date): string {
  const tz = app.config.ric.timeZone;
  return `${periodOf('none', at, tz)}${String(localParts(at, tz).second).padStart(2, '0')}`;
}

export async function requestEventRun(
  app: App,
  def: Pick<PeriodicJob<unknown>, 'name'>,
  opts: { delayMs?: number } = {},
): Promise<EnqueuedRun> {
  const at = new Date(now().getTime() + (opts.delayMs ?? 0));
  const minute = periodOf('none', at, app.config.ric.timeZone);
  const delay = (t: Date) => Math.max(0, t.getTime() - now().getTime());
  if (!(await getRun(app.pool, def.name, minute))) return enqueueRun(app, def, minute, 'event', { delayMs: delay(at) });
  const second = secondSlot(app, at);
  if (!(await getRun(app.pool, def.name, second))) return enqueueRun(app, def, second, 'event', { delayMs: delay(at) });
  const next = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000);
  return enqueueRun(app, def, secondSlot(app, next), 'event', { delayMs: delay(next) });
}

/** The job that detects worsening signals (src/jobs/signals-scan.ts). */
export const SIGNALS_SCAN_JOB = 'signals-scan';

/**
 * Ask for a signals scan after an import committed: at once, in the current minute's slot when
 * its run has not started, else in the current (or next) second's — so the scan always reads the
 * new data and alerts follow an import within seconds. The importer asks here, through the
 * queue, and never imports a job file.
 */
export async function requestSignalsScan(app: App): Promise<EnqueuedRun> {
  return requestEventRun(app, { name: SIGNALS_SCAN_JOB });
}
