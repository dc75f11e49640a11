/**
 * Two unspliced series (issue 22, item 1): churnguard's indicator and the CRM's are each compared
 * with their own previous week. A CRM week between two computed weeks gives no change across the
 * switch and no «Красная зона» from mixed sources; the fallback is named on the rows using it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { clientIndicatorSeries } from '../../src/db/risk-scores.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { addEvent, addLk, addTraining, addUsage, addWebinar, importAll } from '../health/fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, writeTsv } from '../imports/helpers.js';

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
const FALLBACK = 'по расчёту churnguard: отчёта КИС за неделю нет';

let t: TestEnv;
let sick: number;
let healthy: number;

async function importCrm(week: string, rows: [string, string][]) {
  const path = writeTsv(t, `crm-${week}.tsv`, [
    ['Фильтры'],
    HEADER,
    [`Итого: (${rows.length})`, '', '', '', '', '', '', '', ''],
    ...rows.map(([client, indicator]) => [
      client,
      'Лукина Е.И.',
      'Специалисты Дятлова Д._502',
      '0,50',
      '0,50',
      '0,50',
      '0,50',
      '0,50',
      indicator,
    ]),
  ]);
  const res = await cli(t, 'import', 'deviations', path, '--week', week);
  expect(res.code, res.err).toBe(0);
}

async function row(clientId: number, week: string) {
  const { rows } = await t.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1 AND week = $2', [clientId, week]);
  return rows[0];
}

beforeAll(async () => {
  t = await createTestEnv({ overrides: { risk: { indicatorSource: 'crm-first' } } });
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Специалисты Дятлова Д._502');
  const remote = await addEmployee(db, { name: 'Лукина Е.И.', role: 'remote', departmentId: dep });
  // No data at all: churnguard says 0,50 (high) every week.
  sick = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: remote });
  // Everything done: churnguard says 0,20 (no threat) every week.
  healthy = await addClient(db, { number: 205749, name: 'ПЖКОМ', remoteId: remote });
  const lpr = await addContact(db, { clientId: healthy, fullName: 'Директор Д.Д.', isLpr: true, isSystemUser: true });
  await addTraining(db, healthy, '2024-06-01', { contactId: lpr, name: 'Директор Д.Д.' });
  for (const d of ['2024-06-10', '2024-06-20', '2024-07-01']) await addLk(db, healthy, d);
  for (const d of ['2024-06-15', '2024-06-25', '2024-07-02']) await addEvent(db, healthy, { contactId: lpr, at: `${d}T10:00:00+03:00` });
  for (const monday of ['2024-06-03', '2024-06-10', '2024-06-17', '2024-06-24', '2024-07-01', '2024-07-08']) {
    await addUsage(db, healthy, monday, 5);
  }
  await addWebinar(db, healthy, '2024-05-01', 'НДФЛ');
  await addWebinar(db, healthy, '2024-06-01', 'Охрана труда');
  setClock(new Date('2024-07-15T07:00:00+03:00'));
  await importAll(db, '2024-07-15T03:00:00Z');
  // W26 and W28 have only churnguard's value; W27 also the CRM's (the sick client: high there too).
  for (const week of ['2024-W26', '2024-W27', '2024-W28']) {
    const run = await executeRun(t.app, riskScore, { period: week, trigger: 'admin', force: true });
    expect(run.status).toBe('completed');
  }
  await importCrm('2024-W27', [
    ['204036 - БЗМИ ООО', '0,37'],
    ['205749 - ПЖКОМ', '0,36'],
  ]);
});

afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('two series, never spliced (crm-first)', () => {
  it('gives the CRM week no change figure and no «Красная зона»: the week before has no CRM value', async () => {
    const w26 = await row(sick, '2024-W26');
    expect(w26).toMatchObject({ indicator: 0.5, zone: 'high', indicator_source: 'computed' });
    const w27 = await row(sick, '2024-W27');
    // High by the CRM this week and high by churnguard last week: mixed sources make no red zone.
    expect(w27).toMatchObject({ indicator: 0.37, zone: 'high', indicator_source: 'crm', indicator_delta: null, crm_delta: null });
    expect(w27.categories).not.toContain('red_zone');
    // churnguard's own series still has its change (none: the client's data did not change).
    expect(w27.computed_delta).toBe(0);
  });

  it('compares the week after the switch with churnguard’s previous value, not the CRM’s', async () => {
    const w28 = await row(sick, '2024-W28');
    // Spliced, this was 0,50 − 0,37 = +0,13; within churnguard's series it is no change.
    expect(w28).toMatchObject({ indicator: 0.5, indicator_source: 'computed', indicator_delta: 0, computed_delta: 0 });
    // High two weeks running in churnguard's own series: that is a red zone, from one series.
    expect(w28.categories).toContain('red_zone');
    const h28 = await row(healthy, '2024-W28');
    expect(h28).toMatchObject({ indicator: 0.2, indicator_delta: 0 });
    expect(h28.categories).not.toContain('red_zone');
  });

  it('keeps the risers of the week to real changes, and names the fallback on every row that uses it', async () => {
    const report = JSON.parse((await cli(t, 'report', 'deviations', '--week', '2024-W28', '--format', 'json')).out);
    const risers = report.charts.find((c: { kind: string }) => c.kind === 'hbars');
    expect(risers).toBeUndefined();
    const rows = report.sections[0].rows as { description: string; source: string; delta: unknown; crm: unknown }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.source).toBe(FALLBACK);
    const w27 = JSON.parse((await cli(t, 'report', 'deviations', '--week', '2024-W27', '--format', 'json')).out);
    const sickRow = w27.sections[0].rows.find((r: { description: string }) => r.description.startsWith('204036'));
    expect(sickRow).toMatchObject({ source: 'КИС', delta: 'н/д', indicator: 0.37, computed: 0.5, crm: 0.37 });
  });

  it('draws both series on their own lines: the CRM line only where its report was imported', async () => {
    const report = JSON.parse((await cli(t, 'report', 'deviations', '--week', '2024-W28', '--format', 'json')).out);
    const lines = report.charts.find((c: { kind: string }) => c.kind === 'lines');
    expect(lines.categories).toEqual(['24.06', '01.07', '08.07']);
    expect(lines.series).toEqual([
      { name: 'Индикатор churnguard', color: 'red', values: [1, 1, 1] },
      { name: 'Индикатор КИС (Фиксация отклонений)', color: 'purple', values: [null, 2, null] },
    ]);
  });

  it('reads a client’s two series with their own changes (the function the client card uses)', async () => {
    const series = await clientIndicatorSeries(t.app.pool, sick, '2024-W28', 3, t.config.risk.zones);
    expect(series.map((s) => [s.week, s.computed.indicator, s.computed.delta, s.crm.indicator, s.crm.delta, s.acting.source])).toEqual([
      ['2024-W28', 0.5, 0, null, null, 'computed'],
      ['2024-W27', 0.5, 0, 0.37, null, 'crm'],
      ['2024-W26', 0.5, null, null, null, 'computed'],
    ]);
  });

  it('explain shows both histories, each change within its series, and «н/д» across the switch', async () => {
    const res = await cli(t, 'explain', '204036', '--week', '2024-W27');
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/Индикатор \(-\)\s+0,37\s+высокий риск, за неделю н\/д \(КИС\)/);
    expect(res.out).toMatch(/churnguard\s+0,50\s+высокий риск, за неделю 0,00/);
    const json = JSON.parse((await cli(t, 'explain', '204036', '--week', '2024-W28', '--json')).out);
    expect(json.sourceText).toBe(FALLBACK);
    expect(
      json.history.map((h: { week: string; computedDelta: number | null; crmDelta: number | null; crm: number | null }) => [
        h.week,
        h.crm,
        h.crmDelta,
        h.computedDelta,
      ]),
    ).toEqual([
      ['2024-W28', null, null, 0],
      ['2024-W27', 0.37, null, 0],
      ['2024-W26', null, null, null],
    ]);
    const text = await cli(t, 'explain', '204036', '--week', '2024-W28');
    expect(text.out).toContain(`(${FALLBACK})`);
  });

  it('re-scoring the weeks gives the same rows (the import and the weekly run agree)', async () => {
    const before = await Promise.all(['2024-W27', '2024-W28'].map((w) => row(sick, w)));
    for (const week of ['2024-W27', '2024-W28']) await executeRun(t.app, riskScore, { period: week, trigger: 'admin', force: true });
    const after = await Promise.all(['2024-W27', '2024-W28'].map((w) => row(sick, w)));
    const pick = (r: Record<string, unknown>) => [r.indicator, r.indicator_delta, r.computed_delta, r.crm_delta, r.categories];
    expect(after.map(pick)).toEqual(before.map(pick));
  });
});
