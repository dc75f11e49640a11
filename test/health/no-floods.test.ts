/**
 * No floods: the baseline of the first scan (tasks over the next working days, no e-mail), a
 * digest for a specialist with more than `signals.digestAbove` new signals against single
 * alerts for another, and edge triggering (a condition that stays true raises nothing again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { signalsScan } from '../../src/jobs/signals-scan.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee, type ClientSpec } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { addEvent, addUsage, addWebinar, importAll } from './fixtures.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers;
const staff: Record<string, number> = {};

/** Mondays of the 10 weeks before 3 June 2024. */
const MONDAYS = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2024, 4, 27 - 7 * i)).toISOString().slice(0, 10));

/** A client whose only trouble is that it uses no services (webinars, trainings, hotline, cabinet). */
async function unusedClient(spec: ClientSpec, zone?: 'high' | 'dynamic' | 'none'): Promise<number> {
  const db = t.app.pool;
  const c = await addClient(db, { remoteId: staff.remote, ...spec });
  const lpr = await addContact(db, { clientId: c, isLpr: true, isSystemUser: true });
  await addEvent(db, c, { contactId: lpr, at: '2024-05-28T11:00:00+03:00', outcome: 'held_with_login' });
  for (const w of MONDAYS) await addUsage(db, c, w, 5);
  if (zone)
    await db.query(
      `INSERT INTO risk_scores (client_id, week, week_end, indicator, zone, computed_at) VALUES ($1, '2024-W22', '2024-06-02', $2, $3, now())`,
      [c, zone === 'high' ? 0.4 : zone === 'dynamic' ? 0.32 : 0.22, zone],
    );
  return c;
}

async function scan(period: string) {
  const run = await executeRun(t.app, signalsScan, { period, trigger: 'schedule' });
  expect(run.status).toBe('completed');
  return run.stats as Record<string, number>;
}

/**
 * Each group of tests has a world of its own (database, SMTP server, workers), so the groups
 * pass in any order: the staff, every source imported on Sunday evening, Monday 08:00.
 */
function ownWorld(): void {
  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestEnv({ env: { SMTP_URL: smtp.url }, overrides: { signals: { baselineTasksPerDay: 2 } } });
    const db = t.app.pool;
    const dep = await addDepartment(db, 'Специалисты Тихоненко_502');
    staff.remote = await addEmployee(db, { name: 'Савостина К.А.', departmentId: dep });
    staff.a = await addEmployee(db, { name: 'Нелина А.Ю.', role: 'field', departmentId: dep, email: 'nelina@ric502.example' });
    staff.b = await addEmployee(db, { name: 'Ершов Б.В.', role: 'field', departmentId: dep, email: 'ershov@ric502.example' });
    setClock(new Date('2024-06-03T08:00:00+03:00'));
    await importAll(db, '2024-06-02T20:00:00Z');
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
  });
  afterAll(async () => {
    await workers?.close(5000);
    setClock(null);
    await t?.close();
    await smtp?.close();
  });
}

