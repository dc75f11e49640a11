/**
 * The monthly e-mail's waves end to end, day by day over a month on the real PostgreSQL, Redis
 * and SMTP, at the times the schedule runs them (the plan at 07:30, `lpr-call-tasks` at 09:00,
 * each wave's e-mails from 10:00): every e-mail reaches its decision maker once, its ЛПР call
 * task comes `lpr.callAfterWorkingDays` working days later and is planned on that very day in
 * the specialist's plan, next to other work, and no day of the plan holds more than the norm;
 * a rerun of the month sends nothing and creates no call twice. The other work would fill every
 * day: the plan holds the places of the calls the waves announced (the morning plan runs before
 * the call tasks exist), and each call's visit takes its place when it comes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, setClock } from '../../src/clock.js';
import { outboxMessageIds } from '../../src/db/messages.js';
import { insertTasks } from '../../src/db/tasks.js';
import { type IsoDate, localDate, zonedTime } from '../../src/domain/dates.js';
import { lprCallTasks } from '../../src/jobs/lpr-call-tasks.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { executeItem, executeRun } from '../../src/queue/worker.js';
import { closeVisit } from '../../src/workload/close-visit.js';
import { planWork } from '../../src/workload/plan-work.js';
import { addClient } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addDecisionMakers, loadSample } from '../mailing/fixtures.js';

const TZ = 'Europe/Moscow';
const at = (day: IsoDate, h: number, m = 0) => zonedTime(day, h, m, TZ);
const PEOPLE = 24;
/** The specialist's norm: 5 a day, one kept for hand-offs, so 4 places for calls and other work. */
const NORM = 5;

let t: TestEnv;
let smtp: TestSmtp;
let contacts: number[];
let specialist: number;

beforeAll(async () => {
  setClock(at('2024-06-03', 10));
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  await loadSample(t.app);
  contacts = await addDecisionMakers(t.app, PEOPLE, { tag: 'wave-calls', firstNumber: 640000 });
  const { rows } = await t.app.pool.query(
    `SELECT c.remote_specialist_id AS id FROM contacts k JOIN clients c ON c.id = k.client_id WHERE k.id = $1`,
    [contacts[0]],
  );
  specialist = rows[0].id;
  await t.app.pool.query('UPDATE employees SET daily_capacity = $2 WHERE id = $1', [specialist, NORM]);
  // Other work of the month: three clients at risk to review each working day from 04.06 to
  // 21.06, each within two working days: with two calls on a day the places do not hold it all.
  const reviewDays = t.app.calendar.workingDaysIn('2024-06-04', '2024-06-21');
  const reviews = [];
  for (const [i, day] of reviewDays.entries()) {
    for (const k of [0, 1, 2]) {
      const clientId = await addClient(t.app.pool, { remoteId: specialist, number: 641000 + i * 3 + k });
      reviews.push({
        kind: 'risk-review',
        title: `Клиент с высоким риском ${i * 3 + k}`,
        assigneeId: specialist,
        clientId,
        plannedAt: at(day, 9),
        dueAt: at(t.app.calendar.addWorkingDays(day, 2), 18),
        dedupKey: `wave-calls.review.${i * 3 + k}`,
        createdBy: 'test',
      });
    }
  }
  await insertTasks(t.app.pool, reviews, at('2024-06-03', 9));
});
afterAll(async () => {
  setClock(null);
  await t?.close();
  await smtp?.close();
});

/** Send, as the send worker does, every message whose wave has come; how many were due. */
async function sendDue(): Promise<number> {
  const due = await outboxMessageIds(t.app.pool, now());
  for (const id of due) await executeItem(t.app, sendEmail, { kind: 'message', id }, null);
  return due.length;
}

