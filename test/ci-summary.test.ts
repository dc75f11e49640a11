/** `.ci/summary.mjs`: .ci/run's closing line, from vitest's JSON report of the run. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STARTED = 1_800_000_000_000;
let n = 0;

function report(fields: Record<string, unknown>): string {
  const path = join(dir, `r${++n}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      numTotalTests: 10,
      numPassedTests: 10,
      numFailedTests: 0,
      numFailedTestSuites: 0,
      startTime: STARTED + 1000,
      success: true,
      testResults: [],
      ...fields,
    }),
  );
  return path;
}

function summary(path: string, testRc = 0, checkRc = 0): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(PROJECT_ROOT, '.ci', 'summary.mjs'), path, String(STARTED), String(testRc), String(checkRc)],
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout, err: stderr }),
    ),
  );
}

describe('.ci/run closing line', () => {
  it('reports a clean run as it is', async () => {
    expect(await summary(report({}))).toEqual({ code: 0, out: '10 passed, 0 failed\n', err: '' });
  });

  it('counts failed tests from the report', async () => {
    const r = await summary(report({ numPassedTests: 8, numFailedTests: 2, success: false }), 1);
    expect(r).toMatchObject({ code: 1, out: '8 passed, 2 failed\n' });
  });

  it('fails a run with no report, or the report of an earlier run', async () => {
    expect(await summary(join(dir, 'missing.json'), 1)).toMatchObject({ code: 1, out: '0 passed, 1 failed\n' });
    const stale = await summary(report({ startTime: STARTED - 60_000 }));
    expect(stale).toMatchObject({ code: 1, out: '0 passed, 1 failed\n' });
    expect(stale.err).toMatch(/earlier run/);
  });

  it('fails a file that could not load, a run with no tests, and an unhandled error', async () => {
    expect(await summary(report({ numFailedTestSuites: 1, success: false }), 1)).toMatchObject({ code: 1, out: '10 passed, 1 failed\n' });
    expect(await summary(report({ numTotalTests: 0, numPassedTests: 0 }))).toMatchObject({ code: 1, out: '0 passed, 1 failed\n' });
    const unhandled = await summary(report({}), 1);
    expect(unhandled).toMatchObject({ code: 1, out: '10 passed, 1 failed\n' });
    expect(unhandled.err).toMatch(/vitest exited 1 with no failed test/);
  });

  it('counts a failed npm run check', async () => {
    expect(await summary(report({}), 0, 1)).toMatchObject({ code: 1, out: '10 passed, 1 failed\n' });
  });
});
