import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { catchUp } from '../../src/queue/reconcile.js';
import { Scheduler } from '../../src/queue/scheduler.js';
import { JobWorkers } from '../../src/queue/worker.js';
import { countJob, createEffectTables } from '../fixtures/jobs.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { sleep, waitFor } from '../helpers/wait.js';

const jobs = [countJob];

describe('scheduler', () => {
  let t: TestEnv;
  let workers: JobWorkers | null = null;
  const schedulers: Scheduler[] = [];

  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    schedulers.length = 0;
    await workers?.close(5000);
    workers = null;
    setClock(null);
  });
  afterAll(() => t?.close());

  async function runs() {
    const { rows } = await t.app.pool.query(
      `SELECT period, trigger, state, attempts FROM job_runs WHERE job = 'test-count' ORDER BY period`,
    );
    return rows;
  }

  describe('three instances ticking every second', () => {
    beforeAll(async () => {
      t = await createTestEnv({ overrides: { schedules: { 'test-count': '* * * * * *' } } });
      await createEffectTables(t.app.pool);
    });

    it('yield one run for the period', async () => {
      workers = new JobWorkers(t.app, jobs);
      workers.start();
      for (let i = 0; i < 3; i++) {
        const s = new Scheduler(t.newApp(), jobs);
        schedulers.push(s);
        await s.start();
      }
      await sleep(2500);
      await Promise.all(schedulers.map((s) => s.stop()));
      await waitFor('the run to complete', async () => (await runs())[0]?.state === 'completed');
      const all = await runs();
      expect(all).toHaveLength(1);
      expect(all[0].attempts).toBe(1);
      const { rows } = await t.app.pool.query(`SELECT count(*)::int n FROM test_effects`);
      expect(rows[0].n).toBe(1);
      const counts = await t.app.queues.get('test-count').getJobCounts('completed', 'waiting', 'delayed', 'active');
      expect(counts).toMatchObject({ completed: 1, waiting: 0, delayed: 0, active: 0 });
    });
  });

  describe('catch-up of a missed monthly run', () => {
    beforeAll(async () => {
      await t.close();
      t = await createTestEnv({ overrides: { schedules: { 'test-count': '0 10 1 * *' } } });
      await createEffectTables(t.app.pool);
    });

    it('runs a month missed while down exactly once, and not again after a restart', async () => {
      // Down on 1 June 10:00 MSK; back on 5 June.
      setClock(new Date('2024-06-05T12:00:00+03:00'));
      workers = new JobWorkers(t.app, jobs);
      workers.start();
      const first = new Scheduler(t.newApp(), jobs);
      schedulers.push(first);
      await first.start();
      await waitFor('the catch-up run', async () => (await runs())[0]?.state === 'completed');
      await first.stop();

      // A restart, and a few more reconcile passes.
      const second = new Scheduler(t.newApp(), jobs);
      schedulers.push(second);
      await second.start();
      await second.reconcileNow();
      await catchUp(t.app, jobs);
      await sleep(500);
      expect(await runs()).toEqual([{ period: '2024-06', trigger: 'catch-up', state: 'completed', attempts: 1 }]);
      const counts = await t.app.queues.get('test-count').getJobCounts('completed', 'waiting', 'delayed');
      expect(counts).toMatchObject({ completed: 1, waiting: 0, delayed: 0 });

      // A month later the next missed period runs, once.
      setClock(new Date('2024-07-03T09:00:00+03:00'));
      await second.reconcileNow();
      await second.reconcileNow();
      await waitFor('the July run', async () => (await runs()).length === 2 && (await runs())[1].state === 'completed');
      expect((await runs()).map((r) => r.period)).toEqual(['2024-06', '2024-07']);
    });

    it('does not catch up before the first tick of a period is due', async () => {
      // 1 August 09:59 MSK: July's run is complete and August's tick is still a minute away.
      setClock(new Date('2024-08-01T09:59:00+03:00'));
      const res = await catchUp(t.app, jobs);
      expect(res).toEqual([]);
      expect((await runs()).map((r) => r.period)).toEqual(['2024-06', '2024-07']);
    });
  });
});
