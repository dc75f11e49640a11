/**
 * What follows a successful import, wherever it came from (`admin import`, the inbox job,
 * `seed-demo`). The one place to hang reactions to new data: a signals scan is requested
 * (it runs on the workers; imports within a minute share one scan).
 */
import type { App } from '../app.js';
import { requestSignalsScan } from '../queue/event-run.js';
import type { ImportOutcome } from './run.js';

export async function afterImport(app: App, outcome: ImportOutcome): Promise<void> {
  if (outcome.status !== 'imported') return;
  app.log.info(
    {
      importId: outcome.importId,
      kind: outcome.kind,
      rows: outcome.rows,
      inserted: outcome.inserted,
      updated: outcome.updated,
      unchanged: outcome.unchanged,
    },
    'import done',
  );
  await requestSignalsScan(app);
}
