import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture, importBase } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
});
afterAll(() => t.close());

describe('the CRM files as they come', () => {
  it('reads a Windows-1251 file with CRLF line ends and non-breaking spaces in the fees', async () => {
    await importBase(t);
    const { rows } = await t.app.pool.query(
      `SELECT c.number, c.name, c.category, c.monthly_fee, c.state, c.flags, c.primary_advance_until, r.name AS remote, f.name AS field
         FROM clients c JOIN employees r ON r.id = c.remote_specialist_id LEFT JOIN employees f ON f.id = c.field_specialist_id
        ORDER BY c.number`,
    );
    expect(rows).toHaveLength(15);
    expect(rows[0]).toMatchObject({ number: 192906, name: 'Мин. СХ и прод. БО (Департамент АПК )', category: 'A', monthly_fee: 45000 });
    const megaprint = rows.find((r) => r.number === 193556);
    expect(megaprint).toMatchObject({ state: 'primary_advance', primary_advance_until: '2024-06-30', remote: 'Савостина К.А.' });
    expect(rows.find((r) => r.number === 194939)?.name).toBe('Магазин №6 Промтовары');
    expect(rows.find((r) => r.number === 195996)?.flags).toEqual(['double', 'retention']);
    expect(rows.find((r) => r.number === 193221)).toMatchObject({ monthly_fee: 12500, remote: 'Лукина Е.И.', field: 'Нелина А.Ю.' });
    expect(rows.find((r) => r.number === 197084)?.monthly_fee).toBe(14999.99);
  });

  it("imports the seed's online-usage table as it stands", async () => {
    const res = await cli(t, 'import', 'online-usage', fixture('seed-online-usage.txt'), '--json');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.out);
    expect(out).toMatchObject({ status: 'imported', rows: 75, inserted: 75, updated: 0, unchanged: 0 });
    expect(out.summary).toMatchObject({ from: '2024-06-01', to: '2024-06-30', clients: 15 });
    const { rows } = await t.app.pool.query(
      `SELECT o.period_start, o.period_end, o.logins, c.online_active FROM online_usage o JOIN clients c ON c.id = o.client_id
        WHERE c.number = 198183 ORDER BY o.period_start`,
    );
    expect(rows.map((r) => [r.period_start, r.period_end, r.logins])).toEqual([
      ['2024-06-01', '2024-06-02', 21],
      ['2024-06-03', '2024-06-09', 14],
      ['2024-06-10', '2024-06-16', 13],
      ['2024-06-17', '2024-06-23', 21],
      ['2024-06-24', '2024-06-30', 34],
    ]);
    expect(rows[0].online_active).toBe(true);
    const activity = await t.app.pool.query(`SELECT number, online_active FROM clients WHERE number IN (192906, 197255) ORDER BY number`);
    expect(activity.rows).toEqual([
      { number: 192906, online_active: null },
      { number: 197255, online_active: false },
    ]);
  });
});
