/**
 * What follows a successful import, wherever it came from (`admin import`, the inbox job,
 * `seed-demo`). The one place to hang reactions to new data: the signals scan is to be
 * called from here once it exists.
 */
import type { App } from '../app.js';
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
}
