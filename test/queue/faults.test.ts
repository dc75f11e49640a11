/** Fault tests: worker processes killed for real. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { createEffectTables, slowJob } from '../fixtures/jobs.js';
import { createTestEnv, STALL_OVERRIDES, type TestEnv } from '../helpers/env.js';
import { killAll, spawnNode } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

let t: TestEnv;

beforeAll(async () => {
  // About stalls: a killed worker's job comes back after the (short) stall detection and lease.
  t = await createTestEnv({ overrides: STALL_OVERRIDES });
  await createEffectTables(t.app.pool);
});
afterEach(killAll);
afterAll(() => t.close());

function startWorker() {
  return spawnNode('test/fixtures/service.ts', [], { ...t.env, ROLES: 'worker' });
}

async function attempts(period: string) {
  const { rows } = await t.app.pool.query(`SELECT pid FROM test_attempts WHERE job = 'test-slow' AND period = $1 ORDER BY at`, [period]);
  return rows.map((r) => r.pid as number);
}

async function run(period: string) {
  const { rows } = await t.app.pool.query(`SELECT * FROM job_runs WHERE job = 'test-slow' AND period = $1`, [period]);
  return rows[0];
}

async function effects(period: string): Promise<number> {
  const { rows } = await t.app.pool.query(`SELECT count(*)::int n FROM test_effects WHERE job = 'test-slow' AND period = $1`, [period]);
  return rows[0].n;
}

describe('worker processes', () => {
  it('finishes a job exactly once after its worker is killed with SIGKILL mid-job', async () => {
    const first = startWorker();
    await first.waitForOutput(/fixture service ready/);
    await enqueueRun(t.app, slowJob, '2024-06-03', 'admin', { options: { ms: 4000 } });
    await waitFor('the first worker to start the job', async () => (await attempts('2024-06-03')).length === 1);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect((await run('2024-06-03')).state).toBe('running');
    expect(await effects('2024-06-03')).toBe(0);

    const second = startWorker();
    await waitFor('the run to complete on the new worker', async () => (await run('2024-06-03'))?.state === 'completed', 40_000);
    const pids = await attempts('2024-06-03');
    expect(pids).toEqual([first.proc.pid, second.proc.pid]);
    expect(await effects('2024-06-03')).toBe(1);
    const r = await run('2024-06-03');
    expect(r.attempts).toBe(2);
    expect(r.stats).toEqual({ effects: 1, pid: second.proc.pid });
    // The run is completed in PostgreSQL inside the job, before BullMQ moves the job: wait for that move.
    const queue = t.app.queues.get('test-slow');
    await waitFor('the job to be completed in the queue', async () => (await queue.getJobState('test-slow.2024-06-03')) === 'completed');
  });

  it('lets the active job finish on SIGTERM, then exits 0', async () => {
    const w = startWorker();
    await w.waitForOutput(/fixture service ready/);
    await enqueueRun(t.app, slowJob, '2024-06-04', 'admin', { options: { ms: 2500 } });
    await waitFor('the worker to start the job', async () => (await attempts('2024-06-04')).length === 1);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect((await run('2024-06-04')).state).toBe('completed');
    expect(await effects('2024-06-04')).toBe(1);
    expect(await attempts('2024-06-04')).toEqual([w.proc.pid]);
  });
});
