import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { addEvent, addLk, addTraining, addUsage, addWebinar, importAll } from '../health/fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, writeTsv } from '../imports/helpers.js';

const WEEK = '2024-W27';
const HEADER = [
  'Описание',
  'Сотрудник (упр)',
  'Подразделе...',
  'Обучение (-)',
  'Использование ЛК (-)',
  'Контакт с ЛПР (-)',
  'Нет входов в систему (-)',
  'Посещение семинаров (-)',
  'Индикатор (-)',
];

interface World {
  t: TestEnv;
  sick: number;
  healthy: number;
}

/** A client with no data (churnguard: 0,50, high) and one doing everything (0,20, no threat). */
async function world(indicatorSource: 'crm-first' | 'computed'): Promise<World> {
  const t = await createTestEnv({ overrides: { risk: { indicatorSource } } });
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Специалисты Дятлова Д._502');
  const remote = await addEmployee(db, { name: 'Лукина Е.И.', role: 'remote', departmentId: dep });
  const sick = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: remote });
  const healthy = await addClient(db, { number: 205749, name: 'ПЖКОМ', remoteId: remote });
  const lpr = await addContact(db, { clientId: healthy, fullName: 'Директор Д.Д.', isLpr: true, isSystemUser: true });
  await addTraining(db, healthy, '2024-06-01', { contactId: lpr, name: 'Директор Д.Д.' });
  await addLk(db, healthy, '2024-06-10');
  await addLk(db, healthy, '2024-06-20');
  await addEvent(db, healthy, { contactId: lpr, at: '2024-06-15T10:00:00+03:00' });
  await addEvent(db, healthy, { contactId: lpr, at: '2024-06-25T10:00:00+03:00' });
  for (const monday of ['2024-06-10', '2024-06-17', '2024-06-24', '2024-07-01']) await addUsage(db, healthy, monday, 5);
  await addWebinar(db, healthy, '2024-05-01', 'НДФЛ');
  await addWebinar(db, healthy, '2024-06-01', 'Охрана труда');
  return { t, sick, healthy };
}

async function score(t: TestEnv) {
  setClock(new Date('2024-07-08T07:00:00+03:00'));
  await importAll(t.app.pool, '2024-07-08T03:00:00Z');
  const run = await executeRun(t.app, riskScore, { period: WEEK, trigger: 'admin', force: true });
  expect(run.status).toBe('completed');
}

async function importCrm(t: TestEnv, sick: string, healthy: string) {
  const path = writeTsv(t, `crm-${sick}-${healthy}.tsv`, [
    ['Фильтры'],
    HEADER,
    ['Итого: (2)', '', '', '0,70', '1,00', '1,00', '0,70', '1,00', '0,31'],
    ['204036 - БЗМИ ООО', 'Лукина Е.И.', 'Специалисты Дятлова Д._502', '0,50', '0,50', '0,50', '0,50', '0,50', sick],
    ['205749 - ПЖКОМ', 'Лукина Е.И.', 'Специалисты Дятлова Д._502', '0,20', '0,50', '0,50', '0,20', '0,50', healthy],
  ]);
  const res = await cli(t, 'import', 'deviations', path, '--week', WEEK);
  expect(res.code, res.err).toBe(0);
}

async function row(t: TestEnv, clientId: number) {
  const { rows } = await t.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1 AND week = $2', [clientId, WEEK]);
  return rows[0];
}

async function reviews(t: TestEnv, clientId: number) {
  const { rows } = await t.app.pool.query(`SELECT * FROM tasks WHERE client_id = $1 AND kind = 'risk-review' ORDER BY id`, [clientId]);
  return rows;
}

afterAll(() => setClock(null));

