import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture, importBase } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
  for (const [kind, file] of [
    ['online-usage', 'seed-online-usage.txt'],
    ['contacts', 'contacts.xlsx'],
  ]) {
    const res = await cli(t, 'import', kind as string, fixture(file as string));
    if (res.code !== 0) throw new Error(res.err);
  }
});
afterAll(() => t.close());

async function report(...argv: string[]) {
  const res = await cli(t, 'report', ...argv, '--format', 'json');
  expect(res.code, res.err).toBe(0);
  return JSON.parse(res.out).sections[0];
}

describe('reports of what came in', () => {
  it('lays out online usage like the CRM: one column per week headed с … по …, activity, a totals row', async () => {
    const s = await report('online-usage', '--from', '01.06.2024', '--to', '30.06.2024');
    expect(s.columns.map((c: { header: string }) => c.header)).toEqual([
      'Описание',
      'Активность',
      'с 01.06.2024 по 02.06.2024',
      'с 03.06.2024 по 09.06.2024',
      'с 10.06.2024 по 16.06.2024',
      'с 17.06.2024 по 23.06.2024',
      'с 24.06.2024 по 30.06.2024',
    ]);
    // Disconnected ЕвроСтоматология is not among the desk's clients any more.
    // 14 clients not disconnected; the two leaving ones (reorganisation, liquidation) in their own group.
    expect(s.rows).toHaveLength(12);
    const bio = s.rows.find((r: { client: string }) => r.client === '198183 - Био Технология');
    expect(Object.values(bio)).toEqual(['198183 - Био Технология', 'Да', 21, 14, 13, 21, 34]);
    expect(s.rows[0]).toMatchObject({ client: '192906 - Мин. СХ и прод. БО (Департамент АПК )', active: '' });
    expect(s.totals.client).toBe('Итого: (12)');
    // The week's logins of all 14, split between the served and the leaving group.
    const all = JSON.parse(
      (await cli(t, 'report', 'online-usage', '--from', '01.06.2024', '--to', '30.06.2024', '--format', 'json')).out,
    ).sections;
    expect(all[1].rows.map((r: { client: string }) => r.client.slice(0, 6)).sort()).toEqual(['194622', '194939']);
    expect(s.totals['w2024-06-24'] + all[1].totals['w2024-06-24']).toBe(6 + 9 + 2 + 3 + 5 + 3 + 1 + 0 + 2 + 34);
  });

  it('clips the first and last week to --from and --to and filters by department', async () => {
    const s = await report('online-usage', '--from', '2024-06-05', '--to', '2024-06-20');
    expect(s.columns.slice(2).map((c: { header: string }) => c.header)).toEqual([
      'с 05.06.2024 по 09.06.2024',
      'с 10.06.2024 по 16.06.2024',
      'с 17.06.2024 по 20.06.2024',
    ]);
    const none = await report('online-usage', '--from', '2024-06-05', '--to', '2024-06-20', '--department', 'Нет такого');
    expect(none.rows).toEqual([]);
    const bad = await cli(t, 'report', 'online-usage', '--from', '32.06.2024');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--from: «32\.06\.2024» — такой даты нет в календаре/);
  });

  it('shows per client whether ЛПР, ЛВПР and key user exist and can be reached, in table, csv and xlsx', async () => {
    const s = await report('contacts');
    const bio = s.rows.find((r: { client: string }) => r.client.startsWith('198183'));
    expect(bio).toMatchObject({
      remote: 'Савостина К.А.',
      lpr: 'Полчихина Елена Ивановна',
      lpr_email: 'Да',
      lpr_consent: 'Да',
      lvpr: 'Лазарева Анна Владимировна',
      key_user: 'Фурцева Алла Владимировна',
      gaps: '',
    });
    const teplo = s.rows.find((r: { client: string }) => r.client.startsWith('193221'));
    expect(teplo).toMatchObject({
      lvpr: 'Бунина Алефтина Валентиновна',
      lvpr_email: 'Да',
      lvpr_consent: 'Нет',
      gaps: 'ЛВПР: нет согласия на рассылку',
    });
    const other = s.rows.find((r: { client: string }) => r.client.startsWith('194455'));
    expect(other.gaps).toBe('нет ЛПР; нет ЛВПР; нет Ключевой пользователь');
    const problems = await report('contacts', '--problems');
    // 13 clients have gaps; the two leaving ones (reorganisation, liquidation) are in their own group.
    expect(problems.rows).toHaveLength(11);
    const all = JSON.parse((await cli(t, 'report', 'contacts', '--problems', '--format', 'json')).out).sections;
    expect(all[1].title).toBe('Клиенты в ликвидации или реорганизации');
    expect(all[1].rows.map((r: { client: string }) => r.client.slice(0, 6)).sort()).toEqual(['194622', '194939']);
    const table = await cli(t, 'report', 'contacts');
    expect(table.out).toMatch(/^Контактные лица \(ЛПР, ЛВПР\)/);
    const out = join(t.varDir, 'contacts.xlsx');
    expect((await cli(t, 'report', 'contacts', '--format', 'xlsx', '--out', out)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets[0]?.getRow(1).getCell(3).value).toBe('ЛПР');
  });
});
