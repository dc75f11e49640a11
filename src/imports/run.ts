/**
 * One import, all or nothing: the file is read, validated and staged, and applied to the
 * tables in a single transaction; any invalid row rolls everything back and the errors are
 * listed. The same file again (by SHA-256) is reported as already imported; the same
 * content in another file upserts to no change.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { loadClientNumbers } from '../db/clients.js';
import { loadEmployeeNames } from '../db/employees.js';
import { findDoneImport, finishImport, recordFailedImport, startImport } from '../db/imports.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { localDate } from '../domain/dates.js';
import { dispatchNotifications } from '../mail/outbox.js';
import { ImportErrors, ImportFailed, warningsSummary } from './errors.js';
import type { ImportKindName, ParseContext, Refs } from './kind.js';
import { EmployeeIndex } from './people.js';
import { getImportKind } from './registry.js';
import { readSource } from './source.js';
import { stageRows } from './stage.js';

// Imports run one at a time: a contacts snapshot and a clients import must not interleave.
const IMPORT_LOCK = 7_303_241_003;

export interface ImportRequest {
  kind: ImportKindName;
  path: string;
  /** The name errors and the ledger use; the path as given by default. */
  fileName?: string;
  /** The ISO week of a `deviations` report (when its settings block names none). */
  week?: string;
  /** The period the export covers, as the admin declares it (`--from D [--to D]`; `to` default: today). */
  from?: string;
  to?: string;
}

export interface ImportSummary {
  status: 'imported';
  importId: number;
  kind: ImportKindName;
  file: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  summary: Record<string, unknown>;
  /** Data-quality problems: the rows were imported, the fields flagged (first 50 listed). */
  warnings: { count: number; listed: string[] };
}

export interface AlreadyImported {
  status: 'already';
  importId: number;
  kind: ImportKindName;
  file: string;
  /** The file name and time of the earlier import. */
  earlierFile: string;
  finishedAt: Date | null;
}

export type ImportOutcome = ImportSummary | AlreadyImported;

async function loadRefs(db: PoolClient): Promise<Refs> {
  const [clients, employees] = await Promise.all([loadClientNumbers(db), loadEmployeeNames(db)]);
  return { clients, employees: new EmployeeIndex(employees) };
}

/** Import a file; throws {@link ImportFailed} (nothing written) when any row is invalid. */
export async function importFile(app: App, req: ImportRequest): Promise<ImportOutcome> {
  const def = getImportKind(req.kind);
  const file = req.fileName ?? req.path;
  const buf = await readFile(req.path);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const startedAt = now();
  const already = (row: { id: number; file_name: string; finished_at: Date | null }): AlreadyImported => ({
    status: 'already',
    importId: row.id,
    kind: req.kind,
    file,
    earlierFile: row.file_name,
    finishedAt: row.finished_at,
  });
  const done = await findDoneImport(app.pool, req.kind, sha256);
  if (done) return already(done);
  const errors = new ImportErrors(file);
  const warnings = new ImportErrors(file, 'warning');
  try {
    const { maxXlsxBytes, maxXlsxRows } = app.config.imports;
    const source = await readSource(buf, basename(req.path), { maxBytes: maxXlsxBytes, maxRows: maxXlsxRows }).catch((err: Error) => {
      errors.add(1, 1, err.message);
      throw new ImportFailed(errors);
    });
    let notify: number[] = [];
    const outcome = await withTransaction(app.pool, async (db): Promise<ImportOutcome> => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
      const raced = await findDoneImport(db, req.kind, sha256);
      if (raced) return already(raced);
      const importId = await startImport(db, { kind: req.kind, fileName: basename(file), sha256, at: startedAt });
      let from: string | null = null;
      let to: string | null = null;
      let declared: { from: string; to: string } | null = null;
      const ctx: ParseContext = {
        tz: app.config.ric.timeZone,
        options: req.week ? { week: req.week } : {},
        errors,
        warnings,
        refs: await loadRefs(db),
        present: new Set(),
        facts: {},
        cover(date) {
          if (from === null || date < from) from = date;
          if (to === null || date > to) to = date;
        },
        declare(f, t) {
          declared = { from: f, to: t };
        },
      };
      const staged = await stageRows(db, def.stage, def.parse(source.rows, ctx));
      if (errors.any) throw new ImportFailed(errors);
      const at = now();
      const today = localDate(at, app.config.ric.timeZone);
      const result = await def.apply(db, {
        app,
        importId,
        now: at,
        staged,
        ric: app.config.ric.code,
        today,
        timeZone: app.config.ric.timeZone,
        calendar: app.calendar,
        present: ctx.present,
      });
      notify = result.notificationIds ?? [];
      // The admin's declaration wins over the file's; without either, the rows' span.
      const given = req.from ? { from: req.from, to: req.to ?? today } : (declared as { from: string; to: string } | null);
      const coverage = given ? { ...given, declared: true } : from && to ? { from, to, declared: false } : null;
      const summary = {
        ...source.format,
        rows: staged,
        ...ctx.facts,
        ...result.extra,
        from,
        to,
        ...(given ? { declaredFrom: given.from, declaredTo: given.to } : {}),
        warnings: warningsSummary(warnings),
      };
      const counts = { rows: staged, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, summary };
      await finishImport(db, importId, counts, now(), coverage);
      return { status: 'imported' as const, importId, kind: req.kind, file, ...counts, warnings: warningsSummary(warnings) };
    });
    // Committed: a failure to queue the e-mails is not the file's; reconcile sends them later.
    await dispatchNotifications(app, notify).catch((err) => app.log.warn({ err }, 'import committed; its e-mails wait for reconcile'));
    return outcome;
  } catch (err) {
    if (!(err instanceof ImportFailed)) {
      // Data exceptions and constraint violations (classes 22, 23) the row checks did not
      // foresee are still the file's fault; anything else (connection lost …) is not.
      if (!/^2[23]/.test(String((err as { code?: string }).code))) throw err;
      errors.add(1, 1, `база данных не приняла данные: ${(err as Error).message}`);
    }
    const importId = await recordFailedImport(app.pool, {
      kind: req.kind,
      fileName: basename(file),
      sha256,
      startedAt,
      finishedAt: now(),
      error: errors.format(),
      errorCount: errors.count,
    });
    throw new ImportFailed(errors, importId);
  }
}
