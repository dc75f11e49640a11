import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { setClock } from '../../src/clock.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { periodForFire } from '../../src/queue/schedules.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addEvent, addImport, addLk, addTraining, addUsage, addWebinar, importAll } from './fixtures.js';

let t: TestEnv;
let remote: number;
let field: number;
const MONDAY = new Date('2024-06-03T07:00:00+03:00');

beforeAll(async () => {
  t = await createTestEnv();
  const dep = await addDepartment(t.app.pool, 'Специалисты Мельникова Ю._502');
  remote = await addEmployee(t.app.pool, { name: 'Савостина К.А.', role: 'remote', departmentId: dep });
  const fieldDep = await addDepartment(t.app.pool, 'Специалисты Тихоненко_502');
  field = await addEmployee(t.app.pool, { name: 'Нелина А.Ю.', role: 'field', departmentId: fieldDep });
  setClock(MONDAY);
  await importAll(t.app.pool, '2024-06-02T20:00:00Z');
});
afterEach(() => setClock(MONDAY));
afterAll(async () => {
  setClock(null);
  await t.close();
});

const score = (period: string, force = true) => executeRun(t.app, riskScore, { period, trigger: 'admin', force });

async function row(clientId: number, week: string) {
  const { rows } = await t.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1 AND week = $2', [clientId, week]);
  return rows[0];
}