describe('the monthly e-mail’s waves and the calls that follow', () => {
  const sentOn = new Map<number, IsoDate>();
  const calledOn = new Map<number, IsoDate>();
  const perDay = new Map<IsoDate, number>();

  it('e-mails each decision maker once and plans each call on its day, callAfterWorkingDays later, never above the norm', async () => {
    const run = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'schedule' });
    expect(run.stats).toMatchObject({ recipients: PEOPLE, messagesCreated: PEOPLE });
    const after = t.app.config.lpr.callAfterWorkingDays;
    for (const day of t.app.calendar.workingDaysIn('2024-06-03', '2024-07-05')) {
      if (day > '2024-06-03') {
        setClock(at(day, 7, 30));
        await planWork(t.app);
        setClock(at(day, 9));
        await executeRun(t.app, lprCallTasks, { period: day, trigger: 'schedule' });
        setClock(at(day, 10, 5));
      }
      await sendDue();
      const { rows: sent } = await t.app.pool.query<{ contact_id: number; sent_at: Date }>(
        `SELECT contact_id, sent_at FROM messages WHERE state = 'sent'`,
      );
      for (const r of sent) if (!sentOn.has(r.contact_id)) sentOn.set(r.contact_id, localDate(r.sent_at, TZ));
      // The call tasks created today, where today's plan holds them.
      const { rows: calls } = await t.app.pool.query<{ contact_id: number; planned_on: IsoDate | null }>(
        `SELECT t.contact_id, v.planned_on FROM tasks t LEFT JOIN visits v ON v.id = t.visit_id
          WHERE t.kind = 'lpr-call' AND (t.created_at AT TIME ZONE $1)::date = $2`,
        [TZ, day],
      );
      for (const c of calls) calledOn.set(c.contact_id, c.planned_on ?? 'не в плане');
      const { rows: today } = await t.app.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM visits WHERE assignee_id = $1 AND planned_on = $2 AND state <> 'cancelled'`,
        [specialist, day],
      );
      perDay.set(day, today[0]?.n ?? 0);
      // The specialist holds today's visits, each closed with the diary's one outcome form.
      setClock(at(day, 16));
      const { rows: held } = await t.app.pool.query<{ id: number }>(
        `SELECT id FROM visits WHERE assignee_id = $1 AND planned_on = $2 AND state = 'open'`,
        [specialist, day],
      );
      for (const v of held) expect((await closeVisit(t.app, v.id, { outcome: 'held' })).kind).toBe('done');
    }
    // Each decision maker e-mailed once, over more than one wave.
    expect(smtp.messages.length).toBe(PEOPLE);
    expect(new Set(smtp.messages.flatMap((m) => m.to)).size).toBe(PEOPLE);
    expect(sentOn.size).toBe(PEOPLE);
    expect(new Set(sentOn.values()).size).toBeGreaterThan(5);
    // Each call planned exactly callAfterWorkingDays after its e-mail.
    const mismatches = [...sentOn].filter(([contact, sent]) => calledOn.get(contact) !== t.app.calendar.addWorkingDays(sent, after));
    expect(mismatches).toEqual([]);
    expect(calledOn.size).toBe(PEOPLE);
    // Never more visits on a day than the norm, calls sharing days with the other work, all of it done.
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(NORM);
    const { rows: shared } = await t.app.pool.query<{ n: number }>(
      `SELECT count(DISTINCT v.planned_on)::int AS n FROM visits v
        WHERE v.assignee_id = $1 AND EXISTS (SELECT 1 FROM tasks x WHERE x.visit_id = v.id AND x.kind = 'risk-review')
          AND v.planned_on IN (SELECT w.planned_on FROM visits w JOIN tasks y ON y.visit_id = w.id WHERE y.kind = 'lpr-call')`,
      [specialist],
    );
    expect(shared[0]?.n).toBeGreaterThan(5);
    const { rows: open } = await t.app.pool.query(`SELECT count(*)::int AS n FROM tasks WHERE assignee_id = $1 AND state = 'open'`, [
      specialist,
    ]);
    expect(open[0].n).toBe(0);
  });

  it('a rerun of the month sends nothing and creates no call twice', async () => {
    const before = smtp.messages.length;
    const again = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'schedule', force: true });
    expect(again.stats).toMatchObject({ messagesCreated: 0 });
    expect(await sendDue()).toBe(0);
    await executeRun(t.app, lprCallTasks, { period: '2024-07-05', trigger: 'schedule', force: true });
    expect(smtp.messages.length).toBe(before);
    const { rows } = await t.app.pool.query(`SELECT count(*)::int AS n FROM tasks WHERE kind = 'lpr-call'`);
    expect(rows[0].n).toBe(PEOPLE);
  });
});
