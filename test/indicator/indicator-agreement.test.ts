import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/pool.js';
import { addClient } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;

type Five = [number, number, number, number, number];

/** churnguard's stored row of a week (its own components and value). */
async function scored(db: Queryable, clientId: number, week: string, c: Five, indicator: number) {
  await db.query(
    `INSERT INTO risk_scores (client_id, week, week_end, training, lk, lpr_contact, logins, webinars, indicator, zone, computed_indicator,
                              computed_zone, computed_at)
     VALUES ($1, $2, '2024-07-07', $3, $4, $5, $6, $7, $8, NULL, $8, NULL, now())`,
    [clientId, week, ...c, indicator],
  );
}

async function crm(db: Queryable, clientId: number, week: string, c: Five, indicator: number) {
  await db.query(
    `INSERT INTO crm_deviations (client_id, week, training, lk, lpr_contact, logins, webinars, indicator, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
    [clientId, week, ...c, indicator],
  );
}

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const c = async (number: number) => addClient(db, { number, name: `Клиент ${number}` });
  const [a, b, d, e, f] = [await c(204036), await c(193254), await c(203612), await c(205749), await c(204583)];
  const high: Five = [0.5, 0.5, 0.5, 0.5, 0.5];
  const low: Five = [0.2, 0.2, 0.2, 0.2, 0.2];
  // 2024-W27: a and b agree (high / none); d: CRM high, churnguard dynamic; e: CRM none, churnguard high.
  await scored(db, a, '2024-W27', high, 0.5);
  await crm(db, a, '2024-W27', high, 0.36);
  await scored(db, b, '2024-W27', low, 0.2);
  await crm(db, b, '2024-W27', low, 0.2);
  await scored(db, d, '2024-W27', [0.2, 0.5, 0.3, 0.3, 0.2], 0.3);
  await crm(db, d, '2024-W27', [0.2, 0.5, 0.5, 0.3, 0.2], 0.37);
  await scored(db, e, '2024-W27', high, 0.5);
  await crm(db, e, '2024-W27', [0.5, 0.2, 0.5, 0.5, 0.5], 0.25);
  // f has only churnguard's value: not counted.
  await scored(db, f, '2024-W27', high, 0.5);
  // 2024-W26: all agree.
  await scored(db, a, '2024-W26', high, 0.5);
  await crm(db, a, '2024-W26', high, 0.36);
  await scored(db, b, '2024-W26', low, 0.2);
  await crm(db, b, '2024-W26', low, 0.2);
});
afterAll(async () => {
  await t.close();
});

describe('report indicator-agreement', () => {
  it('shows the 3×3 zones table CRM × churnguard of the latest week with both, and the share that agrees', async () => {
    const res = await cli(t, 'report', 'indicator-agreement', '--format', 'json');
    expect(res.code, res.err).toBe(0);
    const r = JSON.parse(res.out);
    expect(r.sections).toHaveLength(1);
    const s = r.sections[0];
    expect(s.title).toContain('Неделя 27 (01.07–07.07.2024)');
    expect(s.rows).toEqual([
      { crm: 'высокий риск', high: 1, dynamic: 1, none: 0, total: 2 },
      { crm: 'динамический риск', high: 0, dynamic: 0, none: 0, total: 0 },
      { crm: 'нет угрозы', high: 1, dynamic: 0, none: 1, total: 2 },
    ]);
    expect(s.totals).toEqual({ crm: 'Итого', high: 2, dynamic: 1, none: 1, total: 4 });
    expect(s.notes).toEqual(['Зоны совпадают у 2 из 4 клиентов (50 %).']);
    // The chart over the weeks: W26 all agree, W27 half.
    expect(r.charts[0]).toMatchObject({ kind: 'lines', series: [{ values: [1, 0.5] }] });
  });

  it('with --weeks 2 shows a table per week', async () => {
    const r = JSON.parse((await cli(t, 'report', 'indicator-agreement', '--weeks', '2', '--format', 'json')).out);
    expect(r.sections.map((s: { title: string; notes: string[] }) => [s.title.slice(0, 28), s.notes[0]])).toEqual([
      ['Неделя 27 (01.07–07.07.2024)', 'Зоны совпадают у 2 из 4 клиентов (50 %).'],
      ['Неделя 26 (24.06–30.06.2024)', 'Зоны совпадают у 2 из 2 клиентов (100 %).'],
    ]);
  });

  it('with --disagreements names exactly the clients whose zones differ, with both values and the differing components', async () => {
    const r = JSON.parse((await cli(t, 'report', 'indicator-agreement', '--week', '2024-W27', '--disagreements', '--format', 'json')).out);
    expect(r.sections[0].rows).toEqual([
      {
        week: 'неделя 27 (01.07–07.07.2024)',
        description: '203612 - Клиент 203612',
        crm: 0.37,
        crmZone: 'высокий риск',
        computed: 0.3,
        computedZone: 'динамический риск',
        components: 'Контакт с ЛПР: КИС 0,50, churnguard 0,30',
      },
      {
        week: 'неделя 27 (01.07–07.07.2024)',
        description: '205749 - Клиент 205749',
        crm: 0.25,
        crmZone: 'нет угрозы',
        computed: 0.5,
        computedZone: 'высокий риск',
        components: 'Использование ЛК: КИС 0,20, churnguard 0,50',
      },
    ]);
    const html = await cli(t, 'report', 'indicator-agreement', '--format', 'html');
    expect(html.out).toContain('Доля клиентов, у которых зона по КИС и по churnguard совпадает');
  });
});
