/**
 * The planner after a job that creates work runs when the run changed the open work — created
 * or closed a task — and not after a run that changed nothing (every quarter of an hour,
 * delivery-check re-planned a whole RIC for nothing). Work that came from elsewhere meanwhile
 * waits for the next run that changes work, the morning plan, or the diary's own planning.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { insertTasks, openWorkSignature } from '../../src/db/tasks.js';
import type { PeriodicJob } from '../../src/jobs/types.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let remote: number;
let client: number;

beforeAll(async () => {
  t = await createTestEnv();
  remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.' });
  client = await addClient(t.app.pool, { remoteId: remote });
});
afterAll(() => t.close());

const task = (key: string) => ({
  kind: 'risk-review',
  title: 'Разобрать риск',
  assigneeId: remote,
  clientId: client,
  dueAt: new Date('2024-06-10T15:00:00Z'),
  dedupKey: key,
  createdBy: 'test',
});

/** A job that creates work: a task when asked, else nothing. */
function job(create: string | null): PeriodicJob<Record<string, never>> {
  return {
    kind: 'periodic',
    createsWork: true,
    name: 'test-creates-work',
    description: 'test',
    periodKind: 'day',
    options: z.strictObject({}),
    async run({ app }) {
      if (create) await insertTasks(app.pool, [task(create)], new Date('2024-06-03T07:00:00Z'));
      return {};
    },
  };
}

const visitOf = async (key: string) =>
  (await t.app.pool.query<{ visit_id: number | null }>('SELECT visit_id FROM tasks WHERE dedup_key = $1', [key])).rows[0]?.visit_id ?? null;

describe('the planner after a job', () => {
  it('the open work’s signature changes with a task created or closed, and only then', async () => {
    const db = t.app.pool;
    const a = await openWorkSignature(db);
    expect(await openWorkSignature(db)).toBe(a);
    const ids = await insertTasks(db, [task('sig.1')], new Date());
    const b = await openWorkSignature(db);
    expect(b).not.toBe(a);
    await db.query(`UPDATE tasks SET state = 'done', closed_at = now() WHERE id = $1`, [ids.get('sig.1')]);
    const c = await openWorkSignature(db);
    expect(c).not.toBe(b);
    // One closed and one created: still a change.
    await insertTasks(db, [task('sig.2')], new Date());
    await db.query(`UPDATE tasks SET state = 'cancelled', closed_at = now() WHERE dedup_key = 'sig.2'`);
    await insertTasks(db, [task('sig.3')], new Date());
    expect(await openWorkSignature(db)).not.toBe(c);
    await db.query(`UPDATE tasks SET state = 'cancelled', closed_at = now() WHERE dedup_key LIKE 'sig.%'`);
  });

  it('plans after a run that created a task, not after one that changed nothing', async () => {
    // A task from elsewhere (not a job): the run that changes nothing leaves it for the morning plan.
    await insertTasks(t.app.pool, [task('elsewhere')], new Date('2024-06-03T06:00:00Z'));
    await executeRun(t.app, job(null), { period: '2024-06-03', trigger: 'admin' });
    expect(await visitOf('elsewhere')).toBeNull();
    // A run that creates work: the planner places both.
    await executeRun(t.app, job('from-job'), { period: '2024-06-04', trigger: 'admin' });
    expect(await visitOf('from-job')).not.toBeNull();
    expect(await visitOf('elsewhere')).toBe(await visitOf('from-job'));
  });
});
