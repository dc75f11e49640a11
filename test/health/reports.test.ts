import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addLk, addUsage, addWebinar, importAll } from './fixtures.js';

let t: TestEnv;

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const depA = await addDepartment(db, 'Специалисты Мельникова Ю._502');
  const depB = await addDepartment(db, 'Специалисты Тихоненко_502');
  const remote = await addEmployee(db, { name: 'Савостина К.А.', departmentId: depA, phone: '8-906-600-50-06' });
  const field = await addEmployee(db, { name: 'Иванов В.В.', role: 'field', departmentId: depB });
  // Client 1: remote and field specialist → two rows; all high (0.50).
  await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: remote, fieldId: field, flags: ['double'] });
  // Client 2: remote only; some activity.
  const c2 = await addClient(db, { number: 193643, name: 'Телерадиокомпания Бирюч', remoteId: remote });
  await addContact(db, { clientId: c2, isSystemUser: true });
  await addLk(db, c2, '2024-05-10');
  await addLk(db, c2, '2024-05-20');
  await addWebinar(db, c2, '2024-04-10');
  for (const w of ['2024-05-06', '2024-05-13', '2024-05-20', '2024-05-27']) await addUsage(db, c2, w, 4);
  // Client 3: two cabinet requests that leave the 3-month window in week 22, so its indicator rises.
  const c3 = await addClient(db, { number: 205749, name: 'ПЖКОМ', remoteId: remote });
  await addLk(db, c3, '2024-02-28');
  await addLk(db, c3, '2024-03-01');
  setClock(new Date('2024-06-03T07:00:00+03:00'));
  await importAll(db, '2024-06-02T20:00:00Z');
  await executeRun(t.app, riskScore, { period: '2024-W21', trigger: 'admin' });
  await executeRun(t.app, riskScore, { period: '2024-W22', trigger: 'admin' });
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('report deviations', () => {
  it('has a row per client and responsible employee, the CRM headers, and the totals row', async () => {
    const res = await cli('report', 'deviations', '--week', '2024-W22', '--json');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out);
    expect(report.title).toBe('Фиксация отклонений');
    expect(report.subtitle).toBe('РИЦ502, неделя 22 (27.05–02.06.2024)');
    const s = report.sections[0];
    expect(s.columns.map((c: { header: string }) => c.header).slice(0, 9)).toEqual([
      'Описание',
      'Сотрудник (упр)',
      'Подразделение',
      'Обучение (-)',
      'Использование ЛК (-)',
      'Контакт с ЛПР (-)',
      'Нет входов в систему (-)',
      'Посещение семинаров (-)',
      'Индикатор (-)',
    ]);
    expect(s.rows.map((r: Record<string, unknown>) => [r.description, r.employee, r.department])).toEqual([
      ['204036 - БЗМИ ООО', 'Иванов В.В.', 'Специалисты Тихоненко_502'],
      ['204036 - БЗМИ ООО', 'Савостина К.А.', 'Специалисты Мельникова Ю._502'],
      ['205749 - ПЖКОМ', 'Савостина К.А.', 'Специалисты Мельникова Ю._502'],
      ['193643 - Телерадиокомпания Бирюч', 'Савостина К.А.', 'Специалисты Мельникова Ю._502'],
    ]);
    expect(s.rows[0]).toMatchObject({ training: 0.5, indicator: 0.5, categories: 'Двойной, Красная зона, Низкая активность' });
    expect(s.rows[2]).toMatchObject({ lk: 0.5, indicator: 0.5, delta: 0.06 });
    expect(s.rows[3]).toMatchObject({ training: 0.5, lk: 0.2, lprContact: 0.5, logins: 0.2, webinars: 0.3, indicator: 0.34 });
    // Sums of the components, mean of the indicator, as the CRM's «Итого: (18)» row.
    expect(s.totals).toEqual({
      description: 'Итого: (4)',
      training: 2,
      lk: 1.7,
      lprContact: 2,
      logins: 1.7,
      webinars: 1.8,
      indicator: 0.46,
    });
  });

  it('filters by zone and department, and renders the table, CSV and Excel', async () => {
    const dynamic = JSON.parse((await cli('report', 'deviations', '--week', '2024-W22', '--zone', 'none', '--json')).out);
    expect(dynamic.sections[0].rows).toHaveLength(0);
    expect(dynamic.sections[0].totals.description).toBe('Итого: (0)');
    const dep = JSON.parse((await cli('report', 'deviations', '--department', 'тихоненко', '--json')).out);
    expect(dep.sections[0].rows.map((r: { employee: string }) => r.employee)).toEqual(['Иванов В.В.']);
    const table = await cli('report', 'deviations');
    expect(table.out).toMatch(/Итого: \(4\)\s+2,00\s+1,70\s+2,00\s+1,70\s+1,80\s+0,46/);
    const csv = join(t.varDir, 'dev.csv');
    expect((await cli('report', 'deviations', '--format', 'csv', '--out', csv)).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toContain('Итого: (4),,,2,1.7,2,1.7,1.8,0.46');
    const xlsx = join(t.varDir, 'dev.xlsx');
    expect((await cli('report', 'deviations', '--format', 'xlsx', '--out', xlsx)).code).toBe(0);
    expect(existsSync(xlsx)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A6').value).toBe('Итого: (4)');
    expect(ws.getCell('A6').font?.bold).toBe(true);
  });

  it('charts the zones of the last weeks and the top risers, and is on the overview page', async () => {
    const report = JSON.parse((await cli('report', 'deviations', '--json')).out);
    const [zones, risers] = report.charts;
    expect(zones).toMatchObject({ kind: 'stacked-bars', categories: ['20.05', '27.05'] });
    expect(zones.series.map((x: { name: string; values: number[] }) => [x.name, x.values])).toEqual([
      ['Нет угрозы', [0, 0]],
      ['Динамический риск', [0, 0]],
      ['Высокий риск', [3, 3]],
    ]);
    expect(risers).toMatchObject({ kind: 'hbars', items: [{ label: '205749 - ПЖКОМ', value: 0.06, note: '0,44 → 0,50 (churnguard)' }] });
    const page = await cli('report', 'deviations', '--format', 'html');
    expect(page.out).toContain('<svg');
    expect(page.out).toContain('Зоны риска клиентов за 12 недель');
    expect(page.out).toContain('Итого: (4)');
    const overview = await cli('report', 'overview');
    expect(overview.code).toBe(0);
    expect(overview.out).toContain('Фиксация отклонений');
    expect(overview.out).toContain('Сигналы об ухудшении ситуации с клиентом');
  });

  it('shows each category and signal with its threshold, config key, basis and share of clients', async () => {
    const report = JSON.parse((await cli('report', 'deviations', '--week', '2024-W22', '--json')).out);
    const section = report.sections.find((s: { title?: string }) => s.title === 'Пороги категорий и сигналов: доля клиентов');
    const rows = section.rows as {
      rule: string;
      kind: string;
      threshold: string;
      config: string;
      basis: string;
      clients: number;
      share: number;
    }[];
    expect(rows.map((r) => r.rule)).toContain('Низкая активность');
    expect(rows.find((r) => r.rule === 'Двойной')).toMatchObject({ kind: 'категория', clients: 1, share: 1 / 3 });
    expect(rows.find((r) => r.rule === 'Низкая активность')).toMatchObject({
      config: 'risk.categories.lowActivityWeeks, lowActivityBaselineWeeks, lowActivityDropShare',
      threshold: 'нет входов 4 нед. или входов в неделю меньше на 50 % и более, чем за 8 нед. до них',
    });
    const noContact = rows.find((r) => r.rule === 'Отсутствие контакта с ключевым пользователем, ЛПР, ЛВПР');
    expect(noContact).toMatchObject({ kind: 'сигнал', config: 'signals.noKeyContactDays' });
    expect(noContact?.basis).toMatch(/^источник: «Отсутствие контакта/);
    // Every rule carries its basis and a share (or none without clients).
    for (const r of rows) expect(r.basis, r.rule).toMatch(/^источник: /);
    // The threshold follows the config.
    const tuned = await runCapturedCli({ ...t.config, signals: { ...t.config.signals, noKeyContactDays: 90 } }, [
      'report',
      'deviations',
      '--week',
      '2024-W22',
      '--json',
    ]);
    const tunedRows = JSON.parse(tuned.out).sections.find(
      (s: { title?: string }) => s.title === 'Пороги категорий и сигналов: доля клиентов',
    ).rows;
    expect(tunedRows.find((r: { config: string }) => r.config === 'signals.noKeyContactDays').threshold).toContain('90 дн.');
    const baseline = JSON.parse((await cli('report', 'signals', '--baseline', '--json')).out);
    expect(baseline.sections.map((s: { title?: string }) => s.title)).toContain('Пороги категорий и сигналов: доля клиентов');
  });

  it('refuses a bad week or zone with exit code 2', async () => {
    const week = await cli('report', 'deviations', '--week', '2024-23');
    expect(week.code).toBe(2);
    expect(week.err).toMatch(/--week: «2024-23» — не неделя ISO \(например, 2024-W23\)/);
    const zone = await cli('report', 'deviations', '--zone', 'red');
    expect(zone.code).toBe(2);
    expect(zone.err).toMatch(/--zone: «red» — допустимо одно из: high, dynamic, none/);
  });
});

describe('admin explain', () => {
  it('shows the components with reasons, 8 weeks of indicator, categories and open tasks', async () => {
    const res = await cli('explain', '204036');
    expect(res.code).toBe(0);
    expect(res.out).toContain('204036 - БЗМИ ООО');
    expect(res.out).toContain('Специалист ДИС: Савостина К.А., тел. 8-906-600-50-06');
    expect(res.out).toMatch(
      /Неделя 22 \(27\.05–02\.06\.2024\):\n\s+Обучение \(-\)\s+0,50\s+нет пользователей системы среди контактных лиц/,
    );
    expect(res.out).toMatch(/Посещение семинаров \(-\)\s+0,50\s+0 вебинаров за 6 мес\./);
    expect(res.out).toMatch(/Индикатор \(-\)\s+0,50\s+высокий риск, за неделю \+?0,00/);
    expect(res.out).toContain('Категории: Двойной, Красная зона, Низкая активность');
    expect(res.out).toMatch(/2024-W22\s+0,50\s+высокий риск/);
    expect(res.out).toMatch(/2024-W21\s+0,50\s+высокий риск/);
    expect(res.out).toMatch(/Клиент с высоким риском отключения\s+Савостина К\.А\./);
    const json = JSON.parse((await cli('explain', '204036', '--json')).out);
    expect(json.history.map((h: { week: string }) => h.week)).toEqual(['2024-W22', '2024-W21']);
    expect(json.components).toHaveLength(5);
    // The risk-review task, and the playbook the client's categories call for (config `playbooks`).
    expect(json.openTasks.map((x: { kind: string; playbook: string | null }) => [x.kind, x.playbook])).toEqual([
      ['risk-review', null],
      ['playbook', 'low-activity'],
    ]);
  });

  it('computes a week not scored yet on the spot, without storing it', async () => {
    const json = JSON.parse((await cli('explain', '193643', '--week', '2024-W20', '--json')).out);
    expect(json.computedNow).toBe(true);
    expect(json.components[1]).toMatchObject({ component: 'Использование ЛК (-)', score: 0.3, reason: '1 обращение в ЛК за 3 мес.' });
    const { rows } = await t.app.pool.query(`SELECT count(*)::int AS n FROM risk_scores WHERE week = '2024-W20'`);
    expect(rows[0].n).toBe(0);
  });

  it('fails clearly on an unknown client and on a malformed number', async () => {
    const missing = await cli('explain', '999999');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/explain: не выполнено: клиент 999999 не найден/);
    const bad = await cli('explain', '19x');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/«19x» — не номер клиента/);
  });
});
