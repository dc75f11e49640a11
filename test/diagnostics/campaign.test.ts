import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { competitorDiagnostics } from '../../src/jobs/competitor-diagnostics.js';
import { diagnosticsControl } from '../../src/jobs/diagnostics-control.js';
import { latestDue, scheduledJobs } from '../../src/queue/schedules.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
const staff: Record<string, number> = {};
const clients: Record<string, number> = {};
const LIMIT = 2;

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

async function diagnosticsTasks() {
  const { rows } = await t.app.pool.query(
    `SELECT t.*, (t.due_at AT TIME ZONE 'Europe/Moscow')::date::text AS due_day FROM tasks t
      WHERE kind = 'competitor-diagnostics' ORDER BY client_id`,
  );
  return rows;
}

/** The clock runs on from where a test set it: allow the seconds the test takes. */
function expectAbout(at: Date, iso: string) {
  expect(Math.abs(at.getTime() - new Date(iso).getTime())).toBeLessThan(10_000);
}

async function maxDuePerSpecialistDay(): Promise<number> {
  const { rows } = await t.app.pool.query(
    `SELECT coalesce(max(n), 0)::int AS max FROM (
       SELECT assignee_id, (due_at AT TIME ZONE 'Europe/Moscow')::date, count(*) AS n
         FROM tasks WHERE kind = 'competitor-diagnostics' GROUP BY 1, 2) x`,
  );
  return rows[0].max;
}