describe('the baseline', () => {
  ownWorld();

  it('records the conditions that hold on the first scan, plans their tasks over the next working days and sends nothing; a condition that stays true raises nothing again', async () => {
    const low = await unusedClient({ number: 400001, name: 'Малый', fee: 5000, fieldId: staff.a });
    const big = await unusedClient({ number: 400002, name: 'Крупный', fee: 40000, fieldId: staff.a });
    const high = await unusedClient({ number: 400003, name: 'В красной зоне', fee: 8000, fieldId: staff.a }, 'high');
    const stats = await scan('2024-06-03T0800');
    expect(stats).toMatchObject({ baseline: 3, raised: 0, emailed: 0 });
    const { rows } = await t.app.pool.query(
      `SELECT s.client_id, s.baseline, s.notification_id, t.planned_at, t.assignee_id
         FROM signals s JOIN tasks t ON t.id = s.task_id ORDER BY t.planned_at, s.client_id`,
    );
    expect(rows.every((r) => r.baseline && r.notification_id === null && r.assignee_id === staff.a)).toBe(true);
    // Two a day from Tuesday 09:00: the red zone first, then the bigger fee; the smallest on Wednesday.
    const day = (c: number) => rows.find((r) => r.client_id === c)?.planned_at.toISOString();
    expect([day(high), day(big), day(low)]).toEqual(['2024-06-04T06:00:00.000Z', '2024-06-04T06:00:00.000Z', '2024-06-05T06:00:00.000Z']);
    const { rows: kinds } = await t.app.pool.query('SELECT kind, signals FROM signal_baselines ORDER BY kind');
    expect(kinds.find((k) => k.kind === 'services_unused')).toEqual({ kind: 'services_unused', signals: 3 });
    const report = await runCapturedCli(t.config, [
      'report',
      'signals',
      '--baseline',
      '--from',
      '2024-06-01',
      '--to',
      '2024-06-30',
      '--json',
    ]);
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.out);
    expect(parsed.title).toBe('Сигналы: исходное состояние (без писем)');
    expect(parsed.sections[0].rows.map((r: { client: string }) => r.client).sort()).toEqual([
      '400001 - Малый',
      '400002 - Крупный',
      '400003 - В красной зоне',
    ]);
    // Baseline signals are not in the reaction report and are never escalated.
    const main = JSON.parse(
      (await runCapturedCli(t.config, ['report', 'signals', '--from', '2024-06-01', '--to', '2024-06-30', '--json'])).out,
    );
    expect(main.sections[0].rows).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
    // Edge triggering: two hours later the same conditions raise nothing.
    setClock(new Date('2024-06-03T10:00:00+03:00'));
    expect(await scan('2024-06-03T1000')).toMatchObject({ raised: 0, baseline: 0, holding: 3, emailed: 0 });
  });
});

