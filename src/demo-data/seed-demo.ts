/**
 * `seed-demo`: a deterministic synthetic RIC written as CRM files into a folder (var/seed/ by
 * default) and imported through the same importer as real exports, kind by kind.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { localDate } from '../domain/dates.js';
import { afterImport } from '../imports/after-import.js';
import { type ImportOutcome, importFile } from '../imports/run.js';
import { SIGNALS_SCAN_JOB } from '../queue/event-run.js';
import { waitUntilIdle } from '../queue/queues.js';
import { generateRic } from './model.js';
import { writeAbsences, writeRic } from './write.js';

export interface SeedOptions {
  clients: number;
  seed: number;
  dir?: string;
  /**
   * Let the signals scan each import asks for finish before the next file is imported (the
   * demo's story, whose workers run): which conditions are the baseline and which are alerted
   * then never depends on how fast the workers were. Without it the scans race the imports, as
   * in production.
   */
  settleScans?: boolean;
}

export interface SeedResult {
  dir: string;
  outcomes: ImportOutcome[];
  /** Served clients the hidden world lets leave within the quarter after today (numbers): the demo's disconnections. */
  leaving: number[];
}

export const DEFAULT_SEED = 502;

export async function seedDemo(app: App, opts: SeedOptions): Promise<SeedResult> {
  const dir = opts.dir ?? join(app.config.env.varDir, 'seed');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const today = localDate(now(), app.config.ric.timeZone);
  const ric = generateRic({ clients: opts.clients, seed: opts.seed, today });
  const files = await writeRic(ric, dir);
  // A week's leave of one field specialist, from the 6th working day on: the sample «Отсутствия».
  const leave = writeAbsences(ric, dir, app.calendar.addWorkingDays(today, 6), app.calendar.addWorkingDays(today, 10));
  if (leave) files.push(leave);
  const outcomes: ImportOutcome[] = [];
  for (const [kind, name] of files) {
    const outcome = await importFile(app, { kind, path: join(dir, name), fileName: name });
    await afterImport(app, outcome);
    if (opts.settleScans && !(await waitUntilIdle(app.queues.get(SIGNALS_SCAN_JOB), 120_000)))
      throw new Error('seed-demo: the signals scan did not finish within 2 minutes; are the workers running?');
    outcomes.push(outcome);
  }
  const leaving = ric.clients.filter((c) => c.state !== 'disconnected' && c.activity.leaves).map((c) => c.number);
  return { dir, outcomes, leaving };
}