beforeAll(async () => {
  t = await createTestEnv({ overrides: { diagnostics: { maxDuePerDay: LIMIT } } });
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис 1_502');
  staff.savostina = await addEmployee(db, { name: 'Савостина К.А.', departmentId: dep });
  staff.lukina = await addEmployee(db, { name: 'Лукина Е.И.', departmentId: dep });
  staff.field = await addEmployee(db, { name: 'Кайдаш В.В.', role: 'field', departmentId: dep });
  const spec = { remoteId: staff.savostina, fieldId: staff.field };
  clients.boundary = await addClient(db, { ...spec, number: 207092, fee: 15000.0 });
  clients.above = await addClient(db, { ...spec, number: 207093, fee: 15000.01 });
  clients.gone = await addClient(db, { ...spec, number: 207094, state: 'disconnected' });
  clients.advance = await addClient(db, { ...spec, number: 207095, state: 'primary_advance', fee: 4000 });
  clients.orphan = await addClient(db, { number: 207096, remoteId: null });
  // Lukina has many clients: 70 at 2 a day need 35 working days, more than 6 weeks hold.
  for (let i = 0; i < 70; i++) await addClient(db, { remoteId: staff.lukina, number: 208000 + i, fee: i % 4 === 0 ? 25000 : 9000 });
  setClock(new Date('2024-07-15T09:00:00+03:00'));
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('competitor-diagnostics', () => {
  it('is scheduled on 15 January and 15 July at 09:00 RIC time for the half-year', () => {
    expect(t.config.schedules['competitor-diagnostics']).toBe('0 9 15 1,7 *');
    const s = scheduledJobs(t.app).find((j) => j.def.name === 'competitor-diagnostics');
    expect(s).toBeDefined();
    const due = latestDue(t.app, s as NonNullable<typeof s>, new Date('2024-07-15T09:00:30+03:00'));
    expect(due?.period).toBe('2024-H2');
    expect(due?.firedAt.toISOString()).toBe('2024-07-15T06:00:00.000Z');
    expect(latestDue(t.app, s as NonNullable<typeof s>, new Date('2024-07-15T08:59:00+03:00'))?.period).toBe('2024-H1');
  });

  it('shows with --dry-run what it would give, changing nothing', async () => {
    const res = await cli('trigger', 'competitor-diagnostics', '--period', '2024-H2', '--dry-run', '--json');
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.out).plan;
    expect(plan).toMatchObject({ period: '2024-H2', start: '2024-07-15', tasks: 73, withoutSpecialist: 1 });
    expect(plan.bySegment).toEqual({ small_medium: 54, large: 19 });
    expect(await diagnosticsTasks()).toEqual([]);
  });

  it('gives one task per served client to its remote specialist, split by fee at 15 000,00', async () => {
    const run = await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'schedule' });
    expect(run.status).toBe('completed');
    expect(run.stats).toMatchObject({ period: '2024-H2', start: '2024-07-15', created: 73, withoutSpecialist: 1, maxDuePerDay: LIMIT });
    const tasks = await diagnosticsTasks();
    expect(tasks).toHaveLength(73);
    const of = (id: number | undefined) => tasks.find((x) => x.client_id === id);
    expect(of(clients.gone)).toBeUndefined();
    expect(of(clients.orphan)).toBeUndefined();
    expect(of(clients.advance)).toMatchObject({ assignee_id: staff.savostina });
    const boundary = of(clients.boundary);
    expect(boundary).toMatchObject({
      kind: 'competitor-diagnostics',
      direction: 'anti_competitor',
      title: 'Диагностика и профилактика появления конкурентов',
      state: 'open',
      assignee_id: staff.savostina,
      priority: 2,
      dedup_key: `competitor-diagnostics.2024-H2.${clients.boundary}`,
    });
    expect(boundary.payload).toMatchObject({ period: '2024-H2', segment: 'small_medium', monthlyFee: 15000, plannedUntil: '2024-08-25' });
    expect(boundary.payload.text).toMatch(/Мелкий и средний сегмент: сумма ИО 15\s000,00/);
    expect(boundary.payload.text).toContain('Кто принимает решение о продлении');
    expectAbout(boundary.planned_at, '2024-07-15T09:00:00+03:00');
    const above = of(clients.above);
    expect(above).toMatchObject({ priority: 1 });
    expect(above.payload).toMatchObject({ segment: 'large', plannedUntil: '2024-08-11' });
    expect(above.payload.text).toContain('Крупный сегмент');
    // Due at the end of the working day, within the segment's planned period.
    expect(above.due_at.toISOString()).toMatch(/T15:00:00\.000Z$/);
    expect(above.due_day <= '2024-08-11' && boundary.due_day <= '2024-08-25').toBe(true);
    const shown = await cli('task', 'show', String(boundary.id));
    expect(shown.out).toContain('Плановый период: с 15.07.2024 до');
    expect(shown.out).toMatch(/^Задача № \d+ · Диагностика и профилактика появления конкурентов · открыта\n/);
  });

  it('never has more than N diagnostics due on one working day for a specialist, and spreads them', async () => {
    expect(await maxDuePerSpecialistDay()).toBe(LIMIT);
    const lukina = (await diagnosticsTasks()).filter((x) => x.assignee_id === staff.lukina);
    const days = new Set(lukina.map((x) => x.due_day));
    expect(days.size).toBe(35);
    for (const d of days) expect(t.app.calendar.isWorkingDay(d)).toBe(true);
    // Her days in the planned period are full: the last ones fall after it, and the stats said so.
    const { rows } = await t.app.pool.query(`SELECT stats FROM job_runs WHERE job = 'competitor-diagnostics'`);
    expect(rows[0].stats.beyondPeriod).toBe(lukina.filter((x) => x.due_day > x.payload.plannedUntil).length);
    expect(rows[0].stats.beyondPeriod).toBeGreaterThan(0);
  });

  it('creates nothing when run again for the same half-year', async () => {
    const again = await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'schedule' });
    expect(again).toMatchObject({ status: 'skipped', reason: 'period already completed' });
    const forced = await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'admin', force: true });
    expect(forced.stats).toMatchObject({ created: 0, withoutSpecialist: 1 });
    expect(await diagnosticsTasks()).toHaveLength(73);
  });

  it('gives a client served mid-campaign its task, from that day, within the daily limit', async () => {
    setClock(new Date('2024-08-01T10:30:00+03:00'));
    await t.app.pool.query(`UPDATE clients SET state = 'served', state_changed_at = now() WHERE id = $1`, [clients.gone]);
    await t.app.pool.query(`UPDATE clients SET remote_specialist_id = $2 WHERE id = $1`, [clients.orphan, staff.lukina]);
    const forced = await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'admin', force: true });
    expect(forced.stats).toMatchObject({ created: 2, start: '2024-08-01', withoutSpecialist: 0 });
    const tasks = await diagnosticsTasks();
    expect(tasks).toHaveLength(75);
    const late = tasks.find((x) => x.client_id === clients.gone);
    expect(late).toMatchObject({ assignee_id: staff.savostina, state: 'open' });
    expect(late.due_day >= '2024-08-01' && late.due_day <= '2024-09-11').toBe(true);
    expectAbout(late.planned_at, '2024-08-01T10:30:00+03:00');
    expect(await maxDuePerSpecialistDay()).toBe(LIMIT);
  });

  it('diagnostics-control gives clients served later their tasks too', async () => {
    setClock(new Date('2024-08-05T09:00:00+03:00'));
    const newcomer = await addClient(t.app.pool, { remoteId: staff.savostina, number: 209001, fee: 31000 });
    const run = await executeRun(t.app, diagnosticsControl, { period: '2024-W32', trigger: 'schedule' });
    expect(run.stats).toMatchObject({ week: '2024-W32', campaign: '2024-H2', lateTasks: 1 });
    const task = (await diagnosticsTasks()).find((x) => x.client_id === newcomer);
    expect(task.payload.segment).toBe('large');
    expect(task.due_day <= '2024-09-01').toBe(true);
    expect(await maxDuePerSpecialistDay()).toBe(LIMIT);
  });
});
