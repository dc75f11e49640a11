/**
 * The layers of the README's «Architecture», checked on the source: src/domain/ imports nothing
 * of ours above it; src/db/ imports only src/db/ and src/domain/ (no mail types, no import
 * kinds, no content loader, no app); an import asks for the signals scan through src/queue/,
 * never by importing a job file; the reports and the HTTP server do not reach into the admin
 * script (a report's options are the report's, src/domain/options.ts); the content modules do
 * not import a job; date and number formats come from one module below e-mails and reports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative module a file imports or re-exports, as a path from the repository root. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
    const spec = (m[1] ?? m[2]) as string;
    out.push(relative(ROOT, join(file, '..', spec)));
  }
  return out;
}

function violations(dir: string, allowed: (target: string) => boolean): string[] {
  return files(join(ROOT, dir)).flatMap((f) =>
    relativeImports(f)
      .filter((t) => !allowed(t))
      .map((t) => `${relative(ROOT, f)} → ${t}`),
  );
}

describe('layering', () => {
  it('src/domain/ imports only src/domain/', () => {
    expect(violations('src/domain', (t) => t.startsWith('src/domain/'))).toEqual([]);
  });

  it('src/db/ imports only src/db/ and src/domain/ (no mail types, import kinds, content loader or app)', () => {
    expect(violations('src/db', (t) => t.startsWith('src/db/') || t.startsWith('src/domain/'))).toEqual([]);
  });

  it('src/reports/ imports nothing of the admin script (src/cli/)', () => {
    expect(violations('src/reports', (t) => !t.startsWith('src/cli/'))).toEqual([]);
  });

  it('src/http/ imports nothing of the admin script (src/cli/, its commands included)', () => {
    expect(violations('src/http', (t) => !t.startsWith('src/cli/'))).toEqual([]);
  });

  it('src/content/ imports no job, queue, HTTP or admin-script module', () => {
    expect(violations('src/content', (t) => !/^src\/(jobs|queue|http|cli)\//.test(t))).toEqual([]);
  });

  it('only the admin script, the demo and the entry point import src/cli/', () => {
    const outside = files(join(ROOT, 'src'))
      .filter((f) => !f.includes('/src/cli/') && !f.endsWith('src/demo.ts'))
      .flatMap((f) =>
        relativeImports(f)
          .filter((t) => t.startsWith('src/cli/'))
          .map((t) => `${relative(ROOT, f)} → ${t}`),
      );
    expect(outside).toEqual([]);
  });

  it('src/imports/ imports no job file (the signals scan is asked for through src/queue/)', () => {
    expect(violations('src/imports', (t) => !t.startsWith('src/jobs/'))).toEqual([]);
  });

  it('date and number formats live in src/domain/formats.ts, not in a report or mail module', () => {
    const offenders = files(join(ROOT, 'src'))
      .filter((f) => !f.endsWith('src/domain/formats.ts') && !f.includes('/demo-data/'))
      .filter((f) => /new Intl\.NumberFormat\('ru-RU'|toLocaleDateString\('ru-RU'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
    // E-mails and reports take their formats from there.
    const users = ['src/health/alert-email.ts', 'src/reports/render.ts'];
    for (const u of users) expect(relativeImports(join(ROOT, u))).toContain('src/domain/formats.js');
  });

  it('the checks see real imports (a file that imports above its layer is caught)', () => {
    expect(relativeImports(join(ROOT, 'src/imports/after-import.ts'))).toContain('src/queue/event-run.js');
    expect(violations('src/health', (t) => !t.startsWith('src/mail/')).length).toBeGreaterThan(0);
    // Re-exports and type-only imports count: the admin script re-exports the options of src/domain/.
    expect(relativeImports(join(ROOT, 'src/cli/command.ts'))).toContain('src/domain/options.js');
    expect(violations('src/cli', (t) => !t.startsWith('src/domain/')).length).toBeGreaterThan(0);
  });
});
