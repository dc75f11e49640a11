import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/pool.js';
import { aucOf } from '../../src/domain/roc.js';
import { addClient } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;

async function scored(db: Queryable, clientId: number, indicator: number, lpr: number) {
  await db.query(
    `INSERT INTO risk_scores (client_id, week, week_end, training, lk, lpr_contact, logins, webinars, indicator, computed_indicator, computed_at)
     VALUES ($1, '2024-W27', '2024-07-07', 0.5, 0.5, $3, 0.5, 0.5, $2, $2, now())`,
    [clientId, indicator, lpr],
  );
}

async function changed(db: Queryable, clientId: number, toState: string, on: string, source = 'import') {
  await db.query(
    `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source) VALUES ($1, 'served', $2, $3, $4)`,
    [clientId, toState, on, source],
  );
}

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const c = async () => addClient(db, {});
  const [a, b, cc, d, e, f, g] = [await c(), await c(), await c(), await c(), await c(), await c(), await c()];
  // Left within 13 weeks of 2024-07-07: a (0,50), b (0,36), g (0,20). Stayed: c (0,36), d (0,30), e (0,20),
  // f (0,50, disconnected only after the horizon).
  await scored(db, a, 0.5, 0.5);
  await scored(db, b, 0.36, 0.5);
  await scored(db, cc, 0.36, 0.2);
  await scored(db, d, 0.3, 0.2);
  await scored(db, e, 0.2, 0.2);
  await scored(db, f, 0.5, 0.3);
  await scored(db, g, 0.2, 0.2);
  await changed(db, a, 'disconnected', '2024-08-01');
  await changed(db, b, 'disconnected', '2024-09-01', 'disconnection-date');
  await changed(db, g, 'disconnected', '2024-07-20');
  await changed(db, f, 'disconnected', '2024-12-01');
  await changed(db, e, 'liquidation', '2024-08-01');
  // The CRM's report covered a (0,36) and c (0,25).
  for (const [id, v] of [
    [a, 0.36],
    [cc, 0.25],
  ] as const) {
    await db.query(`INSERT INTO crm_deviations (client_id, week, indicator, imported_at) VALUES ($1, '2024-W27', $2, now())`, [id, v]);
  }
});
afterAll(async () => {
  await t.close();
});

describe('report indicator-quality', () => {
  it('computes the ROC AUC as the share of (left, stayed) pairs ordered right, ties half', () => {
    // Hand count: a beats c, d, e and ties f (3,5); b ties c, beats d, e (2,5); g ties e (0,5) → 6,5 of 12 pairs.
    expect(
      aucOf([
        { value: 0.5, left: 1, stayed: 1 },
        { value: 0.36, left: 1, stayed: 1 },
        { value: 0.3, left: 0, stayed: 1 },
        { value: 0.2, left: 1, stayed: 1 },
      ]),
    ).toBeCloseTo(6.5 / 12, 10);
    expect(aucOf([{ value: 0.5, left: 3, stayed: 0 }])).toBeNull();
  });

  it('shows per zone the clients scored and left, precision and recall of the high zone, and the AUC of the indicator, each component and the CRM', async () => {
    const res = await cli(t, 'report', 'indicator-quality', '--format', 'json');
    expect(res.code, res.err).toBe(0);
    const r = JSON.parse(res.out);
    expect(r.subtitle).toContain('горизонт 13 нед.');
    const [zones, quality] = r.sections;
    expect(zones.rows.filter((x: { measure: string }) => x.measure === 'Индикатор churnguard')).toEqual([
      { measure: 'Индикатор churnguard', zone: 'высокий риск', scored: 4, left: 2, share: 0.5 },
      { measure: 'Индикатор churnguard', zone: 'динамический риск', scored: 1, left: 0, share: 0 },
      { measure: 'Индикатор churnguard', zone: 'нет угрозы', scored: 2, left: 1, share: 0.5 },
    ]);
    const by = Object.fromEntries(quality.rows.map((x: { measure: string }) => [x.measure, x]));
    expect(by['Индикатор churnguard']).toEqual({
      measure: 'Индикатор churnguard',
      auc: 0.542,
      precision: 0.5,
      recall: 0.667,
      scored: 7,
      left: 3,
    });
    // ЛПР alone: a, b at 0,50 beat all four who stayed; g ties three of them → 9,5 of 12.
    expect(by['Показатель «Контакт с ЛПР»'].auc).toBe(0.792);
    expect(by['Показатель «Обучение»'].auc).toBe(0.5);
    expect(by['Индикатор КИС']).toMatchObject({ auc: 1, scored: 2, left: 1 });
  });

  it('evaluates other weights on the same history without changing anything', async () => {
    const before = (await t.app.pool.query('SELECT sum(indicator) AS s FROM risk_scores')).rows[0].s;
    const res = await cli(t, 'report', 'indicator-quality', '--weights', '0,0,1,0,0', '--horizon', '13', '--format', 'json');
    expect(res.code, res.err).toBe(0);
    const rows = JSON.parse(res.out).sections[1].rows;
    expect(rows.find((x: { measure: string }) => x.measure === 'Индикатор с весами 0, 0, 1, 0, 0')).toEqual({
      measure: 'Индикатор с весами 0, 0, 1, 0, 0',
      auc: 0.792,
      precision: 1,
      recall: 0.667,
      scored: 7,
      left: 3,
    });
    expect((await t.app.pool.query('SELECT sum(indicator) AS s FROM risk_scores')).rows[0].s).toBe(before);
    // A shorter horizon: only g (13 days after the week) left within 2 weeks.
    const short = JSON.parse((await cli(t, 'report', 'indicator-quality', '--horizon', '2', '--format', 'json')).out);
    expect(short.sections[1].rows[0]).toMatchObject({ left: 1, scored: 7 });
    const bad = await cli(t, 'report', 'indicator-quality', '--weights', '1,1,1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--weights: «1,1,1» — не 5 неотрицательных чисел');
  });
});
