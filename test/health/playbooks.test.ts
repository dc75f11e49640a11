/**
 * Playbooks: each default rule turns a week's zone or category into its task for the remote
 * specialist, with risk-review's dedup, cooldown and auto-close; a rule can be switched off;
 * `explain` names the playbook behind a task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { now, setClock } from '../../src/clock.js';
import { withTransaction } from '../../src/db/pool.js';
import { applyPlaybooks } from '../../src/health/playbooks.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let remote: number;
const c = {} as Record<'dynamic' | 'advance' | 'advanceLater' | 'low' | 'retention' | 'healthy', number>;

async function score(clientId: number, week: string, weekEnd: string, zone: string, categories: string[] = []) {
  await t.app.pool.query(
    `INSERT INTO risk_scores (client_id, week, week_end, indicator, zone, categories, computed_at) VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (client_id, week) DO UPDATE SET zone = EXCLUDED.zone, categories = EXCLUDED.categories`,
    [clientId, week, weekEnd, zone === 'high' ? 0.4 : zone === 'dynamic' ? 0.32 : 0.22, zone, categories],
  );
}

const apply = (app: App, week: string) => withTransaction(app.pool, (db) => applyPlaybooks(app, db, week, now()));
const tasksOf = async (clientId: number) =>
  (await t.app.pool.query(`SELECT * FROM tasks WHERE client_id = $1 AND kind = 'playbook' ORDER BY id`, [clientId])).rows;

beforeAll(async () => {
  setClock(new Date('2024-06-03T07:00:00+03:00'));
  t = await createTestEnv();
  const dep = await addDepartment(t.app.pool, 'Дистанционный сервис 1_502');
  remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.', departmentId: dep });
  const add = (number: number, spec: Record<string, unknown> = {}) => addClient(t.app.pool, { number, remoteId: remote, ...spec });
  c.dynamic = await add(210001);
  c.advance = await add(210002, { state: 'primary_advance', connectedOn: '2024-03-01', primaryAdvanceUntil: '2024-06-20' });
  c.advanceLater = await add(210003, { state: 'primary_advance', connectedOn: '2024-03-01', primaryAdvanceUntil: '2024-09-20' });
  c.low = await add(210004);
  c.retention = await add(210005, { flags: ['retention'] });
  c.healthy = await add(210006);
  await score(c.dynamic, '2024-W22', '2024-06-02', 'dynamic');
  await score(c.advance, '2024-W22', '2024-06-02', 'none', ['new']);
  await score(c.advanceLater, '2024-W22', '2024-06-02', 'none', ['new']);
  await score(c.low, '2024-W22', '2024-06-02', 'none', ['low_activity']);
  await score(c.retention, '2024-W22', '2024-06-02', 'none', ['retention']);
  await score(c.healthy, '2024-W22', '2024-06-02', 'none');
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('default playbooks', () => {
  it('give each matching client its task, due after the rule’s working days', async () => {
    const res = await apply(t.app, '2024-W22');
    expect(res.created).toEqual({ 'dynamic-zone': 1, 'primary-advance': 1, 'low-activity': 1, retention: 1 });
    const [dyn] = await tasksOf(c.dynamic);
    expect(dyn).toMatchObject({
      title: 'Клиент в зоне динамического риска: проработать',
      assignee_id: remote,
      state: 'open',
      payload: { playbook: 'dynamic-zone' },
    });
    // Ten working days from Monday 3 June (12 June is a holiday): 18 June, end of the working day.
    expect(dyn.due_at).toEqual(new Date('2024-06-18T18:00:00+03:00'));
    expect((await tasksOf(c.advance))[0]).toMatchObject({ title: 'Вывод из первичного аванса', payload: { playbook: 'primary-advance' } });
    expect(await tasksOf(c.advanceLater)).toEqual([]);
    expect((await tasksOf(c.low))[0]).toMatchObject({ title: 'Предложить обучение', payload: { playbook: 'low-activity' } });
    expect((await tasksOf(c.retention))[0].payload.playbook).toBe('retention');
    expect(await tasksOf(c.healthy)).toEqual([]);
  });

  it('gives no second task while one is open, and `explain` names the playbook', async () => {
    const again = await apply(t.app, '2024-W22');
    expect(again.created).toEqual({});
    const res = await runCapturedCli(t.config, ['explain', '210004', '--json']);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out).openTasks).toEqual([
      expect.objectContaining({ kind: 'playbook', playbook: 'low-activity', title: 'Предложить обучение' }),
    ]);
  });

  it('closes a task as recovered when the client no longer matches, and keeps the cooldown after a closed one', async () => {
    setClock(new Date('2024-06-10T07:00:00+03:00'));
    await score(c.dynamic, '2024-W23', '2024-06-09', 'none');
    await score(c.low, '2024-W23', '2024-06-09', 'none', ['low_activity']);
    // The retention task was done by its specialist last week: no new one within the cooldown.
    await t.app.pool.query(
      `UPDATE tasks SET state = 'done', outcome = 'held', closed_at = now() WHERE client_id = $1 AND kind = 'playbook'`,
      [c.retention],
    );
    await score(c.retention, '2024-W23', '2024-06-09', 'none', ['retention']);
    const res = await apply(t.app, '2024-W23');
    expect(res.closedRecovered).toBe(1);
    expect(res.created).toEqual({});
    expect((await tasksOf(c.dynamic))[0]).toMatchObject({ state: 'done', outcome: 'recovered' });
    expect((await tasksOf(c.low))[0].state).toBe('open');
    expect(await tasksOf(c.retention)).toHaveLength(1);
  });

  it('a switched-off playbook creates nothing', async () => {
    const off = {
      ...t.app,
      config: {
        ...t.app.config,
        playbooks: { ...t.app.config.playbooks, 'dynamic-zone': { ...t.app.config.playbooks['dynamic-zone']!, enabled: false } },
      },
    } as App;
    const other = await addClient(t.app.pool, { number: 210007, remoteId: remote });
    await score(other, '2024-W23', '2024-06-09', 'dynamic');
    expect((await apply(off, '2024-W23')).created).toEqual({});
    expect(await tasksOf(other)).toEqual([]);
    expect((await apply(t.app, '2024-W23')).created).toEqual({ 'dynamic-zone': 1 });
  });
});