describe('the baseline of an installation whose first import is its staff', () => {
  ownWorld();

  it('takes no baseline while no client is imported; the first clients’ liquidations are the baseline, a later one is alerted', async () => {
    expect(await scan('2024-06-03T0800')).toMatchObject({ clients: 0, baseline: 0, raised: 0 });
    expect((await t.app.pool.query('SELECT kind FROM signal_baselines')).rows).toEqual([]);
    setClock(new Date('2024-06-03T09:00:00+03:00'));
    await addClient(t.app.pool, { number: 400031, name: 'Ликвидируемый', state: 'liquidation', remoteId: staff.remote, fieldId: staff.a });
    const later = await addClient(t.app.pool, { number: 400032, name: 'Пока работает', remoteId: staff.remote, fieldId: staff.a });
    // Every condition that holds now is the baseline (these two have no contacts and no logins either).
    expect(await scan('2024-06-03T0900')).toMatchObject({ raised: 0, emailed: 0 });
    const { rows: liq } = await t.app.pool.query(`SELECT baseline, notification_id FROM signals WHERE kind = 'liquidation'`);
    expect(liq).toEqual([{ baseline: true, notification_id: null }]);
    const { rows: taken } = await t.app.pool.query('SELECT kind, signals FROM signal_baselines WHERE kind = ANY($1) ORDER BY kind', [
      ['liquidation', 'reorganization'],
    ]);
    expect(taken).toEqual([
      { kind: 'liquidation', signals: 1 },
      { kind: 'reorganization', signals: 0 },
    ]);
    // A change of state after the baseline is news: one alert.
    setClock(new Date('2024-06-03T10:00:00+03:00'));
    await t.app.pool.query(`UPDATE clients SET state = 'reorganization', state_changed_at = now() WHERE id = $1`, [later]);
    expect(await scan('2024-06-03T1000')).toMatchObject({ baseline: 0, raised: 1, emailed: 1 });
    const mails = await smtp.waitForCount(1);
    expect(mails[0]?.parsed.subject).toContain('400032 - Пока работает');
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('digest against single alerts', () => {
  ownWorld();
  // The first scan of this world, with one healthy client, takes the (empty) baseline: what follows is new.
  beforeAll(async () => {
    const healthy = await unusedClient({ number: 400010, name: 'Здоровый', fieldId: staff.b });
    await addWebinar(t.app.pool, healthy, '2024-05-20');
    expect(await scan('2024-06-03T0800')).toMatchObject({ raised: 0, emailed: 0 });
  });

  it('sends a specialist with more than three new signals one digest ordered by zone and fee, and another one alert each', async () => {
    setClock(new Date('2024-06-03T11:00:00+03:00'));
    const a = [
      await unusedClient({ number: 400011, name: 'Первый', fee: 3000, fieldId: staff.a }),
      await unusedClient({ number: 400012, name: 'Второй', fee: 90000, fieldId: staff.a }),
      await unusedClient({ number: 400013, name: 'Третий', fee: 20000, fieldId: staff.a }, 'dynamic'),
      await unusedClient({ number: 400014, name: 'Четвёртый', fee: 1000, fieldId: staff.a }, 'high'),
    ];
    const b = [
      await unusedClient({ number: 400021, name: 'Пятый', fee: 3000, fieldId: staff.b }),
      await unusedClient({ number: 400022, name: 'Шестой', fee: 4000, fieldId: staff.b }),
    ];
    const stats = await scan('2024-06-03T1100');
    expect(stats).toMatchObject({ raised: 6, baseline: 0, emailed: 3, holding: 0 });
    const mails = await smtp.waitForCount(3);
    const digest = mails.filter((m) => m.to.includes('nelina@ric502.example'));
    expect(digest).toHaveLength(1);
    expect(digest[0]?.parsed.subject).toBe('Сигналы об ухудшении ситуации с клиентами: 4 новых сигнала');
    const text = digest[0]?.parsed.text ?? '';
    // High zone, dynamic zone, then the rest by fee.
    const order = ['400014 - Четвёртый', '400013 - Третий', '400012 - Второй', '400011 - Первый'].map((c) => text.indexOf(c));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    // Each client of the digest links to its card in the diary.
    for (const n of [400011, 400012, 400013, 400014]) {
      expect(text).toMatch(new RegExp(`Карточка клиента: http://[^/]+/diary/clients/${n}\n`));
      expect(digest[0]?.parsed.html).toMatch(new RegExp(`<a href="http://[^/"]+/diary/clients/${n}"[^>]*>${n} - `));
    }
    const links = [...text.matchAll(/Принято в работу: (http\S+\/a\/\S+)/g)].map((m) => m[1]);
    expect(new Set(links).size).toBe(4);
    const { rows } = await t.app.pool.query('SELECT id, client_id, notification_id FROM signals WHERE client_id = ANY($1) ORDER BY id', [
      a,
    ]);
    expect(new Set(rows.map((r) => r.notification_id)).size).toBe(1);
    const singles = mails.filter((m) => m.to.includes('ershov@ric502.example'));
    expect(singles.map((m) => m.parsed.subject).sort()).toEqual([
      'Сигнал: Не пользуется сервисами (вебинары, курсы, ГЛ, ЛК) — 400021 - Пятый',
      'Сигнал: Не пользуется сервисами (вебинары, курсы, ГЛ, ЛК) — 400022 - Шестой',
    ]);
    // The digest's acceptance is each of its signals' e-mail time (the reaction report's start).
    await waitFor('emailed_at of the digest', async () => {
      const { rows: e } = await t.app.pool.query(
        'SELECT count(*)::int AS n FROM signals WHERE client_id = ANY($1) AND emailed_at IS NOT NULL',
        [[...a, ...b]],
      );
      return e[0].n === 6;
    });
  });
});
