/**
 * The layers, checked on the source: src/domain/ imports nothing of ours above it; src/db/
 * knows no mail types; an import asks for the signals scan through src/queue/, never by
 * importing a job file; date and number formats come from one module below e-mails and reports.
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

  it('src/db/ imports no src/mail/ module or type', () => {
    expect(violations('src/db', (t) => !t.startsWith('src/mail/'))).toEqual([]);
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
  });
});
