import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { catchUp } from '../../src/queue/reconcile.js';
import { Scheduler } from '../../src/queue/scheduler.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { countJob, createEffectTables } from '../fixtures/jobs.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { queueCounts, waitFor } from '../helpers/wait.js';

const jobs = [countJob];

/**
 * Each test builds its own world (a fresh database and queue prefix) and the runs it starts
 * from, so the tests pass alone and in any order.
 */
describe('scheduler', () => {
  let t: TestEnv | undefined;
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

  /** A fresh world whose test job runs on `schedule`. */
  async function world(schedule: string): Promise<TestEnv> {
    await t?.close();
    t = await createTestEnv({ overrides: { schedules: { 'test-count': schedule } } });
    await createEffectTables(t.app.pool);
    return t;
  }

  async function runs() {
    const { rows } = await (t as TestEnv).app.pool.query(
      `SELECT period, trigger, state, attempts FROM job_runs WHERE job = 'test-count' ORDER BY period`,
    );
    return rows;
  }

  describe('three instances ticking every second', () => {
    /** A scheduler that counts its cron ticks. */
    class CountingScheduler extends Scheduler {
      ticks = 0;
      override async tick(...args: Parameters<Scheduler['tick']>) {
        const res = await super.tick(...args);
        this.ticks++;
        return res;
      }
    }

    it('yield one run for the period, queued by a cron tick', async () => {
      const t = await world('* * * * * *');
      // Pinned in June, which is already done: the catch-up at start finds nothing to queue.
      setClock(new Date('2024-06-15T12:00:00+03:00'), { frozen: true });
      await executeRun(t.app, countJob, { period: '2024-06', trigger: 'admin' });
      workers = new JobWorkers(t.app, jobs);
      workers.start();
      const mine: CountingScheduler[] = [];
      for (let i = 0; i < 3; i++) {
        const s = new CountingScheduler(t.newApp(), jobs);
        schedulers.push(s);
        mine.push(s);
        await s.start();
      }
      expect(await catchUp(t.app, jobs)).toEqual([]);
      // July from now on: only a tick can queue its run; the catch-up runs again only in five minutes.
      const ticksBefore = mine.map((s) => s.ticks);
      setClock(new Date('2024-07-01T10:00:00+03:00'), { frozen: true });
      await waitFor('two more ticks on every scheduler', () => mine.every((s, i) => s.ticks >= (ticksBefore[i] ?? 0) + 2), 20_000);
      await Promise.all(schedulers.map((s) => s.stop()));
      await waitFor('the July run to complete', async () => (await runs()).find((r) => r.period === '2024-07')?.state === 'completed');
      expect(await runs()).toEqual([
        { period: '2024-06', trigger: 'admin', state: 'completed', attempts: 1 },
        { period: '2024-07', trigger: 'schedule', state: 'completed', attempts: 1 },
      ]);
      const { rows } = await t.app.pool.query(`SELECT period FROM test_effects ORDER BY period`);
      expect(rows.map((r) => r.period)).toEqual(['2024-06', '2024-07']);
      const july = await t.app.queues.get('test-count').getJob('test-count.2024-07');
      expect(july?.data).toMatchObject({ period: '2024-07', trigger: 'schedule' });
      await queueCounts(t.app.queues.get('test-count'), { waiting: 0, delayed: 0, active: 0 });
    });
  });

  describe('catch-up of a missed monthly run', () => {
    it('runs a month missed while down exactly once, and not again after a restart', async () => {
      const t = await world('0 10 1 * *');
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
      expect(await catchUp(t.app, jobs)).toEqual([]);
      expect(await runs()).toEqual([{ period: '2024-06', trigger: 'catch-up', state: 'completed', attempts: 1 }]);
      await queueCounts(t.app.queues.get('test-count'), { completed: 1, waiting: 0, delayed: 0, active: 0 });

      // A month later the next missed period runs, once.
      setClock(new Date('2024-07-03T09:00:00+03:00'));
      await second.reconcileNow();
      await second.reconcileNow();
      await waitFor('the July run', async () => (await runs()).length === 2 && (await runs())[1].state === 'completed');
      expect((await runs()).map((r) => r.period)).toEqual(['2024-06', '2024-07']);
    });

    it('after downtime over several periods runs only the latest one, once; the older ones are left to the admin', async () => {
      // July was the last run; down from before 1 August until 20 October: August, September and
      // October were missed. The policy (README, Operations; src/queue/reconcile.ts): catch up the
      // latest due period only.
      const t = await world('0 10 1 * *');
      for (const period of ['2024-06', '2024-07']) {
        setClock(new Date(`${period}-03T09:00:00+03:00`));
        await executeRun(t.app, countJob, { period, trigger: 'catch-up' });
      }
      setClock(new Date('2024-10-20T12:00:00+03:00'), { frozen: true });
      workers = new JobWorkers(t.app, jobs);
      workers.start();
      const s = new Scheduler(t.newApp(), jobs);
      schedulers.push(s);
      await s.start();
      await waitFor('the October run', async () => (await runs()).find((r) => r.period === '2024-10')?.state === 'completed');
      await s.reconcileNow();
      expect(await catchUp(t.app, jobs)).toEqual([]);
      expect(await runs()).toEqual([
        { period: '2024-06', trigger: 'catch-up', state: 'completed', attempts: 1 },
        { period: '2024-07', trigger: 'catch-up', state: 'completed', attempts: 1 },
        { period: '2024-10', trigger: 'catch-up', state: 'completed', attempts: 1 },
      ]);
      await queueCounts(t.app.queues.get('test-count'), { waiting: 0, delayed: 0, active: 0 });
      // A missed older period runs when asked for.
      const august = await executeRun(t.app, countJob, { period: '2024-08', trigger: 'admin' });
      expect(august.status).toBe('completed');
    });

    it('does not catch up before the first tick of a period is due', async () => {
      // 1 November 09:59 MSK: October's run is complete and November's tick is still a minute away.
      const t = await world('0 10 1 * *');
      setClock(new Date('2024-10-20T12:00:00+03:00'));
      await executeRun(t.app, countJob, { period: '2024-10', trigger: 'catch-up' });
      setClock(new Date('2024-11-01T09:59:00+03:00'));
      const res = await catchUp(t.app, jobs);
      expect(res).toEqual([]);
      expect((await runs()).map((r) => r.period)).toEqual(['2024-10']);
    });
  });
});
