/**
 * The planner on the real PostgreSQL: visits gather every open reason of a client and person,
 * a day holds exactly capacity, the rest is overflow with its reason, today's plan stays put, a
 * reason arriving later joins the planned visit, a person on leave gets no plan, and one outcome
 * form closes a visit with one contact event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { insertTasks, type NewTask } from '../../src/db/tasks.js';
import { dayVisits, openVisitOf, overflowVisits, visitById } from '../../src/db/visits.js';
import { zonedTime } from '../../src/domain/dates.js';
import { closeVisit } from '../../src/workload/close-visit.js';
import { planWork } from '../../src/workload/plan-work.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let dep: number;
const TZ = 'Europe/Moscow';
const MON = '2024-06-03';
const TUE = '2024-06-04';
const at = (day: string, h = 8) => zonedTime(day, h, 0, TZ);

beforeAll(async () => {
  t = await createTestEnv({ overrides: { workload: { remote: 5, field: 4, head: 3, reserveShare: 0.2, defaultDueWorkingDays: 5 } } });
  dep = await addDepartment(t.app.pool);
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

let seq = 0;
function task(assigneeId: number, clientId: number, kind: string, due: string, extra: Partial<NewTask> = {}): NewTask {
  seq++;
  return {
    kind,
    title: `${kind} ${seq}`,
    assigneeId,
    clientId,
    plannedAt: at(MON, 9),
    dueAt: zonedTime(due, 18, 0, TZ),
    dedupKey: `test-plan.${kind}.${seq}`,
    createdBy: 'test',
    ...extra,
  };
}

async function openVisits(employeeId: number) {
  const { rows } = await t.app.pool.query(
    `SELECT v.*, (SELECT count(*)::int FROM tasks x WHERE x.visit_id = v.id AND x.state = 'open') AS reasons
       FROM visits v WHERE v.assignee_id = $1 AND v.state = 'open' ORDER BY v.id`,
    [employeeId],
  );
  return rows;
}

describe('a day with more work than capacity', () => {
  let who: number;
  const clients: number[] = [];

  it('plans at most capacity less the reserve on each day, and lists the rest as overflow with its reason', async () => {
    who = await addEmployee(t.app.pool, { role: 'remote', departmentId: dep });
    for (let i = 0; i < 10; i++) clients.push(await addClient(t.app.pool, { remoteId: who, fee: 10000 + i * 1000 }));
    await insertTasks(
      t.app.pool,
      clients.map((c) => task(who, c, 'risk-review', TUE)),
      at(MON),
    );
    const stats = await planWork(t.app, { date: MON, at: at(MON) });
    expect(stats).toMatchObject({ from: MON });
    const visits = await openVisits(who);
    expect(visits).toHaveLength(10);
    // Capacity 5 with 20 % kept for hand-offs: 4 regular visits a day, two days to the deadline.
    const perDay = new Map<string, number>();
    for (const v of visits) if (v.planned_on) perDay.set(v.planned_on, (perDay.get(v.planned_on) ?? 0) + 1);
    expect(Object.fromEntries(perDay)).toEqual({ [MON]: 4, [TUE]: 4 });
    const over = visits.filter((v) => !v.planned_on);
    expect(over).toHaveLength(2);
    for (const v of over) expect(v.overflow_reason).toBe('не помещается до срока 04.06: 10 визитов на 2 рабочих дня при норме 5');
    // Higher fees first among equal deadlines and zones: the two cheapest clients overflow.
    expect(over.map((v) => v.client_id).sort()).toEqual(clients.slice(0, 2).sort());
    expect((await overflowVisits(t.app.pool, dep)).map((v) => v.id).sort()).toEqual(over.map((v) => v.id).sort());
  });

  it('a hand-off takes the place kept free for it, never more than capacity', async () => {
    const c1 = await addClient(t.app.pool, { remoteId: who });
    const c2 = await addClient(t.app.pool, { remoteId: who });
    await insertTasks(t.app.pool, [task(who, c1, 'signal', MON), task(who, c2, 'signal', MON)], at(MON));
    await planWork(t.app, { date: MON, at: at(MON, 10) });
    const today = await dayVisits(t.app.pool, who, MON);
    expect(today).toHaveLength(5);
    const signals = (await openVisits(who)).filter((v) => v.client_id === c1 || v.client_id === c2);
    expect(signals.filter((v) => v.planned_on === MON)).toHaveLength(1);
    // The second signal is due today and today is full: overflow, not a sixth visit.
    expect(signals.find((v) => v.planned_on !== MON)?.overflow_reason).toMatch(/^не помещается до срока 03\.06/);
  });

  it('keeps today’s visits where they are when higher-value work arrives, and a rerun changes nothing', async () => {
    const before = (await dayVisits(t.app.pool, who, MON)).map((v) => v.id).sort();
    const rich = await addClient(t.app.pool, { remoteId: who, fee: 900000 });
    await insertTasks(t.app.pool, [task(who, rich, 'risk-review', TUE)], at(MON, 11));
    await planWork(t.app, { date: MON, at: at(MON, 11) });
    expect((await dayVisits(t.app.pool, who, MON)).map((v) => v.id).sort()).toEqual(before);
    // The rich client takes a place on Tuesday from a cheaper one.
    expect((await openVisitOf(t.app.pool, rich, who))?.planned_on).toBe(TUE);
    const snapshot = await openVisits(who);
    await planWork(t.app, { date: MON, at: at(MON, 12) });
    const again = await openVisits(who);
    expect(again.map((v) => [v.id, v.planned_on, v.overflow_reason])).toEqual(snapshot.map((v) => [v.id, v.planned_on, v.overflow_reason]));
  });

  it('the next morning, a personal norm (daily_capacity) overrides the role’s', async () => {
    await t.app.pool.query('UPDATE employees SET daily_capacity = 10 WHERE id = $1', [who]);
    await planWork(t.app, { date: TUE, at: at(TUE, 7) });
    const visits = await openVisits(who);
    // Monday is over: everything left is planned on Tuesday (8 regular places of 10) or overflows.
    expect(visits.filter((v) => v.planned_on === TUE).length).toBeLessThanOrEqual(10);
    expect(visits.filter((v) => v.planned_on === MON)).toHaveLength(0);
    expect(visits.every((v) => v.planned_on !== null || v.overflow_reason)).toBe(true);
  });
});

describe('one visit per client and person', () => {
  let who: number;
  let client: number;
  let contact: number;
  let ids: Map<string, number>;

  it('gathers an ЛПР call, a risk review and a diagnostics task into one visit', async () => {
    who = await addEmployee(t.app.pool, { role: 'remote', departmentId: dep });
    client = await addClient(t.app.pool, { remoteId: who });
    contact = await addContact(t.app.pool, { clientId: client, isLpr: true, fullName: 'Фисун Елена Александровна' });
    ids = await insertTasks(
      t.app.pool,
      [
        task(who, client, 'lpr-call', TUE, { contactId: contact, dedupKey: 'v.lpr' }),
        task(who, client, 'risk-review', '2024-06-10', { dedupKey: 'v.risk' }),
        task(who, client, 'competitor-diagnostics', '2024-06-28', { dedupKey: 'v.diag' }),
      ],
      at(MON),
    );
    await planWork(t.app, { date: MON, at: at(MON) });
    const visits = await openVisits(who);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ client_id: client, reasons: 3, due_on: TUE, planned_on: MON });
    const v = await openVisitOf(t.app.pool, client, who);
    expect(v?.reasons.map((r) => r.kind)).toEqual(['lpr-call', 'risk-review', 'competitor-diagnostics']);
  });

  it('a signal arriving for the planned client joins the visit', async () => {
    const [visit] = await openVisits(who);
    await insertTasks(t.app.pool, [task(who, client, 'signal', '2024-06-05', { dedupKey: 'v.signal' })], at(MON, 12));
    await planWork(t.app, { date: MON, at: at(MON, 12) });
    const after = await openVisits(who);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: visit.id, reasons: 4, planned_on: MON });
  });

  it('one outcome form asks each diagnostics its result, then closes every reason with one contact event', async () => {
    setClock(at(MON, 15));
    const [visit] = await openVisits(who);
    const incomplete = await closeVisit(t.app, visit.id, { outcome: 'held' });
    expect(incomplete).toMatchObject({ kind: 'incomplete' });
    expect(
      (await t.app.pool.query(`SELECT count(*)::int AS n FROM tasks WHERE visit_id = $1 AND state = 'open'`, [visit.id])).rows[0].n,
    ).toBe(4);
    const risk = ids.get('v.risk') as number;
    const diag = ids.get('v.diag') as number;
    const res = await closeVisit(t.app, visit.id, {
      outcome: 'held',
      note: 'обучить, проработать вебинары, задать пробный запрос на ГЛ',
      reasons: { [diag]: { outcome: 'no-competitor' }, [risk]: { note: 'нет пользователей: обучение 12.06' } },
    });
    expect(res).toMatchObject({ kind: 'done', changed: true, left: [] });
    const { rows: tasks } = await t.app.pool.query('SELECT id, kind, state, outcome, note FROM tasks WHERE visit_id = $1 ORDER BY id', [
      visit.id,
    ]);
    expect(tasks.map((x) => [x.kind, x.state, x.outcome])).toEqual([
      ['lpr-call', 'done', 'held'],
      ['risk-review', 'done', 'held'],
      ['competitor-diagnostics', 'done', 'no_competitor'],
      ['signal', 'done', 'held'],
    ]);
    expect(tasks.find((x) => x.id === risk)?.note).toBe('нет пользователей: обучение 12.06');
    const { rows: events } = await t.app.pool.query('SELECT * FROM contact_events WHERE client_id = $1', [client]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ natural_key: `visit.${visit.id}`, outcome: 'held', contact_id: contact, task_id: ids.get('v.lpr') });
    expect(events[0].goal).toMatch(/^Контакт с клиентом: /);
    // Closing again records nothing more.
    const again = await closeVisit(t.app, visit.id, { outcome: 'held' });
    expect(again).toMatchObject({ kind: 'done', changed: false, eventId: events[0].id });
    expect((await visitById(t.app.pool, visit.id))?.state).toBe('done');
    expect(await openVisits(who)).toHaveLength(0);
  });

  it('a contact not reached leaves the diagnostics open for a visit of its own', async () => {
    const c = await addClient(t.app.pool, { remoteId: who });
    const k = await addContact(t.app.pool, { clientId: c, isLpr: true });
    const made = await insertTasks(
      t.app.pool,
      [task(who, c, 'lpr-call', TUE, { contactId: k }), task(who, c, 'competitor-diagnostics', '2024-06-28')],
      at(MON),
    );
    await planWork(t.app, { date: MON, at: at(MON, 13) });
    const v = await openVisitOf(t.app.pool, c, who);
    const res = await closeVisit(t.app, v?.id as number, { outcome: 'not-reached' });
    expect(res).toMatchObject({ kind: 'done', left: [[...made.values()][1]] });
    await planWork(t.app, { date: MON, at: at(MON, 16) });
    const next = await openVisitOf(t.app.pool, c, who);
    expect(next?.id).not.toBe(v?.id);
    expect(next?.reasons.map((r) => r.kind)).toEqual(['competitor-diagnostics']);
  });
});

describe('a specialist on leave', () => {
  it('gets no plan while away; work due during the leave is overflow offered to the head', async () => {
    const who = await addEmployee(t.app.pool, { role: 'field', departmentId: dep });
    await t.app.pool.query(`INSERT INTO employee_absences (employee_id, from_date, to_date) VALUES ($1, '2024-06-03', '2024-06-07')`, [
      who,
    ]);
    const urgent = await addClient(t.app.pool, { fieldId: who });
    const later = await addClient(t.app.pool, { fieldId: who });
    await insertTasks(t.app.pool, [task(who, urgent, 'signal', '2024-06-05'), task(who, later, 'risk-review', '2024-06-14')], at(MON));
    await planWork(t.app, { date: MON, at: at(MON) });
    const urgentVisit = await openVisitOf(t.app.pool, urgent, who);
    expect(urgentVisit).toMatchObject({ planned_on: null, overflow_reason: 'сотрудник отсутствует по 07.06: передайте визит другому' });
    expect((await openVisitOf(t.app.pool, later, who))?.planned_on).toBe('2024-06-10');
    for (const d of ['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07'])
      expect(await dayVisits(t.app.pool, who, d)).toHaveLength(0);
    expect((await overflowVisits(t.app.pool, dep)).map((v) => v.client_id)).toContain(urgent);
  });
});

describe('every task gets a deadline', () => {
  it('a task created without one is due defaultDueWorkingDays after it starts, at the end of the working day', async () => {
    const who = await addEmployee(t.app.pool, { role: 'remote', departmentId: dep });
    const c = await addClient(t.app.pool, { remoteId: who });
    const made = await insertTasks(t.app.pool, [task(who, c, 'lpr-call-only', MON, { dueAt: null })], at(MON));
    await planWork(t.app, { date: MON, at: at(MON) });
    const { rows } = await t.app.pool.query('SELECT due_at FROM tasks WHERE id = $1', [[...made.values()][0]]);
    expect(rows[0].due_at).toEqual(zonedTime('2024-06-10', 18, 0, TZ));
  });
});

describe('admin plan and admin employee capacity', () => {
  it('prints each person’s day with capacity and visits with reasons (JSON), then the overflow; a personal norm replans', async () => {
    const who = await addEmployee(t.app.pool, { role: 'remote', departmentId: dep, name: 'Планова Анна Сергеевна' });
    const a = await addClient(t.app.pool, { remoteId: who, number: 771001 });
    const b = await addClient(t.app.pool, { remoteId: who, number: 771002 });
    await insertTasks(
      t.app.pool,
      [task(who, a, 'lpr-call', TUE), task(who, a, 'risk-review', TUE), task(who, b, 'risk-review', MON)],
      at(MON),
    );
    await t.app.pool.query('UPDATE employees SET daily_capacity = 1 WHERE id = $1', [who]);
    await planWork(t.app, { date: MON, at: at(MON) });
    const res = await runCapturedCli(t.config, ['plan', '--employee', 'Планова', '--from', MON, '--to', TUE, '--json']);
    expect(res.code, res.err).toBe(0);
    const out = JSON.parse(res.out);
    expect(out.plans.map((p: { date: string; capacity: number; visits: unknown[] }) => [p.date, p.capacity, p.visits.length])).toEqual([
      [MON, 1, 1],
      [TUE, 1, 1],
    ]);
    expect(out.plans[0].visits[0]).toMatchObject({ client: 771002, reasons: [{ kind: 'risk-review' }] });
    expect(out.plans[1].visits[0].reasons.map((r: { kind: string }) => r.kind)).toEqual(['lpr-call', 'risk-review']);
    expect(out.overflow).toEqual([]);
    const text = (await runCapturedCli(t.config, ['plan', '--employee', 'Планова', '--date', MON])).out;
    expect(text).toContain('Планова Анна Сергеевна — 03.06.2024: 1 визит при норме 1');
    expect(text).toContain('1. 771002 - ');
    // A norm of 0: today's visit stays where it is (the day has started), Tuesday's is overflow with its reason.
    const set = await runCapturedCli(t.config, ['employee', 'capacity', 'Планова', '0', '--now', at(MON, 12).toISOString()]);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('Планова Анна Сергеевна: норма звонков в день — 0');
    const after = JSON.parse((await runCapturedCli(t.config, ['plan', '--employee', 'Планова', '--date', MON, '--json'])).out);
    expect(after.overflow.map((o: { client: number; reason: string }) => [o.client, o.reason])).toEqual([
      [771001, 'норма сотрудника — 0 визитов в день: передайте визит другому'],
    ]);
    expect(after.plans.map((p: { visits: { client: number }[] }) => p.visits.map((v) => v.client))).toEqual([[771002]]);
  });
});
