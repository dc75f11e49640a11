import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addEvent, addLk, addTraining, addUsage, addWebinar, importAll } from './fixtures.js';

let t: TestEnv;
let remote: number;

beforeAll(async () => {
  t = await createTestEnv();
  const dep = await addDepartment(t.app.pool, 'Специалисты Дятлова Д._502');
  remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.', role: 'remote', departmentId: dep });
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

/** Score `week` on the Monday after it at 07:00, with every source freshly imported. */
async function scoreOn(week: string, monday: string) {
  setClock(new Date(`${monday}T07:00:00+03:00`));
  await importAll(t.app.pool, `${monday}T03:00:00Z`);
  return executeRun(t.app, riskScore, { period: week, trigger: 'admin', force: true });
}

async function tasksOf(clientId: number) {
  const { rows } = await t.app.pool.query(`SELECT * FROM tasks WHERE client_id = $1 AND kind = 'risk-review' ORDER BY id`, [clientId]);
  return rows;
}

async function scoreRow(clientId: number, week: string) {
  return (await t.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1 AND week = $2', [clientId, week])).rows[0];
}

describe('risk-review tasks', () => {
  let c: number;

  it('creates one task for the remote specialist on entering high risk, with the reasons', async () => {
    c = await addClient(t.app.pool, { number: 205749, name: 'ПЖКОМ', remoteId: remote });
    await scoreOn('2024-W22', '2024-06-03');
    const [task, ...more] = await tasksOf(c);
    expect(more).toHaveLength(0);
    expect(task).toMatchObject({ assignee_id: remote, state: 'open', direction: 'remote_contact', dedup_key: `risk-review.${c}.2024-W22` });
    expect(task.title).toMatch(
      /^Клиент в зоне «высокий риск» \(индикатор 0,50\): нет пользователей системы среди контактных лиц; 0 обращений в ЛК за 3 мес\.;/,
    );
    expect(task.title).toContain('0 вебинаров за 6 мес.');
    expect(task.payload).toEqual({
      week: '2024-W22',
      indicator: 0.5,
      zone: 'high',
      categories: ['low_activity'],
      high: ['training', 'lk', 'lprContact', 'logins', 'webinars'],
    });
    // The task is due in 5 working days, at the end of the working day.
    expect(task.due_at).toEqual(new Date('2024-06-10T18:00:00+03:00'));
  });

  it('creates no second task while one is open, and puts a client high two weeks running in the red zone', async () => {
    await scoreOn('2024-W22', '2024-06-03');
    const w23 = await scoreOn('2024-W23', '2024-06-10');
    expect(await tasksOf(c)).toHaveLength(1);
    expect(w23.stats.tasks).toMatchObject({ created: 0, closedRecovered: 0 });
    const r = await scoreRow(c, '2024-W23');
    expect(r.categories).toEqual(['red_zone', 'low_activity']);
    expect(r.indicator_delta).toBe(0);
  });

  it('waits 4 weeks after a task was closed before creating another', async () => {
    setClock(new Date('2024-06-10T09:00:00+03:00'));
    await t.app.pool.query(
      `UPDATE tasks SET state = 'done', outcome = 'contacted', closed_at = '2024-06-10T09:00:00+03:00' WHERE client_id = $1`,
      [c],
    );
    await scoreOn('2024-W24', '2024-06-17');
    await scoreOn('2024-W27', '2024-07-08'); // 27 days 22 hours after closing
    expect(await tasksOf(c)).toHaveLength(1);
    await scoreOn('2024-W28', '2024-07-15');
    const tasks = await tasksOf(c);
    expect(tasks).toHaveLength(2);
    expect(tasks[1]).toMatchObject({ state: 'open', dedup_key: `risk-review.${c}.2024-W28` });
  });

  it('closes the open task as recovered when the client is back to no threat', async () => {
    const user = await addContact(t.app.pool, { clientId: c, fullName: 'Пользова П.П.', isSystemUser: true, isLpr: true });
    await addTraining(t.app.pool, c, '2024-07-01', { contactId: user, name: 'Пользова П.П.' });
    for (const d of ['2024-07-01', '2024-07-05']) {
      await addLk(t.app.pool, c, d);
      await addWebinar(t.app.pool, c, d, d);
      await addEvent(t.app.pool, c, { contactId: user, at: `${d}T12:00:00+03:00` });
    }
    for (const w of ['2024-07-01', '2024-07-08', '2024-07-15']) await addUsage(t.app.pool, c, w, 5);
    const run = await scoreOn('2024-W29', '2024-07-22');
    expect(run.stats.tasks).toMatchObject({ closedRecovered: 1 });
    expect((await scoreRow(c, '2024-W29')).zone).toBe('none');
    const tasks = await tasksOf(c);
    expect(tasks[1]).toMatchObject({ state: 'done', outcome: 'recovered' });
    expect(tasks[1].note).toMatch(/Закрыто автоматически: клиент вернулся в зону «нет угрозы», неделя 29 \(15\.07–21\.07\.2024\)/);
    expect(tasks[1].closed_at).toBeInstanceOf(Date);
  });

  it('leaves tasks alone when an older week is scored again', async () => {
    const run = await scoreOn('2024-W22', '2024-07-22');
    expect(run.stats.tasks).toBe('not the newest week');
    expect((await tasksOf(c)).filter((x) => x.state === 'open')).toHaveLength(0);
  });
});
