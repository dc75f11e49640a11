/**
 * The simulation's stand-in for autovacuum (src/sim/autovacuum.ts): a table changed past the
 * server's analyze threshold is analyzed, one with dead rows past the vacuum threshold is
 * vacuumed, and then nothing is due until it changes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autovacuum, autovacuumDue } from '../../src/sim/autovacuum.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { waitFor } from '../helpers/wait.js';

let t: TestEnv;

beforeAll(async () => {
  t = await createTestEnv();
});
afterAll(() => t.close());

const dueFor = async (table: string) => (await autovacuumDue(t.app.pool)).find((d) => d.table === table) ?? null;

describe('autovacuum over simulated hours', () => {
  it('analyzes a table whose changes passed the threshold, vacuums one with dead rows, then rests', async () => {
    const db = await t.app.pool.connect();
    try {
      await db.query('CREATE TABLE sim_av (id int PRIMARY KEY, v int)');
      await db.query('INSERT INTO sim_av SELECT g, 0 FROM generate_series(1, 5000) g');
      await db.query('SELECT pg_stat_force_next_flush()');
    } finally {
      db.release();
    }
    // The counters reach the statistics a moment after the transaction.
    expect(await waitFor('the insert counted', () => dueFor('sim_av'), 10_000)).toMatchObject({ analyze: true });
    await autovacuum(t.app.pool);
    const after = await t.app.pool.query(
      `SELECT last_analyze IS NOT NULL AS analyzed, c.reltuples FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'sim_av'`,
    );
    expect(after.rows[0]).toEqual({ analyzed: true, reltuples: 5000 });
    expect(await dueFor('sim_av')).toBeNull();

    // Half the rows updated: dead rows past 50 + 20 % of 5 000, changes past the analyze threshold.
    const db2 = await t.app.pool.connect();
    try {
      await db2.query('UPDATE sim_av SET v = 1 WHERE id <= 2500');
      await db2.query('SELECT pg_stat_force_next_flush()');
    } finally {
      db2.release();
    }
    expect(await waitFor('the update counted', () => dueFor('sim_av'), 10_000)).toEqual({ table: 'sim_av', vacuum: true, analyze: true });
    await autovacuum(t.app.pool);
    const vacuumed = await t.app.pool.query(
      `SELECT last_vacuum IS NOT NULL AS vacuumed, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'sim_av'`,
    );
    expect(vacuumed.rows[0]).toEqual({ vacuumed: true, n_dead_tup: 0 });
    expect(await dueFor('sim_av')).toBeNull();
  });
});
