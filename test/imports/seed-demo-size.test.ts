/** The demo RIC at any size: person names unique within a client, so its own import takes every file. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { generateRic } from '../../src/demo-data/model.js';
import { nameKey } from '../../src/imports/people.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  setClock(new Date('2024-06-03T09:00:00+03:00'));
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('seed-demo at size', () => {
  it('never repeats a person within a client, in either contacts snapshot', () => {
    const ric = generateRic({ clients: 10_000, seed: 1, today: '2024-06-03' });
    let repeats = 0;
    for (const c of ric.clients) {
      for (const list of [c.contacts, c.contactsBefore]) {
        const keys = list.map((k) => nameKey(k.name));
        repeats += keys.length - new Set(keys).size;
      }
    }
    expect(repeats).toBe(0);
  });

  it('imports 5 000 clients with every file accepted', { timeout: 300_000 }, async () => {
    const res = await cli(t, 'seed-demo', '--clients', '5000', '--dir', join(t.varDir, 'seed-5000'), '--json');
    expect(res.code, res.err).toBe(0);
    const outcomes = JSON.parse(res.out).outcomes as { kind: string; status: string }[];
    expect(outcomes.filter((o) => o.status !== 'imported')).toEqual([]);
    const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM clients');
    expect(rows[0].n).toBe(5000);
  });
});
