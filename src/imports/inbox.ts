/**
 * The inbox: files dropped in `var/inbox/<kind>/` are imported kind by kind (employees
 * first, so later kinds can refer to them) and in name order, then moved to `done/`, or to
 * `failed/` with a `<name>.errors.txt` beside them. A file still being written (its size or
 * mtime changes while we look) waits for the next run.
 *
 * Safe to kill at any line: an import commits before its file is moved, and a file found
 * again after a crash is, by its SHA-256, already imported — it just moves on to `done/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '../app.js';
import { afterImport } from './after-import.js';
import { describeOutcome } from './describe.js';
import { ImportFailed } from './errors.js';
import { IMPORT_KINDS, type ImportKindName } from './kind.js';
import { importFile } from './run.js';

export interface InboxFile {
  kind: ImportKindName;
  name: string;
  path: string;
}

export interface InboxStats {
  imported: number;
  alreadyImported: number;
  failed: number;
  /** Files still being written, left for the next run. */
  left: number;
  /** One line per file handled. */
  files: string[];
}

export function inboxDir(app: App): string {
  return join(app.config.env.varDir, 'inbox');
}

/** The waiting files, kind by kind in dependency order, each kind in name order. */
export async function listInbox(app: App): Promise<InboxFile[]> {
  const out: InboxFile[] = [];
  for (const kind of IMPORT_KINDS) {
    const dir = join(inboxDir(app), kind);
    await mkdir(join(dir, 'done'), { recursive: true });
    await mkdir(join(dir, 'failed'), { recursive: true });
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
    for (const name of names.sort()) out.push({ kind, name, path: join(dir, name) });
  }
  return out;
}

async function fingerprint(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

/** A name in `dir` not taken yet: `x.tsv`, then `x.1.tsv`, `x.2.tsv` … */
function freeName(dir: string, name: string): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let i = 1; existsSync(join(dir, candidate)) || existsSync(join(dir, `${candidate}.errors.txt`)); i++)
    candidate = `${stem}.${i}${ext}`;
  return candidate;
}

async function moveTo(f: InboxFile, sub: 'done' | 'failed', errors?: string, warnings?: string): Promise<void> {
  const target = join(f.path, '..', sub);
  const name = freeName(target, f.name);
  if (errors !== undefined) await writeFile(join(target, `${name}.errors.txt`), `${errors}\n`);
  // Data-quality warnings of an imported file, beside it for whoever fixes the CRM.
  if (warnings !== undefined) await writeFile(join(target, `${name}.warnings.txt`), `${warnings}\n`);
  await rename(f.path, join(target, name));
}

export async function processInbox(app: App, heartbeat: () => Promise<void> = async () => {}): Promise<InboxStats> {
  const stats: InboxStats = { imported: 0, alreadyImported: 0, failed: 0, left: 0, files: [] };
  const files = await listInbox(app);
  if (!files.length) return stats;
  const first = await Promise.all(files.map((f) => fingerprint(f.path)));
  // Look again a moment later: a writer still at work changes the size or mtime.
  if (app.config.imports.inboxSettleMs > 0) await sleep(app.config.imports.inboxSettleMs);
  const second = await Promise.all(files.map((f) => fingerprint(f.path)));
  for (const [i, f] of files.entries()) {
    if (first[i] === null || first[i] !== second[i]) {
      stats.left++;
      stats.files.push(`${f.kind}/${f.name}: still being written, left for the next run`);
      continue;
    }
    const label = `inbox/${f.kind}/${f.name}`;
    try {
      const outcome = await importFile(app, { kind: f.kind, path: f.path, fileName: label });
      await afterImport(app, outcome);
      const w = outcome.status === 'imported' ? outcome.warnings : null;
      await moveTo(f, 'done', undefined, w?.count ? w.listed.join('\n') : undefined);
      if (outcome.status === 'imported') stats.imported++;
      else stats.alreadyImported++;
      stats.files.push(describeOutcome(outcome));
    } catch (err) {
      if (!(err instanceof ImportFailed)) throw err;
      await moveTo(f, 'failed', err.message);
      stats.failed++;
      stats.files.push(`${label}: failed with ${err.errors.count} ${err.errors.count === 1 ? 'error' : 'errors'}, moved to failed/`);
      app.log.warn({ kind: f.kind, file: f.name, errors: err.errors.count }, 'inbox file rejected');
    }
    await heartbeat();
  }
  return stats;
}
