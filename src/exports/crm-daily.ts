/**
 * The daily export to the CRM: each working day's contact events and tasks recorded here, in
 * the `export contact-events|tasks` forms (src/exports/crm.ts, each row with its `[cg:task N]`),
 * as `<day>-<kind>.tsv` in the outbox folder (`crmExport.folder`, default `var/outbox/crm/`).
 *
 * - Once: a `crm_exports` row per day and kind is the proof a file went out; a day and kind
 *   written before is never written again (the CRM may have taken the file away meanwhile).
 * - Atomically: the text goes to a hidden temporary name in the same folder, is flushed to
 *   disk, then renamed; whoever watches the folder sees a whole file or none.
 * - Without gaps: a day's file holds what was recorded from that day up to the next working day
 *   (a Friday's holds the weekend's too), and a run after a pause writes the working days it missed.
 */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { exportedKinds, lastExportedDay, recordCrmExport } from '../db/crm-exports.js';
import { withTransaction } from '../db/pool.js';
import { addDays, type IsoDate, zonedTime } from '../domain/dates.js';
import { crmTable, crmTsv, EXPORT_KINDS, type ExportKind } from './crm.js';

/** Lock key of the export's transaction ("crmx" in ASCII). */
const CRM_EXPORT_LOCK = 1_668_443_512;
/** A run after a long pause writes at most this many missed working days. */
const MAX_CATCH_UP_DAYS = 31;

export interface CrmExportFile {
  day: IsoDate;
  kind: ExportKind;
  file: string;
  rows: number;
}

export interface CrmExportResult {
  /** The working day before the run's day: the last day a run on `runDay` exports. */
  day: IsoDate | null;
  /** Files written by this run. */
  written: CrmExportFile[];
  /** Days and kinds that had gone out before: nothing written for them. */
  alreadyWritten: number;
}

/** The outbox folder: `crmExport.folder` (relative to var/) or `var/outbox/crm`. */
export function crmOutbox(app: Pick<App, 'config'>): string {
  const folder = app.config.crmExport.folder;
  const varDir = app.config.env.varDir;
  if (!folder) return join(varDir, 'outbox', 'crm');
  return isAbsolute(folder) ? folder : resolve(varDir, folder);
}

/** The working day before `day` (null when none within a year: a calendar without working days). */
function previousWorkingDay(app: App, day: IsoDate): IsoDate | null {
  for (let d = addDays(day, -1), i = 0; i < 366; d = addDays(d, -1), i++) if (app.calendar.isWorkingDay(d)) return d;
  return null;
}

/** Write `bytes` as `path` all at once: a hidden temporary file beside it, flushed, then renamed. */
export async function writeAtomically(path: string, name: string, bytes: Buffer): Promise<void> {
  const tmp = join(path, `.${name}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, join(path, name));
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Export for a run on `runDay`: on a working day, the working day before it (and any missed
 * since the last export); on a day off, nothing (the next working day's run takes the weekend).
 */
export async function exportDayForCrm(app: App, runDay: IsoDate): Promise<CrmExportResult> {
  if (!app.calendar.isWorkingDay(runDay)) return { day: null, written: [], alreadyWritten: 0 };
  const day = previousWorkingDay(app, runDay);
  if (!day) return { day: null, written: [], alreadyWritten: 0 };
  const tz = app.config.ric.timeZone;
  const dir = crmOutbox(app);
  await mkdir(dir, { recursive: true });
  return withTransaction(app.pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [CRM_EXPORT_LOCK]);
    const last = await lastExportedDay(db, day);
    const days = last ? app.calendar.workingDaysIn(addDays(last, 1), day).slice(-MAX_CATCH_UP_DAYS) : [day];
    const written: CrmExportFile[] = [];
    let alreadyWritten = 0;
    for (const d of days) {
      const done = await exportedKinds(db, d);
      // The day's rows: from its start up to the next working day's start (the run's day for the last).
      const from = zonedTime(d, 0, 0, tz);
      const to = zonedTime(d === day ? runDay : app.calendar.addWorkingDays(d, 1), 0, 0, tz);
      for (const kind of EXPORT_KINDS) {
        if (done.has(kind)) {
          alreadyWritten++;
          continue;
        }
        const table = await crmTable(app, kind, from, to);
        const file = `${d}-${kind}.tsv`;
        await writeAtomically(dir, file, crmTsv(table));
        await recordCrmExport(db, { day: d, kind, file: join(dir, file), rows: table.rows.length, from, to, at: now() });
        written.push({ day: d, kind, file: join(dir, file), rows: table.rows.length });
      }
    }
    return { day, written, alreadyWritten };
  });
}
