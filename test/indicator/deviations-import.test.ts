import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture } from '../imports/helpers.js';

let t: TestEnv;
const ids: Record<number, number> = {};
const staff: Record<string, number> = {};

/** The CRM's report with the settings block's week line replaced (or dropped), as Windows-1251. */
function variant(name: string, edit: (text: string) => string): string {
  const path = join(t.varDir, name);
  const text = iconv.decode(readFileSync(fixture('deviations-seed-1251.tsv')), 'win1251');
  writeFileSync(path, iconv.encode(edit(text), 'win1251'));
  return path;
}

async function stored() {
  const { rows } = await t.app.pool.query(
    `SELECT c.number, d.week, d.training, d.lk, d.lpr_contact, d.logins, d.webinars, d.indicator, d.employee_ids, d.department
       FROM crm_deviations d JOIN clients c ON c.id = d.client_id ORDER BY c.number`,
  );
  return rows;
}

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Специалисты Мельникова Ю._502');
  for (const name of [
    'Нелина Анна Юрьевна',
    'Чечина А.И.',
    'Иванов В.В.',
    'Клюкина Н.А.',
    'Пленчук Татьяна Сергеевна',
    'Пузанова Е.С.',
    'Петров Иван Игоревич',
    'Петров Илья Ильич',
  ]) {
    staff[name] = await addEmployee(db, { name, role: 'field', departmentId: dep });
  }
  for (const [number, name] of [
    [193254, 'Ветстанция по Ровенскому и Бейделевскому районам'],
    [193643, 'Телерадиокомпания Бирюч'],
    [203612, 'Адгания ГП Поселок Вейделевка'],
    [204036, 'БЗМИ ООО'],
    [204583, 'Жил.спецдзя обл.'],
    [205749, 'ПЖКОМ'],
  ] as const) {
    ids[number] = await addClient(db, { number, name });
  }
});
afterAll(async () => {
  await t.close();
});

describe('admin import deviations', () => {
  it('rejects a report that names no week when --week is not given, naming the header line', async () => {
    const path = variant('no-week.tsv', (s) => s.replace('Период\tНеделя с 01.07.2024 по 07.07.2024', 'Период\tНеделя'));
    const res = await cli(t, 'import', 'deviations', path);
    expect(res.code).toBe(1);
    expect(res.err).toContain(`${path}:26:1: в отчёте не указана неделя (ожидалось --week 2024-W27 или неделя в блоке настроек)`);
    expect(await stored()).toEqual([]);
  });

  it('imports the CRM report in the seed layout (Windows-1251, cut names, a repeated client, Итого) for the settings block week', async () => {
    const res = await cli(t, 'import', 'deviations', fixture('deviations-seed-1251.tsv'), '--json');
    expect(res.code, res.err).toBe(0);
    const out = JSON.parse(res.out);
    expect(out).toMatchObject({
      status: 'imported',
      rows: 6,
      inserted: 6,
      summary: { encoding: 'windows-1251', week: '2024-W27', clients: 6 },
    });
    const rows = await stored();
    expect(rows.map((r) => r.number)).toEqual([193254, 193643, 203612, 204036, 204583, 205749]);
    expect(rows.every((r) => r.week === '2024-W27')).toBe(true);
    // The seed's client: all five columns at 0,50 and an indicator of 0,36; two responsible employees.
    const bzmi = rows.find((r) => r.number === 204036);
    expect(bzmi).toMatchObject({ training: 0.5, lk: 0.5, lpr_contact: 0.5, logins: 0.5, webinars: 0.5, indicator: 0.36 });
    expect(bzmi.employee_ids.map(Number).sort()).toEqual([staff['Иванов В.В.'], staff['Клюкина Н.А.']].sort());
    // `Нелина А.Ю. (СИУ)` is the full-named employee; a full name matches as written.
    expect(rows.find((r) => r.number === 193254).employee_ids.map(Number)).toEqual([staff['Нелина Анна Юрьевна']]);
    expect(rows.find((r) => r.number === 204583).employee_ids.map(Number)).toEqual([staff['Пленчук Татьяна Сергеевна']]);
    expect(rows.find((r) => r.number === 193643).department).toBe('Специалисты Тихоненко_...');
    // A cut client name is matched by number and never overwrites the full one.
    const name = await t.app.pool.query('SELECT name FROM clients WHERE number = 193643');
    expect(name.rows[0].name).toBe('Телерадиокомпания Бирюч');
  });

  it('takes the week from --week, and refuses a --week that contradicts the settings block', async () => {
    const noWeek = variant('no-week-2.tsv', (s) =>
      s.replace('Период\tНеделя с 01.07.2024 по 07.07.2024', 'Период\tНеделя').replace('0,35\r\n193643', '0,34\r\n193643'),
    );
    const ok = await cli(t, 'import', 'deviations', noWeek, '--week', '2024-W28');
    expect(ok.code, ok.err).toBe(0);
    const w28 = await t.app.pool.query(`SELECT count(*)::int AS n FROM crm_deviations WHERE week = '2024-W28'`);
    expect(w28.rows[0].n).toBe(6);
    const other = variant('w27-again.tsv', (s) => s.replace('0,35\r\n193643', '0,33\r\n193643'));
    const bad = await cli(t, 'import', 'deviations', other, '--week', '2024-W30');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${other}:16:2: отчёт за неделю 2024-W27, а --week задаёт 2024-W30 (ожидалась одна и та же неделя)`);
  });

  it('rejects the whole file when a repeated client has other values, or an employee fits two people', async () => {
    const before = await stored();
    const differ = variant('differ.tsv', (s) =>
      s.replace(
        '204036 - БЗМИ ООО\tКлюкина Н.А. (СИУ)\tСпециалисты Дятлова Д._502\t0,50\t0,50\t0,50\t0,50\t0,50\t0,36',
        '204036 - БЗМИ ООО\tКлюкина Н.А. (СИУ)\tСпециалисты Дятлова Д._502\t0,50\t0,50\t0,20\t0,50\t0,50\t0,36',
      ),
    );
    const res = await cli(t, 'import', 'deviations', differ);
    expect(res.code).toBe(1);
    expect(res.err).toContain(
      `${differ}:32:6: клиент 204036 уже есть в строке 31 с «Контакт с ЛПР (-)» 0,50, здесь 0,20 (ожидались одинаковые значения во всех строках клиента)`,
    );
    const ambiguous = variant('ambiguous.tsv', (s) => s.replace('Пузанова Е.С. (СИУ)', 'Петров И.И. (СИУ)'));
    const res2 = await cli(t, 'import', 'deviations', ambiguous);
    expect(res2.code).toBe(1);
    expect(res2.err).toContain(`${ambiguous}:34:2: сотрудник «Петров И.И.» подходит к нескольким сотрудникам (ожидалось полное ФИО)`);
    const cutTotal = variant('cut.tsv', (s) =>
      s.replace(/205749 - ПЖКОМ[^\r]*\r\n/, '').replace(/204036 - БЗМИ ООО\tКлюкина[^\r]*\r\n/, ''),
    );
    const res3 = await cli(t, 'import', 'deviations', cutTotal);
    expect(res3.code).toBe(1);
    expect(res3.err).toContain(`${cutTotal}:27:1: Итого: (6), а в отчёте 5 клиентов в 5 строках (ожидался весь отчёт)`);
    expect(await stored()).toEqual(before);
  });
});
