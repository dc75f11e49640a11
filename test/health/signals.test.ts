import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { getRun } from '../../src/db/job-runs.js';
import { raiseSignals } from '../../src/health/raise-signals.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { signalEscalation } from '../../src/jobs/signal-escalation.js';
import { signalsScan } from '../../src/jobs/signals-scan.js';
import { requestSignalsScan } from '../../src/queue/event-run.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addContact, addDepartment, addEmployee, type ClientSpec } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { addEvent, addKeyPersonChange, addLk, addPayment, addUsage, addWebinar, baselineTaken, importAll } from './fixtures.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers | null = null;
const staff: Record<string, number> = {};
const clients: Record<string, number> = {};
const MONDAY_8 = new Date('2024-06-03T08:00:00+03:00');

function startWorkers() {
  workers = new JobWorkers(t.app, [signalsScan, sendEmail]);
  workers.start();
}

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

/** Mondays of the `n` weeks before 3 June 2024, newest first. */
const mondays = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2024, 4, 27 - 7 * i));
    return d.toISOString().slice(0, 10);
  });

interface Healthy {
  usage?: number[];
  services?: boolean;
  keyContact?: string | null;
}

/** A client with nothing wrong unless told: recent held call with its ЛПР, services used, steady logins. */
async function client(spec: ClientSpec, h: Healthy = {}): Promise<number> {
  const db = t.app.pool;
  const c = await addClient(db, { remoteId: staff.remote, fieldId: staff.field, ...spec });
  const lpr = await addContact(db, { clientId: c, fullName: 'Главбухова Г.Г.', isLpr: true, isSystemUser: true });
  if (h.keyContact !== null)
    await addEvent(db, c, { contactId: lpr, at: h.keyContact ?? '2024-05-28T11:00:00+03:00', outcome: 'held_with_login' });
  if (h.services !== false) {
    await addWebinar(db, c, '2024-05-15');
    await addLk(db, c, '2024-05-20');
  }
  const usage = h.usage ?? Array(10).fill(5);
  const weeks = mondays(usage.length);
  for (let i = 0; i < usage.length; i++) await addUsage(db, c, weeks[i] as string, usage[i] as number);
  return c;
}