/** Logins in each of the `n` weeks ending with the week starting `lastMonday`. */
async function weeklyLogins(clientId: number, lastMonday: string, perWeek: number[]) {
  for (let i = 0; i < perWeek.length; i++) {
    const d = new Date(`${lastMonday}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - 7 * i);
    await addUsage(t.app.pool, clientId, d.toISOString().slice(0, 10), perWeek[i] as number);
  }
}

describe('risk-score job', () => {
  it('fires on Monday 07:00 for the ISO week just ended', () => {
    expect(periodForFire(t.app, riskScore, MONDAY)).toBe('2024-W22');
  });

  it('scores each component with windows ending on the last day of the week, and reasons in Russian', async () => {
    const c = await addClient(t.app.pool, { number: 193254, name: 'Ветстанция', category: 'B', remoteId: remote, fieldId: field });
    const lpr = await addContact(t.app.pool, { clientId: c, fullName: 'Директоров Д.Д.', isLpr: true });
    const user = await addContact(t.app.pool, { clientId: c, fullName: 'Бухгалтерова Б.Б.', isSystemUser: true });
    await addContact(t.app.pool, { clientId: c, fullName: 'Юристов Ю.Ю.', isSystemUser: true });
    // Training: by contact id, valid (within 2 years of 2024-06-02): 1 of 2 users = 50 % = the B norm.
    await addTraining(t.app.pool, c, '2022-06-03', { contactId: user, name: 'Бухгалтерова Б.Б.' });
    // ЛК: 3 March is inside (2 March excluded), 3 June after the week: one request.
    await addLk(t.app.pool, c, '2024-03-02');
    await addLk(t.app.pool, c, '2024-03-03');
    await addLk(t.app.pool, c, '2024-06-03');
    // ЛПР: Sunday 23:30 Moscow counts, Monday 00:10 does not; a planned call does not.
    await addEvent(t.app.pool, c, { contactId: lpr, at: '2024-06-02T23:30:00+03:00' });
    await addEvent(t.app.pool, c, { contactId: lpr, at: '2024-06-03T00:10:00+03:00' });
    await addEvent(t.app.pool, c, { contactId: lpr, at: '2024-05-20T10:00:00+03:00', outcome: 'planned' });
    // Webinars: 2 in 6 months, the same webinar twice counts once.
    await addWebinar(t.app.pool, c, '2024-01-10', 'НДФЛ');
    await addWebinar(t.app.pool, c, '2024-01-10', 'НДФЛ');
    await addWebinar(t.app.pool, c, '2024-05-15', 'Охрана труда');
    // Logins in 1 of the last 4 weeks.
    await weeklyLogins(c, '2024-05-27', [3, 0, 0, 0]);
    const gone = await addClient(t.app.pool, { state: 'disconnected' });

    const run = await score('2024-W22');
    expect(run.status).toBe('completed');
    const r = await row(c, '2024-W22');
    expect(r).toMatchObject({
      week_end: '2024-06-02',
      training: 0.2,
      training_reason: 'обучено 1 из 2 пользователей за 2 года (норма 50 %)',
      lk: 0.3,
      lk_reason: '1 обращение в ЛК за 3 мес.',
      lpr_contact: 0.3,
      lpr_contact_reason: '1 контакт с ЛПР за 3 мес.',
      logins: 0.3,
      logins_reason: 'входы в 1 из 4 нед. (3 входа)',
      webinars: 0.2,
      webinars_reason: '2 вебинара за 6 мес.',
      indicator: 0.26,
      zone: 'none',
      stale_components: [],
    });
    expect(await row(gone, '2024-W22')).toBeUndefined();
  });

  it('shows what a run would do with trigger --dry-run, changing nothing', async () => {
    let out = '';
    const code = await runCli(
      ['trigger', 'risk-score', '--period', '2024-W21', '--dry-run', '--json'],
      { out: (s) => (out += s), err: () => {} },
      t.config,
    );
    expect(code).toBe(0);
    const res = JSON.parse(out);
    expect(res.plan).toMatchObject({ week: '2024-W21', stale: {} });
    expect(res.plan.clients).toBeGreaterThan(0);
    const { rows } = await t.app.pool.query(`SELECT count(*)::int AS n FROM risk_scores WHERE week = '2024-W21'`);
    expect(rows[0].n).toBe(0);
  });

  it('gives the same result when a past week is scored again after newer data arrived', async () => {
    const c = await addClient(t.app.pool, { remoteId: remote });
    await addContact(t.app.pool, { clientId: c, isSystemUser: true });
    await addLk(t.app.pool, c, '2024-05-01');
    await score('2024-W22');
    const before = await row(c, '2024-W22');
    // Later events and a later import do not change week 22.
    await addLk(t.app.pool, c, '2024-06-05');
    await addWebinar(t.app.pool, c, '2024-06-06');
    await weeklyLogins(c, '2024-06-03', [7]);
    await importAll(t.app.pool, '2024-06-10T08:00:00Z');
    setClock(new Date('2024-06-10T09:00:00+03:00'));
    await score('2024-W22');
    const after = await row(c, '2024-W22');
    const { computed_at: _a, ...b } = before;
    const { computed_at: _b, ...a } = after;
    expect(a).toEqual(b);
    expect(after.computed_at.getTime()).toBeGreaterThan(before.computed_at.getTime());
  });

  it('counts a training within 2 years matched by contact or by name, and none older', async () => {
    const c = await addClient(t.app.pool, { category: 'A' });
    const names = ['Первая А.А.', 'Вторая Б.Б.', 'Третья В.В.', 'Четвёртая Г.Г.', 'Пятая Д.Д.'];
    const ids = [];
    for (const n of names) ids.push(await addContact(t.app.pool, { clientId: c, fullName: n, isSystemUser: true }));
    await addTraining(t.app.pool, c, '2023-01-10', { contactId: ids[0], name: 'Первая А.А.' });
    await addTraining(t.app.pool, c, '2023-02-10', { name: 'ВТОРАЯ Б.Б.' }); // by name, case-insensitive
    await addTraining(t.app.pool, c, '2024-04-10', { name: 'Третья В.В.' });
    await addTraining(t.app.pool, c, '2022-06-02', { name: 'Четвёртая Г.Г.' }); // exactly 2 years before: expired
    await addTraining(t.app.pool, c, '2024-04-10', { name: 'Посторонний Е.Е.' }); // not a system user
    await score('2024-W22');
    expect(await row(c, '2024-W22')).toMatchObject({
      training: 0.5,
      training_reason: 'обучено 3 из 5 пользователей за 2 года (норма 80 %)',
    });
    await addTraining(t.app.pool, c, '2022-06-03', { name: 'Четвёртая Г.Г.' });
    await score('2024-W22');
    expect((await row(c, '2024-W22')).training).toBe(0.2);
  });

  it('shows never-imported and stale sources as н/д, leaves them out of the indicator, and the report says so', async () => {
    const t2 = await createTestEnv();
    try {
      const c = await addClient(t2.app.pool, { number: 204036, name: 'БЗМИ ООО' });
      await addContact(t2.app.pool, { clientId: c, isSystemUser: true, isLpr: true });
      await importAll(t2.app.pool, '2024-06-01T10:00:00Z', ['webinars', 'lk-requests']);
      await addImport(t2.app.pool, 'lk-requests', '2024-03-01T10:00:00Z'); // older than 45 days
      const run = await executeRun(t2.app, riskScore, { period: '2024-W22', trigger: 'admin' });
      expect(run.stats.stale).toEqual({
        lk: 'н/д: «Запросы в ЛК» загружено 01.03.2024',
        webinars: 'н/д: «Посещение вебинаров» не загружалось',
      });
      const { rows } = await t2.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1', [c]);
      // training 0.5 (nobody trained), ЛПР 0.5, logins 0.5: mean of the three available.
      expect(rows[0]).toMatchObject({ lk: null, webinars: null, indicator: 0.5, stale_components: ['lk', 'webinars'] });
      let out = '';
      const code = await runCli(['report', 'deviations', '--week', '2024-W22'], { out: (s) => (out += s), err: () => {} }, t2.config);
      expect(code).toBe(0);
      expect(out).toMatch(/204036 - БЗМИ ООО\s+0,50\s+н\/д\s+0,50\s+0,50\s+н\/д\s+0,50/);
      expect(out).toContain(
        'н/д «Использование ЛК (-)» (1 кл.): нет свежих данных — «Запросы в ЛК» загружено 01.03.2024; в индикатор не входит.',
      );
      expect(out).toContain('н/д «Посещение семинаров (-)» (1 кл.): нет свежих данных — «Посещение вебинаров» не загружалось');
    } finally {
      await t2.close();
    }
  });

  it('treats contacts recorded in churnguard as a live source of the ЛПР component', async () => {
    const t2 = await createTestEnv();
    try {
      const c = await addClient(t2.app.pool, {});
      const lpr = await addContact(t2.app.pool, { clientId: c, isLpr: true });
      await importAll(t2.app.pool, '2024-06-01T10:00:00Z', ['contact-events']);
      await executeRun(t2.app, riskScore, { period: '2024-W22', trigger: 'admin' });
      expect((await t2.app.pool.query('SELECT lpr_contact FROM risk_scores')).rows[0].lpr_contact).toBeNull();
      // A call recorded here (task outcome, no import) within the limit makes it fresh.
      await addEvent(t2.app.pool, c, { contactId: lpr, at: '2024-05-30T11:00:00+03:00' });
      await executeRun(t2.app, riskScore, { period: '2024-W22', trigger: 'admin', force: true });
      expect((await t2.app.pool.query('SELECT lpr_contact FROM risk_scores')).rows[0].lpr_contact).toBe(0.3);
    } finally {
      await t2.close();
    }
  });
});
