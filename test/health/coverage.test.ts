/**
 * Coverage, not only age (issue 22, item 2): an ЛК export starting mid-window makes the ЛК
 * component н/д with the reason until its data covers the whole 3-month window, then it scores;
 * a declared period (the settings block's «Период», or --from/--to) counts as covered; the run's
 * stats and the deviations report show the covered span and the н/д client-weeks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { covers, mergeSpans, uncoveredComponents } from '../../src/domain/coverage.js';
import { dmy } from '../../src/domain/ru-dates.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, writeTsv } from '../imports/helpers.js';
import { importAll } from './fixtures.js';

const REASON_W22 = 'н/д: данные ЛК с 10.03.2024: окно 3 месяцев не покрыто';

describe('coverage of a source (pure)', () => {
  it('merges spans at most a week apart and keeps a longer gap as a hole', () => {
    const merged = mergeSpans([
      { from: '2024-04-10', to: '2024-04-30' },
      { from: '2024-03-01', to: '2024-03-31' },
      { from: '2024-04-08', to: '2024-04-09' },
      { from: '2024-05-09', to: '2024-05-31' },
    ]);
    // 31.03 → 08.04: 7 days between, bridged; 30.04 → 09.05: 8 days between, a hole.
    expect(merged).toEqual([
      { from: '2024-03-01', to: '2024-04-30' },
      { from: '2024-05-09', to: '2024-05-31' },
    ]);
    expect(covers(merged, '2024-03-01', '2024-04-30')).toBe(true);
    expect(covers(merged, '2024-04-15', '2024-05-15')).toBe(false);
  });

  it('names the source, its spans and the window in the reason', async () => {
    const t = await import('../../src/config.js');
    const cfg = t.loadConfig({ env: { CHURNGUARD_RUN: 'test' } }).risk;
    const u = uncoveredComponents(
      {
        'lk-requests': [{ from: '2024-03-10', to: '2024-06-03' }],
        webinars: [
          { from: '2023-11-01', to: '2024-02-01' },
          { from: '2024-03-01', to: '2024-06-03' },
        ],
        'online-usage': [{ from: '2024-05-06', to: '2024-06-02' }],
      },
      '2024-06-02',
      cfg,
      dmy,
    );
    expect(u.get('lk')?.reason).toBe(REASON_W22);
    expect(u.get('webinars')?.reason).toBe('н/д: данные о вебинарах с 01.11.2023 по 01.02.2024 и с 01.03.2024: окно 6 месяцев не покрыто');
    // Logins: 4 weeks back from 02.06 start on 06.05 — covered. Sources without a span: the age rule only.
    expect(u.has('logins')).toBe(false);
    expect(u.has('lprContact')).toBe(false);
    expect(u.has('training')).toBe(false);
  });
});

describe('an ЛК export starting mid-window', () => {
  let t: TestEnv;
  let client: number;

  const score = async (week: string) => {
    const run = await executeRun(t.app, riskScore, { period: week, trigger: 'admin', force: true });
    expect(run.status).toBe('completed');
    return run;
  };
  const row = async (week: string) =>
    (await t.app.pool.query('SELECT * FROM risk_scores WHERE client_id = $1 AND week = $2', [client, week])).rows[0];
  const importLk = async (name: string, rows: (string | number)[][], ...flags: string[]) => {
    const path = writeTsv(t, name, rows);
    const res = await cli(t, 'import', 'lk-requests', path, ...flags);
    expect(res.code, res.err).toBe(0);
  };

  beforeAll(async () => {
    t = await createTestEnv();
    const dep = await addDepartment(t.app.pool, 'Специалисты Мельникова Ю._502');
    const remote = await addEmployee(t.app.pool, { name: 'Савостина К.А.', role: 'remote', departmentId: dep });
    client = await addClient(t.app.pool, { number: 193643, name: 'Телерадиокомпания Бирюч', remoteId: remote });
    await addClient(t.app.pool, { number: 204036, name: 'БЗМИ ООО', remoteId: remote });
    // Every other source fresh (recorded without a span: judged by age alone).
    setClock(new Date('2024-06-03T07:00:00+03:00'));
    await importAll(t.app.pool, '2024-06-03T03:00:00Z', ['lk-requests']);
    // The first ЛК export starts on 10.03.2024, within week 22's window (03.03–02.06).
    await importLk('lk-1.tsv', [
      ['Номер клиента', 'Дата', 'Тип обращения'],
      ['193643', '10.03.2024', 'Вопрос по НДС'],
      ['193643', '20.05.2024', 'Вопрос по НДФЛ'],
    ]);
  });
  afterAll(async () => {
    setClock(null);
    await t.close();
  });

  it('is н/д with the reason, out of the indicator; the run stats and the report show the span and the н/д count', async () => {
    const run = await score('2024-W22');
    expect((await row('2024-W22')) as object).toMatchObject({ lk: null, lk_reason: REASON_W22 });
    expect((await row('2024-W22')).stale_components).toContain('lk');
    expect(run.stats.coverage).toMatchObject({
      'lk-requests': { covered: '10.03.2024–03.06.2024', window: '03.03.2024–02.06.2024', nd: 2 },
    });
    const explain = await cli(t, 'explain', '193643', '--week', '2024-W22');
    expect(explain.out).toContain(`Использование ЛК (-)`);
    expect(explain.out).toContain(REASON_W22);
    const report = JSON.parse((await cli(t, 'report', 'deviations', '--week', '2024-W22', '--json')).out);
    expect(report.sections[0].notes).toContain(
      'н/д «Использование ЛК (-)» (2 кл.): данные не покрывают окно — данные ЛК с 10.03.2024: окно 3 месяцев не покрыто; в индикатор не входит.',
    );
    const coverage = report.sections.find((s: { title?: string }) => s.title === 'Покрытие данных выгрузками КИС');
    expect(coverage.rows.find((r: { source: string }) => r.source === 'Запросы в ЛК')).toEqual({
      source: 'Запросы в ЛК',
      covered: 'с 10.03.2024 по 03.06.2024',
      components: 'Использование ЛК (-)',
      nd: 2,
    });
  });

  it('scores once the data covers the window: the next week with the next export, joined without a gap', async () => {
    setClock(new Date('2024-06-10T07:00:00+03:00'));
    await importLk('lk-2.tsv', [
      ['Номер клиента', 'Дата', 'Тип обращения'],
      ['193643', '05.06.2024', 'Вопрос по НДС'],
    ]);
    // Week 23's window is 10.03–09.06: the two exports together cover it.
    const run = await score('2024-W23');
    expect(await row('2024-W23')).toMatchObject({ lk: 0.2, lk_reason: '3 обращения в ЛК за 3 мес.' });
    expect((run.stats.coverage as Record<string, unknown>)['lk-requests']).toMatchObject({
      covered: '10.03.2024–10.06.2024',
      window: null,
      nd: 0,
    });
    // Week 22 still reaches back before the first row: still н/д.
    await score('2024-W22');
    expect(await row('2024-W22')).toMatchObject({ lk: null, lk_reason: REASON_W22 });
  });

  it('takes a declared period as covered: the settings block «Период», or --from and --to', async () => {
    // An older export whose settings block declares February and early March (no row in it before 15.02).
    await importLk('lk-old.tsv', [
      ['Обращения в личном кабинете'],
      ['Период', 'с 01.02.2024 по 09.03.2024'],
      [],
      ['Номер клиента', 'Дата', 'Тип обращения'],
      ['204036', '15.02.2024', 'Вопрос по НДС'],
    ]);
    await score('2024-W22');
    expect(await row('2024-W22')).toMatchObject({ lk: 0.2, lk_reason: '2 обращения в ЛК за 3 мес.' });
    const { rows } = await t.app.pool.query(
      `SELECT covers_from::text AS f, covers_to::text AS t, covers_declared AS d FROM imports WHERE kind = 'lk-requests' ORDER BY id`,
    );
    expect(rows).toEqual([
      { f: '2024-03-10', t: '2024-05-20', d: false },
      { f: '2024-06-05', t: '2024-06-05', d: false },
      { f: '2024-02-01', t: '2024-03-09', d: true },
    ]);
    await importLk('lk-admin.tsv', [['Номер клиента', 'Дата', 'Тип обращения']], '--from', '01.01.2024', '--to', '31.01.2024');
    const last = await t.app.pool.query(
      `SELECT covers_from::text AS f, covers_to::text AS t, covers_declared AS d FROM imports ORDER BY id DESC LIMIT 1`,
    );
    expect(last.rows[0]).toEqual({ f: '2024-01-01', t: '2024-01-31', d: true });
  });

  it('refuses a period for a kind that is not an event export, and a bad one, with exit code 2', async () => {
    const path = writeTsv(t, 'x.tsv', [['Номер клиента', 'Дата', 'Тип обращения']]);
    const wrongKind = await cli(t, 'import', 'contacts', path, '--from', '01.01.2024');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.err).toContain('--from, --to: период указывают только для выгрузок событий');
    const backwards = await cli(t, 'import', 'lk-requests', path, '--from', '01.02.2024', '--to', '01.01.2024');
    expect(backwards.code).toBe(2);
    const badBlock = writeTsv(t, 'bad.tsv', [
      ['Период', 'с 31.02.2024 по 09.03.2024'],
      ['Номер клиента', 'Дата', 'Тип обращения'],
    ]);
    const res = await cli(t, 'import', 'lk-requests', badBlock);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/bad\.tsv:1:2: /);
  });
});
