import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { countJob, createEffectTables, flakyJob } from '../fixtures/jobs.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { queueCounts, waitFor } from '../helpers/wait.js';

let t: TestEnv;
let workers: JobWorkers | null = null;

beforeAll(async () => {
  t = await createTestEnv();
  await createEffectTables(t.app.pool);
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(() => t.close());

async function runRow(job: string, period: string) {
  const { rows } = await t.app.pool.query('SELECT * FROM job_runs WHERE job = $1 AND period = $2', [job, period]);
  return rows;
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await t.app.pool.query(sql, params);
  return Number(rows[0].n);
}

describe('period claims', () => {
  it('makes one run of ten concurrent triggers of one period', async () => {
    workers = new JobWorkers(t.app, [countJob]);
    workers.start();
    const results = await Promise.all(Array.from({ length: 10 }, () => enqueueRun(t.app, countJob, '2024-06', 'admin')));
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(['test-count.2024-06']));
    await waitFor('the run to complete', async () => (await runRow('test-count', '2024-06'))[0]?.state === 'completed');
    await queueCounts(t.app.queues.get('test-count'), { completed: 1, waiting: 0, active: 0, delayed: 0 });
    expect(await runRow('test-count', '2024-06')).toHaveLength(1);
    expect(await count(`SELECT count(*) n FROM test_effects WHERE job = 'test-count' AND period = '2024-06'`, [])).toBe(1);
    expect(await count(`SELECT count(*) n FROM test_attempts WHERE job = 'test-count' AND period = '2024-06'`, [])).toBe(1);
  });

  it('makes one run of ten concurrent admin-script triggers', async () => {
    workers = new JobWorkers(t.app, [housekeeping]);
    workers.start();
    const io = { out: () => {}, err: () => {} };
    const codes = await Promise.all(
      Array.from({ length: 10 }, () => runCli(['trigger', 'housekeeping', '--period', '2024-06-03T1015'], io, t.config)),
    );
    expect(codes).toEqual(Array(10).fill(0));
    await waitFor('the run to complete', async () => (await runRow('housekeeping', '2024-06-03T1015'))[0]?.state === 'completed');
    const [run] = await runRow('housekeeping', '2024-06-03T1015');
    expect(run.attempts).toBe(1);
    expect(run.trigger).toBe('admin');
  });

  it('lets exactly one of ten concurrent inline runs do the work', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => executeRun(t.app, countJob, { period: '2024-07', trigger: 'admin' })),
    );
    expect(outcomes.filter((o) => o.status === 'completed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(9);
    expect(await count(`SELECT count(*) n FROM test_attempts WHERE period = '2024-07'`, [])).toBe(1);
  });

  it('runs a completed period again only when forced', async () => {
    const again = await executeRun(t.app, countJob, { period: '2024-07', trigger: 'admin' });
    expect(again).toMatchObject({ status: 'skipped', reason: 'period already completed' });
    const forced = await executeRun(t.app, countJob, { period: '2024-07', trigger: 'admin', force: true });
    expect(forced.status).toBe('completed');
    const [run] = await runRow('test-count', '2024-07');
    expect(run.attempts).toBe(2);
    // The job's own idempotency key still holds: one effect.
    expect(await count(`SELECT count(*) n FROM test_effects WHERE period = '2024-07'`, [])).toBe(1);
  });

  it('rejects bad options before claiming anything', async () => {
    await expect(executeRun(t.app, flakyJob, { period: '2024-08', trigger: 'admin', options: { failTimes: -1 } })).rejects.toThrow(
      /test-flaky: invalid options: failTimes/,
    );
    expect(await runRow('test-flaky', '2024-08')).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries a throwing job with exponential backoff and records each failure', async () => {
    workers = new JobWorkers(t.app, [flakyJob]);
    workers.start();
    await enqueueRun(t.app, flakyJob, '2024-09', 'admin', { options: { failTimes: 2 } });
    await waitFor('the run to complete', async () => (await runRow('test-flaky', '2024-09'))[0]?.state === 'completed');
    const { rows } = await t.app.pool.query(
      `SELECT attempt, at FROM test_attempts WHERE job = 'test-flaky' AND period = '2024-09' ORDER BY at`,
    );
    expect(rows.map((r) => r.attempt)).toEqual([0, 1, 2]);
    const gaps = [rows[1].at - rows[0].at, rows[2].at - rows[1].at];
    // backoffMs 200 in tests: 200 ms, then 400 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    const [run] = await runRow('test-flaky', '2024-09');
    expect(run).toMatchObject({ state: 'completed', attempts: 3, error: null });
    expect(run.stats).toEqual({ succeededOnAttempt: 3 });
  });

  it('keeps a job that fails every attempt as failed, with its error', async () => {
    workers = new JobWorkers(t.app, [flakyJob]);
    workers.start();
    await enqueueRun(t.app, flakyJob, '2024-10', 'admin', { options: { failTimes: 99 } });
    const queue = t.app.queues.get('test-flaky');
    await waitFor('the job to fail for good', async () => (await queue.getJobCounts('failed')).failed === 1, 30_000);
    const [job] = await queue.getFailed();
    expect(job?.attemptsMade).toBe(t.config.queues.attempts);
    const [run] = await runRow('test-flaky', '2024-10');
    expect(run.state).toBe('failed');
    expect(run.attempts).toBe(t.config.queues.attempts);
    expect(run.error).toBe(`planned failure on attempt ${t.config.queues.attempts}`);
  });
});
