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
    expect(after.lprCalledSoon).toBe(0);
  });

  it('counts a call of the week that came less than three weeks after the person’s previous answered call', async () => {
    const db = t.app.pool;
    const remote = await addEmployee(db, { name: 'Савостина К.А.' });
    const lprWith = async (calls: [string, 'held' | 'not_held' | 'refused'][]) => {
      const client = await addClient(db, { remoteId: remote });
      const lpr = await addContact(db, { clientId: client, isLpr: true, fullName: `ЛПР ${client}` });
      for (const [at, outcome] of calls) await addEvent(db, client, { contactId: lpr, at: `${at}T09:00:00Z`, outcome });
    };
    const window = {
      weekStart: new Date('2024-07-08T00:00:00Z'),
      weekEnd: new Date('2024-07-15T00:00:00Z'),
      monthStart: new Date('2024-07-01T00:00:00Z'),
    };
    const before = (await weekFromDb(t.app, window)).lprCalledSoon;
    await lprWith([
      ['2024-06-25', 'held'],
      ['2024-07-09', 'held'],
    ]); // 14 days: soon, though the calls are in two months
    await lprWith([
      ['2024-06-10', 'held'],
      ['2024-07-09', 'refused'],
    ]); // 29 days: a month's rhythm
    await lprWith([
      ['2024-07-01', 'not_held'],
      ['2024-07-09', 'held'],
    ]); // the first try did not get through
    await lprWith([
      ['2024-07-16', 'held'],
      ['2024-07-02', 'held'],
    ]); // 14 days, but the later call is after this week
    expect((await weekFromDb(t.app, window)).lprCalledSoon - before).toBe(1);
  });
});
