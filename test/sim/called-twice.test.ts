/**
 * The simulation's «ЛПР: два разговора за месяц»: a decision maker counts when they answered
 * twice in the month (held, or refused to talk). A try that did not get through followed by a
 * held call is one contact reached late, not the person called twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekFromDb } from '../../src/sim/metrics.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';
import { addEvent } from '../health/fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;

beforeAll(async () => {
  t = await createTestEnv();
});
afterAll(() => t.close());

describe('simulation figures: ЛПР called twice in a month', () => {
  it('counts answered calls only', async () => {
    const db = t.app.pool;
    const remote = await addEmployee(db, { name: 'Лукина Е.И.' });
    const lprOf = async (outcomes: ('held' | 'not_held' | 'refused' | 'held_with_login')[]) => {
      const client = await addClient(db, { remoteId: remote });
      const lpr = await addContact(db, { clientId: client, isLpr: true, fullName: `ЛПР ${client}` });
      for (const [i, outcome] of outcomes.entries())
        await addEvent(db, client, { contactId: lpr, at: `2024-07-${String(3 + i).padStart(2, '0')}T09:00:00Z`, outcome });
    };
    await lprOf(['not_held', 'held']); // reached on the second try: not twice
    await lprOf(['not_held', 'not_held', 'not_held']); // never reached: not twice
    await lprOf(['held']);
    const window = {
      weekStart: new Date('2024-07-08T00:00:00Z'),
      weekEnd: new Date('2024-07-15T00:00:00Z'),
      monthStart: new Date('2024-07-01T00:00:00Z'),
    };
    const before = await weekFromDb(t.app, window);
    expect(before.lprCalledTwice).toBe(0);
    expect(before.lprReachedShare).toBeCloseTo(2 / 3, 2);

    await lprOf(['held', 'refused']); // answered twice
    await lprOf(['held_with_login', 'not_held', 'held']); // answered twice
    const after = await weekFromDb(t.app, window);
    expect(after.lprCalledTwice).toBe(2);
  });
});