async function signalsOf(clientId: number) {
  return (await t.app.pool.query('SELECT * FROM signals WHERE client_id = $1 ORDER BY id', [clientId])).rows;
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  // Single alerts here (digests: no-floods.test.ts); the baseline is taken (ditto).
  t = await createTestEnv({ env: { SMTP_URL: smtp.url }, overrides: { signals: { digestAbove: 100 } } });
  const db = t.app.pool;
  const remoteDep = await addDepartment(db, 'Специалисты Мельникова Ю._502');
  const fieldDep = await addDepartment(db, 'Специалисты Тихоненко_502');
  staff.remote = await addEmployee(db, { name: 'Савостина К.А.', departmentId: remoteDep, phone: '8-906-600-50-06' });
  staff.field = await addEmployee(db, { name: 'Нелина А.Ю.', role: 'field', departmentId: fieldDep, email: 'nelina@ric502.example' });
  staff.fieldHead = await addEmployee(db, {
    name: 'Тихоненко О.П.',
    role: 'head',
    departmentId: fieldDep,
    email: 'tikhonenko@ric502.example',
  });
  staff.remoteHead = await addEmployee(db, {
    name: 'Мельникова Ю.А.',
    role: 'head',
    departmentId: remoteDep,
    email: 'melnikova@ric502.example',
  });
  setClock(MONDAY_8);
  await importAll(db, '2024-06-02T20:00:00Z');
  await baselineTaken(db);
  clients.healthy = await client({ number: 300001, name: 'Здоровый клиент' });
  clients.payment = await client({ number: 300002, name: 'Должник', fee: 12000 });
  for (const [m, debt] of [
    ['2024-04-01', 5000],
    ['2024-05-01', 12000],
    ['2024-06-01', 20000],
  ] as const)
    await addPayment(db, clients.payment, m, 12000, debt);
  clients.noContact = await client({ number: 300003, name: 'Без контакта' }, { keyContact: '2024-03-01T11:00:00+03:00' });
  clients.calls = await client({ number: 300004, name: 'Без входа' }, { keyContact: null });
  const calls = await t.app.pool.query(`SELECT id FROM contacts WHERE client_id = $1`, [clients.calls]);
  for (const d of ['2024-05-10', '2024-05-20', '2024-05-30'])
    await addEvent(db, clients.calls, { contactId: calls.rows[0].id, at: `${d}T10:00:00+03:00`, outcome: 'held' });
  clients.drop = await client({ number: 300005, name: 'Упала активность' }, { usage: [0, 0, 5, 5, 5, 5, 5, 5, 5, 5] });
  clients.unused = await client({ number: 300006, name: 'Не пользуется' }, { services: false });
  clients.change = await client({ number: 300007, name: 'Сменился ЛПР' });
  await addKeyPersonChange(db, clients.change, { role: 'lpr', left: 'Иванов И.И.', came: 'Петров П.П.', at: '2024-06-01T10:00:00Z' });
  clients.reorg = await client({ number: 300008, name: 'Реорганизуемый', state: 'reorganization' });
  clients.liquid = await client({ number: 300009, name: 'Ликвидируемый', state: 'liquidation' });
  clients.noField = await client({ number: 300010, name: 'Без ТС', fieldId: null }, { services: false });
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(async () => {
  setClock(null);
  await t.close();
  await smtp.close();
});

describe('signals-scan', () => {
  it('detects every kind of worsening signal, and nothing for a healthy client', async () => {
    startWorkers();
    const run = await executeRun(t.app, signalsScan, { period: '2024-06-03T0800', trigger: 'schedule' });
    expect(run.status).toBe('completed');
    const kinds = async (c: number) => (await signalsOf(c)).map((s) => s.kind);
    expect(await kinds(clients.healthy!)).toEqual([]);
    expect(await kinds(clients.payment!)).toEqual(['payment_decline']);
    expect(await kinds(clients.noContact!)).toEqual(['no_key_contact']);
    expect(await kinds(clients.calls!)).toEqual(['calls_without_login']);
    expect(await kinds(clients.drop!)).toEqual(['activity_drop']);
    expect(await kinds(clients.unused!)).toEqual(['services_unused']);
    expect(await kinds(clients.change!)).toEqual(['key_person_change']);
    expect(await kinds(clients.reorg!)).toEqual(['reorganization']);
    expect(await kinds(clients.liquid!)).toEqual(['liquidation']);
    expect(run.stats).toMatchObject({ raised: 9, emailed: 9, suppressed: 0 });
    const [pay] = await signalsOf(clients.payment!);
    expect(pay.summary).toMatch(/^Долг растёт 2 месяца подряд/);
    expect(pay.evidence.details).toHaveLength(4);
    expect(pay.evidence.details[3]).toBe('Выполняется с 03.06.2024');
    expect(pay.evidence.since).toMatch(/^2024-06-03T05:00:/);
  });

  it('sends the field specialist an alert e-mail with the signal, the evidence and the client card, and a task', async () => {
    startWorkers();
    await smtp.waitForCount(9);
    const [pay] = await signalsOf(clients.payment!);
    const mails = smtp.messages.filter((m) => m.parsed.subject?.includes('300002 - Должник'));
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.to).toEqual(['nelina@ric502.example']);
    expect(m.parsed.subject).toBe('Сигнал: Снижение платежеспособности — 300002 - Должник');
    const text = m.parsed.text ?? '';
    expect(text).toMatch(/Долг растёт 2 месяца подряд/);
    expect(text).toMatch(/06\.2024: начислено 12\s000,00\s₽, долг 20\s000,00\s₽/);
    expect(text).toMatch(/Клиент: 300002 - Должник/);
    expect(text).toMatch(/Категория клиента: B/);
    expect(text).toMatch(/Сумма ИО: 12\s000,00\s₽ в месяц/);
    expect(text).toMatch(/Индикатор: не рассчитан/);
    expect(text).toMatch(/Специалист ДИС: Савостина К\.А\., тел\. 8-906-600-50-06/);
    expect(text).not.toContain('signal ack');
    expect(text).toMatch(/Принято в работу: http:\/\/[^/]+\/a\/[0-9a-z]+-[0-9a-z]+-[\w-]+/);
    expect(text).toMatch(/Выполняется с 03\.06\.2024/);
    expect(m.parsed.html).toContain('Принято в работу');
    expect(text).toMatch(/до 05\.06\.2024 15:00/);
    expect(m.parsed.html).toContain('Снижение платежеспособности');
    // One click from the alert to the client's card in the diary.
    expect(text).toMatch(/Карточка клиента: http:\/\/[^/]+\/diary\/clients\/300002\n/);
    expect(m.parsed.html).toMatch(/<a href="http:\/\/[^/"]+\/diary\/clients\/300002"[^>]*>300002 - Должник<\/a>/);
    const { rows: tasks } = await t.app.pool.query('SELECT * FROM tasks WHERE id = $1', [pay.task_id]);
    expect(tasks[0]).toMatchObject({ kind: 'signal', direction: 'service', assignee_id: staff.field, dedup_key: `signal.${pay.id}` });
    expect(tasks[0].due_at).toEqual(new Date('2024-06-05T15:00:00+03:00'));
    // Reaction time: detection → SMTP acceptance, recorded on the signal.
    await waitFor('emailed_at recorded', async () => (await signalsOf(clients.payment!))[0].emailed_at);
    const [after] = await signalsOf(clients.payment!);
    const { rows: n } = await t.app.pool.query('SELECT sent_at, state FROM notifications WHERE id = $1', [after.notification_id]);
    expect(n[0].state).toBe('sent');
    expect(after.emailed_at).toEqual(n[0].sent_at);
    expect(after.emailed_at.getTime()).toBeGreaterThanOrEqual(after.detected_at.getTime());
  });

  it('alerts the head of the remote specialist’s department when the client has no field specialist', async () => {
    const [s] = await signalsOf(clients.noField!);
    expect(s.kind).toBe('services_unused');
    const { rows } = await t.app.pool.query('SELECT to_email, employee_id FROM notifications WHERE id = $1', [s.notification_id]);
    expect(rows[0]).toEqual({ to_email: 'melnikova@ric502.example', employee_id: staff.remoteHead });
  });

  it('raises a signal when its condition becomes true, not while it stays true, and a scan after an import runs again the same day', async () => {
    startWorkers();
    const before = smtp.messages.length;
    // An import at 08:00:59.6: this minute's scan already ran, so the scan gets this second's slot, at once.
    // The clock stands still so that a slow write below does not carry the request into 08:01.
    setClock(new Date('2024-06-03T08:00:59.600+03:00'), { frozen: true });
    await addKeyPersonChange(t.app.pool, clients.healthy!, {
      role: 'key_user',
      left: 'Старый К.П.',
      came: 'Новый К.П.',
      at: '2024-06-03T05:00:00Z',
    });
    const req = await requestSignalsScan(t.app);
    expect(req.jobId).toBe('signals-scan.2024-06-03T080059');
    await waitFor('second scan', async () => (await signalsOf(clients.healthy!)).length === 1);
    await smtp.waitForCount(before + 1);
    // A later import in a fresh minute: that minute's scan, which finds nothing new.
    setClock(new Date('2024-06-03T08:30:10+03:00'));
    expect((await requestSignalsScan(t.app)).jobId).toBe('signals-scan.2024-06-03T0830');
    await waitFor('third scan', async () => (await getRun(t.app.pool, 'signals-scan', '2024-06-03T0830'))?.state === 'completed');
    expect((await getRun(t.app.pool, 'signals-scan', '2024-06-03T0830'))?.stats).toMatchObject({ raised: 0 });
    const { rows } = await t.app.pool.query(`SELECT client_id, kind FROM signals GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(rows).toEqual([]);
    expect(smtp.messages.length).toBe(before + 1);
    // A month later the conditions persist: nothing new, even past the 30-day window. (Usage is
    // not re-imported, so it is stale and the activity rule stays silent — and its condition,
    // which it cannot evaluate, is kept, not ended.)
    setClock(new Date('2024-07-02T08:00:00+03:00'));
    await importAll(t.app.pool, '2024-07-01T20:00:00Z', ['online-usage']);
    const again = await executeRun(t.app, signalsScan, { period: '2024-07-02T0800', trigger: 'schedule' });
    expect(again.stats).toMatchObject({ raised: 0, byKind: {}, staleSources: ['online-usage'] });
    expect((again.stats.holding as number) > 0).toBe(true);
    setClock(new Date('2024-07-04T08:00:00+03:00'));
    const later = await executeRun(t.app, signalsScan, { period: '2024-07-04T0800', trigger: 'schedule' });
    expect(later.stats).toMatchObject({ raised: 0, byKind: {}, emailed: 0 });
    const { rows: held } = await t.app.pool.query(`SELECT since FROM signal_conditions WHERE client_id = $1 AND kind = 'activity_drop'`, [
      clients.drop,
    ]);
    expect(held).toHaveLength(1);
    expect(held[0].since.toISOString()).toMatch(/^2024-06-03T05:00:/);
    await waitFor('July alerts sent', async () => {
      const { rows: q } = await t.app.pool.query(`SELECT count(*)::int AS n FROM notifications WHERE state <> 'sent'`);
      return q[0].n === 0;
    });
  });
});

describe('escalation and acknowledgement', () => {
  it('acknowledges with admin signal ack, and refuses unknown or malformed ids', async () => {
    const [s] = await signalsOf(clients.change!);
    const ok = await cli('signal', 'ack', String(s.id), '--by', 'Нелина А.Ю.', '--now', '2024-06-04T10:00:00+03:00');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`Сигнал № ${s.id}: принят в работу, Нелина А\\.Ю\\., 04\\.06\\.2024 10:00`));
    const [after] = await signalsOf(clients.change!);
    expect(after.acknowledged_by).toBe('Нелина А.Ю.');
    expect((await cli('signal', 'ack', String(s.id))).out).toMatch(/уже был принят в работу/);
    const missing = await cli('signal', 'ack', '999999');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/сигнал № 999999 не найден/);
    expect((await cli('signal', 'ack', 'x1')).code).toBe(2);
  });

  it('e-mails the head of the field specialist’s department once, 24 working hours after detection', async () => {
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    // The task of the reorganisation signal is closed: that acknowledges it.
    const [reorg] = await signalsOf(clients.reorg!);
    await t.app.pool.query(`UPDATE tasks SET state = 'done', closed_at = '2024-06-04T12:00:00+03:00' WHERE id = $1`, [reorg.task_id]);
    // Detected Monday 08:00 → counted from 09:00: Monday 9 h, Tuesday 9 h, Wednesday 6 h → Wednesday 15:00.
    setClock(new Date('2024-06-05T14:59:00+03:00'));
    const early = await executeRun(t.app, signalEscalation, { period: '2024-06-05T1459', trigger: 'schedule' });
    expect(early.stats).toMatchObject({ acknowledgedByTasks: 1, overdue: 0, escalated: 0 });
    const before = smtp.messages.length;
    setClock(new Date('2024-06-05T15:01:00+03:00'));
    const due = await executeRun(t.app, signalEscalation, { period: '2024-06-05T1501', trigger: 'schedule' });
    // Nine from the first scan, one after the import; one acknowledged by ack, one by its task.
    expect(due.stats).toMatchObject({ overdue: 8, escalated: 8, noHead: 0 });
    // One e-mail per head: the field specialists' head gets a digest, the remote one a single signal.
    const heads = await smtp.waitForCount(before + 2).then((all) => all.slice(before));
    expect(heads).toHaveLength(2);
    const digest = heads.find((m) => m.to.includes('tikhonenko@ric502.example'));
    expect(digest?.parsed.subject).toBe('Не подтверждены сигналы (7): нужна реакция специалистов ТС');
    expect(digest?.parsed.text).toMatch(/7 сигналов не подтверждены за 24 рабочих часа/);
    expect(digest?.parsed.text).toMatch(
      /Снижение платежеспособности: .*\n {2}300002 - Должник; специалист ТС: Нелина А\.Ю\.\n {2}Карточка клиента: http:\/\/[^/]+\/diary\/clients\/300002\n/,
    );
    expect(digest?.parsed.html).toMatch(/<a href="http:\/\/[^/"]+\/diary\/clients\/300002"[^>]*>300002 - Должник<\/a>/);
    // Without a field specialist, the remote specialist's department head.
    const single = heads.find((m) => m.to.includes('melnikova@ric502.example'));
    expect(single?.parsed.subject).toMatch(/^Не подтверждён сигнал: .* — 300010 - /);
    expect(single?.parsed.text).toMatch(/не подтверждён за 24 рабочих часа\. Ответственный: специалист ТС не назначен/);
    const again = await executeRun(t.app, signalEscalation, { period: '2024-06-05T1515', trigger: 'schedule' });
    expect(again.stats).toMatchObject({ escalated: 0 });
    const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM signals WHERE escalated_at IS NOT NULL');
    expect(rows[0].n).toBe(8);
  });
});

describe('hand-off API and the signals report', () => {
  it('hands a competitor finding to field support the same way, once per finding', async () => {
    startWorkers();
    setClock(new Date('2024-06-06T11:00:00+03:00'));
    const before = smtp.messages.length;
    const finding = {
      clientId: clients.healthy!,
      kind: 'competitor' as const,
      summary: 'В организации до сентября стоит система конкурента «Охрана труда»',
      details: ['Контактное лицо: Зыкова Юлия Анатольевна, юрист'],
      evidence: { findingId: 41 },
      dedupKey: 'competitor.41',
    };
    const first = await raiseSignals(t.app, [finding], { createdBy: 'competitor-diagnostics' });
    expect(first.raised).toHaveLength(1);
    expect(first.raised[0]).toMatchObject({ kind: 'competitor', recipient: { role: 'field', email: 'nelina@ric502.example' } });
    const second = await raiseSignals(t.app, [finding, { ...finding, dedupKey: 'competitor.42', evidence: { findingId: 42 } }]);
    expect(second).toMatchObject({ suppressed: 1 });
    expect(second.raised).toHaveLength(1);
    await smtp.waitForCount(before + 2);
    const m = smtp.messages.slice(before).find((x) => x.parsed.subject === 'Сигнал: Выявлен конкурент — 300001 - Здоровый клиент');
    expect(m?.parsed.text).toContain('Контактное лицо: Зыкова Юлия Анатольевна, юрист');
    const { rows } = await t.app.pool.query(`SELECT created_by FROM tasks WHERE id = $1`, [first.raised[0]!.taskId]);
    expect(rows[0].created_by).toBe('competitor-diagnostics');
  });

  it('lists signals with reaction times and their median and 90th percentile at the bottom', async () => {
    await waitFor('all alerts sent', async () => {
      const { rows } = await t.app.pool.query(`SELECT count(*)::int AS n FROM signals WHERE emailed_at IS NULL`);
      return rows[0].n === 0;
    });
    const res = await cli('report', 'signals', '--from', '2024-06-01', '--to', '2024-06-30', '--json');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out);
    const [list, summary] = report.sections;
    expect(report.charts[0]).toMatchObject({ kind: 'hbars', title: 'Сигналы по видам' });
    expect(report.charts[0].items.reduce((a: number, i: { value: number }) => a + i.value, 0)).toBe(12);
    expect(list.rows).toHaveLength(12);
    expect(list.totals.id).toBe('Итого: (12)');
    const reactions = list.rows.map((r: { reaction: number }) => r.reaction).sort((a: number, b: number) => a - b);
    expect(reactions.every((x: number) => x >= 0)).toBe(true);
    const mid = (reactions[5] + reactions[6]) / 2;
    expect(summary.rows[0]).toMatchObject({ measure: 'Медиана' });
    expect(summary.rows[0].minutes).toBeCloseTo(mid, 5);
    const pos = 0.9 * 11;
    const p90 = reactions[9] + (reactions[10] - reactions[9]) * (pos - 9);
    expect(summary.rows[1]).toMatchObject({ measure: '90-й процентиль' });
    expect(summary.rows[1].minutes).toBeCloseTo(p90, 5);
    expect(summary.rows[2].text).toBe('12 из 12');
    const pay = list.rows.find((r: { client: string }) => r.client === '300002 - Должник');
    expect(pay).toMatchObject({ kind: 'Снижение платежеспособности', field: 'Нелина А.Ю.' });
    expect(pay.escalated_at).not.toBeNull();
    const table = await cli('report', 'signals', '--from', '2024-06-01', '--to', '2024-06-30');
    expect(table.out).toMatch(/Время реакции \(от обнаружения до приёма письма SMTP-сервером\)\nПоказатель\s+Минут\s+Значение/);
    expect((await cli('report', 'signals', '--from', '2024-13-01')).code).toBe(2);
  });
});
