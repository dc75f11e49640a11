/**
 * `import-inbox`: as soon as a file lands in `var/inbox/<kind>/` (the scheduler role watches it,
 * imports/inbox-watch.ts) and every 15 minutes as the fallback (config `schedules.import-inbox`),
 * the CRM files dropped there are imported and moved to `done/` or `failed/` (see
 * imports/inbox.ts). A file still being written is looked at again a settle time later.
 * Re-running is harmless: a file already imported is recognised by its SHA-256.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { listInbox, processInbox } from '../imports/inbox.js';
import type { EnqueuedRun } from '../queue/enqueue.js';
import { requestEventRun } from '../queue/event-run.js';
import type { PeriodicJob } from './types.js';

export const importInbox: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'import-inbox',
  description: 'import the CRM exports dropped in var/inbox/<kind>/',
  periodKind: 'none',
  schedule: 'import-inbox',
  options: z.strictObject({}),
  async run({ app, heartbeat }) {
    const stats = await processInbox(app, heartbeat);
    // A file still being written: look again once it may have settled, not in 15 minutes.
    if (stats.left > 0) await requestInboxImport(app, Math.max(app.config.imports.inboxSettleMs, 500));
    return { ...stats };
  },
  async plan({ app }) {
    return { waiting: (await listInbox(app)).map((f) => `${f.kind}/${f.name}`) };
  },
};

/** Ask for an inbox run now (or `delayMs` from now): the watcher's and the run's own follow-up. */
export function requestInboxImport(app: App, delayMs = 0): Promise<EnqueuedRun> {
  return requestEventRun(app, importInbox, { delayMs });
}
