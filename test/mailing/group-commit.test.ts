/**
 * The send path's group commit (src/db/coalesce.ts) on the real PostgreSQL: claims that arrive
 * together go out in fewer statements than claims, each row to exactly the caller that asked for
 * it, and a failed batch fails each of its callers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/db/coalesce.js';
import { type ClaimedMessage, claimMessages } from '../../src/db/messages.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { executeRun } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addDecisionMakers, loadSample } from './fixtures.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await loadSample(t.app);
  await addDecisionMakers(t.app, 200, { tag: 'group' });
  await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
});
afterAll(() => t?.close());

describe('group commit of claims', () => {
  it('claims 200 messages asked for at once in fewer statements, each row once and to its own caller', async () => {
    const { rows } = await t.app.pool.query<{ id: number }>('SELECT id FROM messages ORDER BY id');
    expect(rows).toHaveLength(200);
    const batches: number[] = [];
    const c = new Coalescer<{ id: number; token: string; at: Date }, ClaimedMessage | null>(async (items) => {
      batches.push(items.length);
      return claimMessages(t.app.pool, items);
    });
    // Every id asked for twice: the second caller of an id must get nothing.
    const asks = [...rows, ...rows].map((r) => ({ id: r.id, token: randomUUID(), at: new Date() }));
    const got = await Promise.all(asks.map((a) => c.submit(a)));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(400);
    expect(batches.length).toBeLessThan(400 / 4);
    const claimed = got.filter((g): g is ClaimedMessage => g !== null);
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed.map((g) => g.id)).size).toBe(200);
    for (const [i, g] of got.entries()) if (g) expect(g.id).toBe(asks[i]?.id);
    const { rows: state } = await t.app.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT claim_token)::int AS tokens, max(attempts)::int AS attempts FROM messages WHERE state = 'sending'`,
    );
    expect(state[0]).toEqual({ n: 200, tokens: 200, attempts: 1 });
  });

  it('fails every caller of a failed batch, and the next batch goes on', async () => {
    let calls = 0;
    const c = new Coalescer<number, number>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error('first batch refused');
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxBatch: 256 },
    );
    const first = c.submit(1);
    const rest = [2, 3, 4].map((i) => c.submit(i));
    await expect(first).rejects.toThrow('first batch refused');
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(calls).toBe(2);
  });
});
