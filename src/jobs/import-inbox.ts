/**
 * `import-inbox`: every 15 minutes (config `schedules.import-inbox`), the CRM files dropped in
 * `var/inbox/<kind>/` are imported and moved to `done/` or `failed/` (see imports/inbox.ts).
 * Re-running is harmless: a file already imported is recognised by its SHA-256.
 */
import { z } from 'zod';
import { listInbox, processInbox } from '../imports/inbox.js';
import type { PeriodicJob } from './types.js';

export const importInbox: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'import-inbox',
  description: 'import the CRM exports dropped in var/inbox/<kind>/',
  periodKind: 'none',
  schedule: 'import-inbox',
  options: z.strictObject({}),
  async run({ app, heartbeat }) {
    return { ...(await processInbox(app, heartbeat)) };
  },
  async plan({ app }) {
    return { waiting: (await listInbox(app)).map((f) => `${f.kind}/${f.name}`) };
  },
};