describe('risk.indicatorSource = crm-first (the default)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world('crm-first');
  });
  afterAll(async () => {
    await w.t.close();
  });

  it('re-evaluates a scored week when its CRM report arrives: zones and risk-review tasks follow the CRM value', async () => {
    const { t, sick, healthy } = w;
    await score(t);
    expect(await row(t, sick)).toMatchObject({ indicator: 0.5, zone: 'high', computed_indicator: 0.5, indicator_source: 'computed' });
    expect(await row(t, healthy)).toMatchObject({ indicator: 0.2, zone: 'none', indicator_source: 'computed' });
    expect((await reviews(t, sick)).map((r) => r.state)).toEqual(['open']);
    expect(await reviews(t, healthy)).toEqual([]);

    await importCrm(t, '0,25', '0,37');
    expect(await row(t, sick)).toMatchObject({
      indicator: 0.25,
      zone: 'none',
      computed_indicator: 0.5,
      computed_zone: 'high',
      crm_indicator: 0.25,
      indicator_source: 'crm',
    });
    expect(await row(t, healthy)).toMatchObject({
      indicator: 0.37,
      zone: 'high',
      computed_indicator: 0.2,
      crm_indicator: 0.37,
      indicator_source: 'crm',
    });
    // The same rules as the weekly run: back to no threat closes the task, entering high opens one.
    expect((await reviews(t, sick)).map((r) => [r.state, r.outcome])).toEqual([['done', 'recovered']]);
    const [task, ...more] = await reviews(t, healthy);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ state: 'open', dedup_key: `risk-review.${healthy}.${WEEK}` });
    expect(task.title).toMatch(/^Клиент в зоне «высокий риск» \(индикатор 0,37\)/);
  });

  it('keeps the CRM value when the week is scored again, with the same dedup (no second task)', async () => {
    const { t, healthy } = w;
    await score(t);
    expect(await row(t, healthy)).toMatchObject({ indicator: 0.37, zone: 'high', indicator_source: 'crm' });
    expect(await reviews(t, healthy)).toHaveLength(1);
  });

  it('explain shows both values side by side and names the source used; the deviations report too', async () => {
    const { t } = w;
    const res = await cli(t, 'explain', '205749', '--week', WEEK);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/Индикатор \(-\)\s+0,37\s+высокий риск/);
    expect(res.out).toMatch(/churnguard\s+0,20\s+нет угрозы/);
    expect(res.out).toMatch(/КИС\s+0,37\s+высокий риск/);
    expect(res.out).toContain('Источник: КИС (Фиксация отклонений)');
    // The components keep churnguard's reasons.
    expect(res.out).toContain('2 обращения в ЛК за 3 мес.');
    const json = JSON.parse((await cli(t, 'explain', '205749', '--week', WEEK, '--json')).out);
    expect(json).toMatchObject({ indicator: 0.37, computedIndicator: 0.2, crmIndicator: 0.37, source: 'crm' });
    const report = JSON.parse((await cli(t, 'report', 'deviations', '--week', WEEK, '--format', 'json')).out);
    const rows = report.sections[0].rows;
    expect(rows.find((r: { description: string }) => r.description.startsWith('205749'))).toMatchObject({
      indicator: 0.37,
      computed: 0.2,
      crm: 0.37,
      source: 'КИС',
    });
  });
});

describe('risk.indicatorSource = computed', () => {
  let w: World;
  beforeAll(async () => {
    w = await world('computed');
  });
  afterAll(async () => {
    await w.t.close();
  });

  it("stores the CRM value beside churnguard's, but zones and tasks follow churnguard's value", async () => {
    const { t, sick, healthy } = w;
    await score(t);
    await importCrm(t, '0,25', '0,37');
    expect(await row(t, sick)).toMatchObject({ indicator: 0.5, zone: 'high', crm_indicator: 0.25, indicator_source: 'computed' });
    expect(await row(t, healthy)).toMatchObject({ indicator: 0.2, zone: 'none', crm_indicator: 0.37, indicator_source: 'computed' });
    expect((await reviews(t, sick)).map((r) => r.state)).toEqual(['open']);
    expect(await reviews(t, healthy)).toEqual([]);
  });
});
