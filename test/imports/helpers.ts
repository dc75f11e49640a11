/** Shared by the import tests: fixture paths, the admin script in-process, and small table writers. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { runCapturedCli } from '../helpers/cli.js';
import type { TestEnv } from '../helpers/env.js';

export const CRM = join(PROJECT_ROOT, 'test', 'fixtures', 'crm');
export const fixture = (name: string) => join(CRM, name);

export function cli(t: TestEnv, ...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

/** Write a UTF-8 tab-separated file into the test's var dir. */
export function writeTsv(t: TestEnv, name: string, rows: (string | number)[][], opts: { crlf?: boolean } = {}): string {
  const path = join(t.varDir, name);
  writeFileSync(path, `${rows.map((r) => r.join('\t')).join(opts.crlf ? '\r\n' : '\n')}\n`);
  return path;
}

/** Employees and the seed's fifteen clients: what the other fixtures refer to. */
export async function importBase(t: TestEnv): Promise<void> {
  for (const [kind, file] of [
    ['employees', 'employees.tsv'],
    ['clients', 'seed-clients-1251.tsv'],
  ] as const) {
    const res = await cli(t, 'import', kind, fixture(file));
    if (res.code !== 0) throw new Error(`import ${kind} failed: ${res.err}`);
  }
}
