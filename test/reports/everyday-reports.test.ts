/**
 * The seed's everyday reports on a known data set: «Отчет по контактам с клиентами»,
 * «Образовательная работа», «Нет исходящих звонков за период» and «Отчет по ГЛ» — rows,
 * totals, the CRM's column names — and each in every format of `admin report`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { getReport } from '../../src/reports/index.js';
import type { Report } from '../../src/reports/types.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;
const build = (name: string, values: Record<string, string | boolean> = {}) => getReport(name)?.build(t.app, values) as Promise<Report>;
const headers = (r: Report, i = 0) => r.sections[i]?.columns.map((c) => c.header);

beforeAll(async () => {
  setClock(new Date('2024-06-20T12:00:00+03:00'));
  t = await createTestEnv();
  const db = t.app.pool;
  const d1 = await addDepartment(db, 'Специалисты Мельникова Ю._502');
  const nelina = await addEmployee(db, { name: 'Нелина А.Ю.', departmentId: d1 });
  const chechina = await addEmployee(db, { name: 'Чечина А.И.', departmentId: d1 });
  const a = await addClient(db, { number: 193254, name: 'Ветстанция', category: 'A', fee: 18500, remoteId: nelina });
  const b = await addClient(db, { number: 193643, name: 'Телерадиокомпания Бирюч', category: 'B', fee: 9000, remoteId: chechina });
  await addClient(db, { number: 203612, name: 'Отключённый клиент', category: 'C', fee: 12000, remoteId: nelina, state: 'disconnected' });
  await addClient(db, { number: 207092, name: 'Белгородский информационный фонд', category: 'A', fee: 30000, remoteId: nelina });

  // Client A: five users, three trained within two years, one long ago; two webinars in six months.
  const users: number[] = [];
  for (let i = 1; i <= 5; i++) users.push(await addContact(db, { clientId: a, fullName: `Пользователь ${i}`, isSystemUser: true }));
  for (const [i, on] of [
    [0, '2023-03-01'],
    [1, '2024-02-10'],
    [2, '2024-05-20'],
    [3, '2021-05-01'],
  ] as const) {
    await db.query(`INSERT INTO trainings (client_id, contact_id, person_name, trained_on, natural_key) VALUES ($1, $2, 'x', $3, $4)`, [
      a,
      users[i],
      on,
      `tr-${i}`,
    ]);
  }
  // Client B: two users, one trained, named only by name.
  await addContact(db, { clientId: b, fullName: 'Полчихина Елена Ивановна', isSystemUser: true });
  await addContact(db, { clientId: b, fullName: 'Квач Галина Александровна', isSystemUser: true });
  await db.query(
    `INSERT INTO trainings (client_id, person_name, trained_on, natural_key) VALUES ($1, 'полчихина елена ивановна', '2024-01-15', 'tr-b')`,
    [b],
  );
  for (const [on, name, key] of [
    ['2024-03-05', 'Налоги', 'w1'],
    ['2024-06-04', 'Охрана труда', 'w2'],
    ['2023-10-01', 'Старый', 'w3'],
  ]) {
    await db.query(
      `INSERT INTO webinar_attendance (client_id, person_name, attended_on, webinar, natural_key) VALUES ($1, 'x', $2, $3, $4)`,
      [a, on, name, key],
    );
  }

  const event = (client: number, employee: number, channel: string, outcome: string, at: string, key: string) =>
    db.query(
      `INSERT INTO contact_events (client_id, employee_id, channel, outcome, planned_at, occurred_at, natural_key)
       VALUES ($1, $2, $3, $4, $5::timestamptz, CASE WHEN $4 = 'planned' THEN NULL ELSE $5::timestamptz END, $6)`,
      [client, employee, channel, outcome, at, key],
    );
  await event(a, nelina, 'phone', 'held_with_login', '2024-06-03T10:00:00+03:00', 'e1');
  await event(a, nelina, 'phone', 'planned', '2024-06-25T09:00:00+03:00', 'e2');
  await event(a, nelina, 'email', 'held', '2024-06-10T11:00:00+03:00', 'e3');
  await event(b, chechina, 'phone', 'not_held', '2024-06-05T15:00:00+03:00', 'e4');
  await event(b, chechina, 'phone', 'held', '2024-04-01T10:00:00+03:00', 'e5');

  await db.query(
    `INSERT INTO risk_scores (client_id, week, week_end, indicator, zone, categories, computed_at)
     VALUES ($1, '2024-W24', '2024-06-16', 0.4, 'high', '{}', now()), ($2, '2024-W24', '2024-06-16', 0.25, 'none', '{}', now())`,
    [b, a],
  );

  for (const [client, on, kind, key] of [
    [a, '2024-06-03', 'question', 'h1'],
    [a, '2024-06-11', 'question', 'h2'],
    [a, '2024-05-14', 'document', 'h3'],
    [b, '2024-04-22', 'question', 'h4'],
    [b, '2024-01-10', 'question', 'h5'],
  ] as const) {
    await db.query('INSERT INTO hotline_requests (client_id, requested_on, kind, natural_key) VALUES ($1, $2, $3, $4)', [
      client,
      on,
      kind,
      key,
    ]);
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
  setClock(null);
});

describe('«Отчет по контактам с клиентами»', () => {
  it('counts the works by specialist, way of contact and state, with the totals', async () => {
    const r = await build('contact-work', { from: '2024-06-01', to: '2024-06-30' });
    expect(r.title).toBe('Отчет по контактам с клиентами');
    expect(headers(r)).toEqual([
      'Исполнитель',
      'Подразделение',
      'Способ контакта',
      'Запланирована',
      'Контакт состоялся',
      'Контакт состоялся с входом',
      'Не состоялся',
      'Отказ',
      'Всего работ',
      'Клиентов',
    ]);
    const pick = ({ employee, channel, planned, held, held_with_login, not_held, total, clients }: Record<string, unknown>) => ({
      employee,
      channel,
      planned,
      held,
      held_with_login,
      not_held,
      total,
      clients,
    });
    expect(r.sections[0]?.rows.map(pick)).toEqual([
      { employee: 'Нелина А.Ю.', channel: 'Электронная почта', planned: 0, held: 1, held_with_login: 0, not_held: 0, total: 1, clients: 1 },
      {
        employee: 'Нелина А.Ю.',
        channel: 'Телефонный контакт',
        planned: 1,
        held: 0,
        held_with_login: 1,
        not_held: 0,
        total: 2,
        clients: 1,
      },
      {
        employee: 'Чечина А.И.',
        channel: 'Телефонный контакт',
        planned: 0,
        held: 0,
        held_with_login: 0,
        not_held: 1,
        total: 1,
        clients: 1,
      },
    ]);
    expect(r.sections[0]?.totals).toMatchObject({
      employee: 'Итого: (2)',
      planned: 1,
      held: 1,
      held_with_login: 1,
      not_held: 1,
      refused: 0,
      total: 4,
      clients: 2,
    });
  });

  it('adds the counts per week with --by week', async () => {
    const r = await build('contact-work', { from: '2024-06-01', to: '2024-06-30', by: 'week' });
    expect(r.sections[1]?.title).toBe('По неделям');
    expect(r.sections[1]?.rows.map((x) => [x.period, x.employee, x.total])).toEqual([
      ['с 03.06.2024 по 09.06.2024', 'Нелина А.Ю.', 1],
      ['с 03.06.2024 по 09.06.2024', 'Чечина А.И.', 1],
      ['с 10.06.2024 по 16.06.2024', 'Нелина А.Ю.', 1],
      ['с 24.06.2024 по 30.06.2024', 'Нелина А.Ю.', 1],
    ]);
    expect(r.sections[1]?.totals).toMatchObject({ period: 'Итого: (3)', total: 4 });
    await expect(build('contact-work', { by: 'day' })).rejects.toThrow('--by: «day» — допустимо одно из: week, month');
  });
});

describe('«Образовательная работа»', () => {
  it('compares users trained in two years with the category norm, and counts webinars in six months', async () => {
    const r = await build('education');
    expect(r.subtitle).toContain('на 20.06.2024');
    const rows = r.sections[0]?.rows.map(({ client, users, trained, to_train, met, last_training, webinars }) => ({
      client,
      users,
      trained,
      to_train,
      met,
      last_training,
      webinars,
    }));
    expect(rows).toEqual([
      { client: '193254 - Ветстанция', users: 5, trained: 3, to_train: 1, met: 'Нет', last_training: '2024-05-20', webinars: 2 },
      {
        client: '193643 - Телерадиокомпания Бирюч',
        users: 2,
        trained: 1,
        to_train: 0,
        met: 'Да',
        last_training: '2024-01-15',
        webinars: 0,
      },
      {
        client: '207092 - Белгородский информационный фонд',
        users: 0,
        trained: 0,
        to_train: 0,
        met: 'Нет',
        last_training: null,
        webinars: 0,
      },
    ]);
    expect(r.sections[0]?.rows[0]?.norm).toBe(0.8);
    expect(r.sections[0]?.totals).toMatchObject({ client: 'Итого: (3)', users: 7, trained: 4, to_train: 1, met: 'Да: 1', webinars: 2 });
    expect(headers(r)).toContain('Норма обученности');
    const below = await build('education', { below: true });
    expect(below.sections[0]?.rows.map((x) => x.client)).toEqual(['193254 - Ветстанция', '207092 - Белгородский информационный фонд']);
  });
});

describe('«Нет исходящих звонков за период»', () => {
  it('lists served clients without a held contact in 30 days, riskiest first, with zone and fee', async () => {
    const r = await build('silent-clients');
    expect(r.subtitle).toContain('за 30 дн. (с 22.05.2024 по 20.06.2024)');
    expect(r.sections[0]?.rows.map(({ client, zone, fee, silent_days, remote }) => ({ client, zone, fee, silent_days, remote }))).toEqual([
      { client: '193643 - Телерадиокомпания Бирюч', zone: 'высокий риск', fee: 9000, silent_days: 80, remote: 'Чечина А.И.' },
      { client: '207092 - Белгородский информационный фонд', zone: 'нет расчёта', fee: 30000, silent_days: null, remote: 'Нелина А.Ю.' },
    ]);
    expect(r.sections[0]?.totals).toMatchObject({ client: 'Итого: (2)', fee: 39000, zone: 'высокий риск: 1' });
    const week = await build('silent-clients', { days: '7' });
    expect(week.sections[0]?.rows.map((x) => String(x.client).slice(0, 6))).toEqual(['193643', '193254', '207092']);
    await expect(build('silent-clients', { days: '0' })).rejects.toThrow('--days');
  });
});

describe('«Отчет по ГЛ»', () => {
  it('counts questions and documents per client and month, with the totals and the months', async () => {
    const r = await build('hotline', { months: '3' });
    expect(headers(r)).toEqual([
      'Клиент',
      'Сотрудник (упр)',
      'Апрель 2024: вопросы',
      'Апрель 2024: документы',
      'Май 2024: вопросы',
      'Май 2024: документы',
      'Июнь 2024: вопросы',
      'Июнь 2024: документы',
      'Вопросов всего',
      'Документов всего',
    ]);
    expect(r.sections[0]?.rows).toEqual([
      expect.objectContaining({
        client: '193254 - Ветстанция',
        'q_2024-06': 2,
        'd_2024-05': 1,
        'q_2024-04': 0,
        questions: 2,
        documents: 1,
      }),
      expect.objectContaining({ client: '193643 - Телерадиокомпания Бирюч', 'q_2024-04': 1, questions: 1, documents: 0 }),
    ]);
    expect(r.sections[0]?.totals).toMatchObject({ client: 'Итого: (2)', questions: 3, documents: 1, 'q_2024-06': 2 });
    expect(r.sections[0]?.notes).toEqual(['Обслуживаемых клиентов без обращений на ГЛ за период: 1.']);
    expect(r.sections[1]?.rows).toEqual([
      { month: 'Апрель 2024', questions: 1, documents: 0, clients: 1 },
      { month: 'Май 2024', questions: 0, documents: 1, clients: 1 },
      { month: 'Июнь 2024', questions: 2, documents: 0, clients: 1 },
    ]);
  });
});

describe('every format', () => {
  const cases = [
    ['contact-work', ['--from', '2024-06-01', '--to', '2024-06-30', '--by', 'month'], 'Отчет по контактам с клиентами'],
    ['education', [], 'Образовательная работа'],
    ['silent-clients', ['--days', '30'], 'Нет исходящих звонков за период'],
    ['hotline', ['--months', '6'], 'Отчет по ГЛ'],
  ] as const;
  it.each(cases)('%s: table, csv, json, html and an Excel workbook with the totals row in bold', async (name, args, title) => {
    const table = await cli(t, 'report', name, ...args);
    expect(table.code, table.err).toBe(0);
    expect(table.out.startsWith(title)).toBe(true);
    expect(table.out).toContain('Итого');
    const csv = await cli(t, 'report', name, ...args, '--format', 'csv');
    expect(csv.out).toContain('Итого');
    const json = JSON.parse((await cli(t, 'report', name, ...args, '--format', 'json')).out);
    expect(json.title).toBe(title);
    const page = await cli(t, 'report', name, ...args, '--format', 'html');
    expect(page.out).toContain(`<h1>${title}</h1>`);
    const out = join(mkdtempSync(join(tmpdir(), 'cg-every-')), `${name}.xlsx`);
    expect((await cli(t, 'report', name, ...args, '--format', 'xlsx', '--out', out)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(1).value).toBe(json.sections[0].columns[0].header);
    const last = ws.getRow(ws.rowCount);
    expect(String(last.getCell(1).value)).toMatch(/^Итого/);
    expect(last.font?.bold).toBe(true);
  });
});
