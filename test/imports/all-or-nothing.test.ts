import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.app.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

/** A plain online-usage file of 1 000 rows: the seed's 15 clients × consecutive days. */
function usageRows(bad?: { row: number; cell: string }): (string | number)[][] {
  const numbers = [192906, 193221, 193556, 194274, 194455, 194622, 194799, 194939, 195116, 195468, 195996, 196207, 197084, 197255, 198183];
  const rows: (string | number)[][] = [['Номер клиента', 'Логин', 'Дата', 'Входов']];
  for (let i = 0; i < 1000; i++) {
    const day = new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 15)));
    const date = `${String(day.getUTCDate()).padStart(2, '0')}.${String(day.getUTCMonth() + 1).padStart(2, '0')}.${day.getUTCFullYear()}`;
    rows.push([numbers[i % 15] as number, `user${i % 3}`, i + 1 === bad?.row ? bad.cell : date, `${i % 7},00`]);
  }
  return rows;
}

describe('all or nothing', () => {
  it('writes nothing when one row in the middle of 1 000 good ones is bad, naming its line and column', async () => {
    const path = writeTsv(t, 'usage-bad.tsv', usageRows({ row: 500, cell: '31.02.2024' }));
    const before = await count('online_usage');
    const res = await cli(t, 'import', 'online-usage', path);
    expect(res.code).toBe(1);
    expect(res.err).toContain(
      `${path}:501:3: Дата: «31.02.2024» — такой даты нет в календаре (ожидалось дд.мм.гггг, дд.мм.гггг чч:мм:сс или гггг-мм-дд)`,
    );
    expect(res.err).toMatch(/не загружен, ничего не изменено \(1 ошибка\)/);
    expect(await count('online_usage')).toBe(before);
    const { rows } = await t.app.pool.query(`SELECT state, error FROM imports WHERE kind = 'online-usage' ORDER BY id DESC LIMIT 1`);
    expect(rows[0].state).toBe('failed');
    expect(rows[0].error).toContain(':501:3:');
  });

  it('imports the same rows once fixed, and lists at most 50 errors then a count', async () => {
    const good = await cli(t, 'import', 'online-usage', writeTsv(t, 'usage-good.tsv', usageRows()), '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ rows: 1000, inserted: 1000, updated: 0, unchanged: 0 });
    const rows = usageRows().map((r, i) => (i > 0 && i % 10 === 0 ? [...r.slice(0, 3), 'много'] : r));
    const res = await cli(t, 'import', 'online-usage', writeTsv(t, 'usage-many-bad.tsv', rows));
    expect(res.code).toBe(1);
    const listed = res.err.split('\n').filter((l) => /usage-many-bad\.tsv:\d+:\d+:/.test(l));
    expect(listed).toHaveLength(50);
    expect(listed[0]).toMatch(/usage-many-bad\.tsv:11:4: Входов: «много» — не число/);
    expect(res.err).toMatch(/… и ещё 50 ошибок \(всего 100\)/);
  });

  it('rejects a row naming an unknown client or employee instead of skipping it', async () => {
    const path = writeTsv(t, 'trainings-unknown.tsv', [
      ['Номер клиента', 'ФИО', 'Дата обучения', 'Тема'],
      [198183, 'Лазарева Анна Владимировна', '14.05.2024', 'Поиск'],
      [999001, 'Неизвестный Иван Петрович', '14.05.2024', 'Поиск'],
    ]);
    const res = await cli(t, 'import', 'trainings', path);
    expect(res.code).toBe(1);
    expect(res.err).toContain(`${path}:3:1: клиент 999001 неизвестен (ожидался клиент из загруженной ранее выгрузки «Клиенты»)`);
    expect(await count('trainings')).toBe(0);
    const clients = writeTsv(t, 'clients-unknown-employee.tsv', [
      ['Номер клиента', 'Клиент', 'Категория', 'Сумма ИО, руб/мес', 'Состояние', 'Ответственный ДИС'],
      [300001, 'Новый клиент ООО', 'B', '10 000', 'Обслуживается', 'Петрова П.П. (Специалист дистанционного контакта)'],
    ]);
    const res2 = await cli(t, 'import', 'clients', clients);
    expect(res2.code).toBe(1);
    expect(res2.err).toContain(`${clients}:2:6: сотрудник «Петрова П.П. (Специалист дистанционного контакта)» неизвестен`);
    expect(await count('clients')).toBe(15);
  });

  it('reports the very same file as already imported, and the same content in another file as unchanged', async () => {
    const again = await cli(t, 'import', 'clients', fixture('seed-clients-1251.tsv'));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/уже загружен \(загрузка № \d+, seed-clients-1251\.tsv/);
    const copy = join(t.varDir, 'clients-copy.tsv');
    copyFileSync(fixture('seed-clients-1251.tsv'), copy);
    // A different file (one more blank line) with the same rows: nothing changes.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(copy, '\r\n');
    const res = await cli(t, 'import', 'clients', copy, '--json');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'imported', rows: 15, inserted: 0, updated: 0, unchanged: 15 });
    const list = await cli(t, 'imports', '--kind', 'clients', '--json');
    expect(JSON.parse(list.out).map((r: { state: string }) => r.state)).toEqual(['done', 'failed', 'done']);
  });

  it('updates only what changed and counts it', async () => {
    const path = writeTsv(t, 'clients-change.tsv', [
      ['Номер клиента', 'Клиент', 'Категория', 'Сумма ИО, руб/мес', 'Состояние', 'Ответственный ДИС'],
      ['198183 - Био Техно...', 'Био Техно...', 'A', '25 000,00', 'Обслуживается', 'Лукина Е.И.'],
      [196207, 'Лесопожарный центр', 'C', '7 800,00', 'Отключен', 'Лукина Е.И.'],
      [194799, 'ИП Глава КФХ Поплавский Геннадий Иосифович', 'C', '4 300,00', 'Обслуживается', 'Савостина К.А.'],
    ]);
    const res = await cli(t, 'import', 'clients', path, '--json', '--now', '2024-06-03T09:00:00+03:00');
    expect(JSON.parse(res.out)).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
    const { rows } = await t.app.pool.query(
      `SELECT number, name, monthly_fee, state, disconnected_on, flags FROM clients WHERE number IN (198183, 196207) ORDER BY number`,
    );
    expect(rows).toEqual([
      { number: 196207, name: 'Лесопожарный центр', monthly_fee: 7800, state: 'disconnected', disconnected_on: '2024-06-03', flags: [] },
      { number: 198183, name: 'Био Технология', monthly_fee: 25000, state: 'served', disconnected_on: null, flags: [] },
    ]);
  });

  it('reads .xlsx workbooks of the same layouts', async () => {
    const contacts = await cli(t, 'import', 'contacts', fixture('contacts.xlsx'), '--json');
    expect(contacts.err).toBe('');
    expect(JSON.parse(contacts.out)).toMatchObject({ rows: 5, inserted: 5, summary: { type: 'xlsx' } });
    const trainings = await cli(t, 'import', 'trainings', fixture('trainings.xlsx'), '--json');
    expect(JSON.parse(trainings.out)).toMatchObject({ rows: 3, inserted: 3, summary: { from: '2023-11-02', to: '2024-05-14' } });
    const { rows } = await t.app.pool.query(
      `SELECT k.full_name, k.position_type, k.is_lpr, k.contact_frequency_months, k.email, k.problem_areas, t.trained_on
         FROM contacts k LEFT JOIN trainings t ON t.contact_id = k.id ORDER BY k.full_name`,
    );
    expect(rows.find((r) => r.full_name === 'Квач Галина Александровна')).toMatchObject({
      position_type: 'accountant',
      is_lpr: true,
      contact_frequency_months: 1,
      trained_on: '2023-11-02',
    });
    expect(rows.find((r) => r.full_name === 'Бунина Алефтина Валентиновна')).toMatchObject({
      email: 'bunina@теплосеть.рф',
      problem_areas: ['лицензии'],
      trained_on: null,
    });
  });
});
