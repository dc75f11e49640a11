/**
 * The monthly e-mail in daily waves paced to the calls, on the real PostgreSQL and Redis: the
 * dry run shows the waves per specialist and day; a scheduled run gives each decision maker one
 * message in the wave whose call (`callAfterWorkingDays` later) fits the specialist's day — no
 * day's calls above the places of a day, high-zone clients first — and a rerun adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { localDate, zonedTime } from '../../src/domain/dates.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { executeRun } from '../../src/queue/worker.js';
import { planMailingWaves } from '../../src/workload/waves.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addDecisionMakers, loadSample } from '../mailing/fixtures.js';

let t: TestEnv;
let ids: number[];
const TZ = 'Europe/Moscow';

beforeAll(async () => {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  t = await createTestEnv();
  await loadSample(t.app);
  ids = await addDecisionMakers(t.app, 60, { tag: 'waves', firstNumber: 620000 });
  // A personal norm of 5 calls a day, one kept for hand-offs: 4 calls a day at most.
  await t.app.pool.query(
    `UPDATE employees SET daily_capacity = 5 WHERE id = (SELECT c.remote_specialist_id FROM contacts k JOIN clients c ON c.id = k.client_id WHERE k.id = $1)`,
    [ids[0]],
  );
  // Two clients in the high zone: their e-mails go in the first wave.
  await t.app.pool.query(
    `INSERT INTO risk_scores (client_id, week, week_end, indicator, zone, computed_at)
     SELECT client_id, '2024-W22', '2024-06-02', 0.4, 'high', now() FROM contacts WHERE id = ANY($1::bigint[])`,
    [[ids[58], ids[59]]],
  );
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('the monthly e-mail in waves', () => {
  it('the dry run shows the waves per specialist and day, calls three working days after each e-mail', async () => {
    const res = await runCapturedCli(t.config, ['trigger', 'lpr-monthly', '--period', '2024-06', '--dry-run', '--json']);
    expect(res.code, res.err).toBe(0);
    const waves = JSON.parse(res.out).plan.waves as { specialist: string; day: string; emails: number; callsOn: string }[];
    expect(waves.reduce((n, w) => n + w.emails, 0)).toBe(60);
    expect(waves.every((w) => w.emails <= 4)).toBe(true);
    expect(waves[0]).toEqual({ specialist: 'Савостина К.А. waves', day: '2024-06-03', emails: 4, callsOn: '2024-06-06' });
    // 12.06 is a holiday: the e-mail of 07.06 is called on 13.06.
    expect(waves.find((w) => w.day === '2024-06-07')?.callsOn).toBe('2024-06-13');
    expect(waves.length).toBe(15);
    const text = (await runCapturedCli(t.config, ['trigger', 'lpr-monthly', '--period', '2024-06', '--dry-run'])).out;
    expect(text).toContain('Савостина К.А. waves  03.06.2024: 4 письма, звонки 06.06.2024');
    expect(await t.app.pool.query('SELECT 1 FROM messages')).toMatchObject({ rowCount: 0 });
  });

  it('a scheduled run e-mails each person once, in waves whose calls never exceed the day’s places; a rerun adds nothing', async () => {
    const run = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'schedule' });
    expect(run.stats).toMatchObject({ recipients: 60, messagesCreated: 60, queued: 60, waves: 15 });
    const { rows } = await t.app.pool.query<{ contact_id: number; send_after: Date }>(
      `SELECT m.contact_id, m.send_after FROM messages m JOIN mailings ml ON ml.id = m.mailing_id WHERE ml.period = '2024-06' ORDER BY send_after, contact_id`,
    );
    expect(new Set(rows.map((r) => r.contact_id)).size).toBe(60);
    const calls = new Map<string, number>();
    for (const r of rows) {
      const call = t.app.calendar.addWorkingDays(localDate(r.send_after, TZ), t.app.config.lpr.callAfterWorkingDays);
      calls.set(call, (calls.get(call) ?? 0) + 1);
    }
    expect(Math.max(...calls.values())).toBe(4);
    expect(calls.size).toBe(15);
    // The first wave at the mailing's own time, the others at sendHour of their day; high-zone clients first.
    expect(rows[0]?.send_after.toISOString()).toBe(run.stats.sendAfter);
    expect(rows.find((r) => localDate(r.send_after, TZ) === '2024-06-04')?.send_after).toEqual(new Date('2024-06-04T10:00:00+03:00'));
    const firstWave = rows.filter((r) => localDate(r.send_after, TZ) === '2024-06-03').map((r) => r.contact_id);
    expect(firstWave).toEqual(expect.arrayContaining([ids[58], ids[59]]));
    // Only the first wave may go now (reconcile after Redis lost its jobs re-adds no later wave).
    const { outboxMessageIds } = await import('../../src/db/messages.js');
    expect(await outboxMessageIds(t.app.pool, new Date('2024-06-03T18:00:00+03:00'))).toHaveLength(4);
    const again = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'schedule', force: true });
    expect(again.stats).toMatchObject({ messagesCreated: 0 });
    const after = await t.app.pool.query(`SELECT contact_id, send_after FROM messages ORDER BY send_after, contact_id`);
    expect(after.rows).toEqual(rows);
  });

  it('puts a decision maker called not long ago in a wave whose call is minDaysBetweenCalls on; the others keep their places', async () => {
    const db = t.app.pool;
    const { rows: who } = await db.query<{ id: number; client_id: number; specialist: number }>(
      `SELECT k.id, k.client_id, c.remote_specialist_id AS specialist FROM contacts k JOIN clients c ON c.id = k.client_id WHERE k.id = ANY($1)`,
      [ids],
    );
    const of = new Map(who.map((w) => [w.id, w]));
    const [called, mailedLate, high] = [ids[59], ids[57], ids[58]] as [number, number, number];
    // The high-zone ЛПР answered a call on Friday 28 June; another's June e-mail went that day (its call comes 3 July).
    await db.query(
      `INSERT INTO contact_events (client_id, contact_id, occurred_at, outcome, natural_key) VALUES ($1, $2, '2024-06-28T11:00:00+03:00', 'held', 'waves-test-call')`,
      [of.get(called)?.client_id, called],
    );
    await db.query(
      `UPDATE messages SET state = 'sent', sent_at = '2024-06-28T10:00:00+03:00' WHERE contact_id = $1 AND mailing_id = (SELECT id FROM mailings WHERE period = '2024-06')`,
      [mailedLate],
    );
    const recipients = ids.map((id) => ({
      contactId: id,
      specialistId: of.get(id)?.specialist ?? null,
      zoneRank: id === called || id === high ? 2 : 0,
      fee: 1000,
    }));
    const plan = await planMailingWaves(t.app, db, '2024-07', zonedTime('2024-07-01', 10, 0, TZ), recipients);
    const callOf = (id: number) => plan.callDay(plan.day.get(id) as string);
    expect(plan.day.get(high)).toBe('2024-07-01');
    // 21 days after 28 June is Friday 19 July: the e-mail of Tuesday 16 July, the first wave whose call is that late.
    expect(plan.day.get(called)).toBe('2024-07-16');
    expect(callOf(called)).toBe('2024-07-19');
    expect(callOf(mailedLate) >= '2024-07-24').toBe(true);
    expect(plan.day.size).toBe(60);
    // Nobody else waits: the first day is full (3 calls a day for 60 over July's 23 sending days).
    expect([...plan.day.values()].filter((d) => d === '2024-07-01')).toHaveLength(3);
  });
});
