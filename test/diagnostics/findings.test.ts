import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { diagnosticsTaskOf } from '../../src/db/diagnostics.js';
import { startServer } from '../../src/http/server.js';
import { competitorDiagnostics } from '../../src/jobs/competitor-diagnostics.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { freePort } from '../../src/net.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { nothingMoreSent } from '../helpers/outbox.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { cli as runCli, writeTsv } from '../imports/helpers.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers;
let server: FastifyInstance;
let base: string;
const staff: Record<string, number> = {};
const clients: Record<string, number> = {};
const cli = (...argv: string[]) => runCli(t, ...argv);
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

async function post(path: string, body: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
const rows = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  const db = t.app.pool;
  const remoteDep = await addDepartment(db, 'Дистанционный сервис 1_502');
  const fieldDep = await addDepartment(db, 'Сопровождение_502');
  staff.remote = await addEmployee(db, { name: 'Савостина К.А.', departmentId: remoteDep, email: 'savostina@ric502.example' });
  staff.field = await addEmployee(db, { name: 'Кайдаш В.В.', role: 'field', departmentId: fieldDep, email: 'kaydash@ric502.example' });
  staff.remoteHead = await addEmployee(db, { name: 'Фисун Е.А.', role: 'head', departmentId: remoteDep, email: 'fisun@ric502.example' });
  clients.bif = await addClient(db, {
    number: 207092,
    name: 'Белгородский информационный фонд',
    fee: 18500,
    remoteId: staff.remote,
    fieldId: staff.field,
  });
  clients.noField = await addClient(db, { number: 193643, name: 'Телерадиокомпания Бирюч', remoteId: staff.remote, fieldId: null });
  clients.third = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: staff.remote, fieldId: staff.field });
  clients.fourth = await addClient(db, { number: 205749, name: 'ПЖКОМ', remoteId: staff.remote, fieldId: staff.field });
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  await executeRun(t.app, competitorDiagnostics, { period: '2024-H1', trigger: 'admin' });
  const port = await freePort();
  server = await startServer(t.app, port, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
beforeEach(() => {
  workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
});
afterEach(async () => {
  await workers.close(5000);
});
afterAll(async () => {
  setClock(null);
  await server.close();
  await t.close();
  await smtp.close();
});

describe('a competitor finding', () => {
  it('submitted twice gives one alert e-mail to the field specialist, one field task, one comparison task, one signal', async () => {
    const first = await cli(
      'finding',
      'add',
      '--client',
      '207092',
      '--competitor',
      'Охрана труда',
      '--until',
      '2024-09',
      '--contact',
      'Зыкова Юлия Анатольевна',
      '--note',
      'юрист, зам. ген. директора',
    );
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^находка № \d+ записана: «Охрана труда» до 30 сентября 2024; письмо специалисту ТС <kaydash@ric502\.example>/,
    );
    // The same finding, written differently, by the admin script and over HTTP: nothing more.
    const second = await cli('finding', 'add', '--client', '207092', '--competitor', '«охрана  ТРУДА»', '--until', '09.2024');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/уже записана 03\.06\.2024 10:00:\d\d; ничего не изменено/);
    const third = await post('/api/findings', { client: 207092, competitor: 'Охрана труда', until: 'сентябрь 2024' });
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ created: false });

    await smtp.waitForCount(1);
    expect(await nothingMoreSent(t.app, smtp)).toBe(1);
    const m = smtp.messages[0] as (typeof smtp.messages)[number];
    expect(m.to).toEqual(['kaydash@ric502.example']);
    expect(m.parsed.subject).toBe('Сигнал: Выявлен конкурент — 207092 - Белгородский информационный фонд');
    const text = m.parsed.text ?? '';
    expect(text).toContain('В организации стоит система конкурента «Охрана труда» до 30 сентября 2024');
    expect(text).toContain('Контактное лицо: Зыкова Юлия Анатольевна');
    expect(text).toContain('Комментарий: юрист, зам. ген. директора');
    expect(text).toMatch(/Выявил: Савостина К\.А\., 03\.06\.2024 10:00/);
    expect(text).toMatch(/Специалисту ДИС Савостина К\.А\. поставлена задача № \d+: обучение с элементами сравнения/);
    expect(text).toMatch(/Сумма ИО: 18\s500,00\s₽ в месяц/);
    expect(m.parsed.html).toContain('Выявлен конкурент');

    const findings = await rows('SELECT * FROM competitor_findings');
    expect(findings).toHaveLength(1);
    const f = findings[0];
    const diagnostics = await diagnosticsTaskOf(t.app.pool, '2024-H1', 207092);
    expect(f).toMatchObject({
      client_id: clients.bif,
      competitor: 'Охрана труда',
      valid_until: '2024-09-30',
      contact_name: 'Зыкова Юлия Анатольевна',
      found_by: staff.remote,
      source: 'admin',
      diagnostics_task_id: diagnostics,
    });
    const signals = await rows('SELECT * FROM signals');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ kind: 'competitor', dedup_key: `competitor.${f.id}`, client_id: clients.bif });
    expect(signals[0].evidence).toMatchObject({ findingId: f.id, competitor: 'Охрана труда', validUntil: '2024-09-30' });
    expect(f.signal_id).toBe(signals[0].id);
    const fieldTasks = await rows(`SELECT * FROM tasks WHERE kind = 'signal'`);
    expect(fieldTasks).toHaveLength(1);
    expect(fieldTasks[0]).toMatchObject({ assignee_id: staff.field, client_id: clients.bif, id: signals[0].task_id });
    const comparison = await rows(`SELECT * FROM tasks WHERE kind = 'competitor-comparison'`);
    expect(comparison).toHaveLength(1);
    expect(comparison[0]).toMatchObject({
      id: f.comparison_task_id,
      assignee_id: staff.remote,
      direction: 'anti_competitor',
      dedup_key: `competitor-comparison.${f.id}`,
    });
    expect(comparison[0].title).toBe(
      'Связаться с пользователем системы конкурента (Зыкова Юлия Анатольевна). Назначить обучение с элементами сравнения и передать в работу Кайдаш В.В. В организации стоит система конкурента «Охрана труда» до 30 сентября 2024.',
    );
    // Within a minute: the SMTP server's acceptance is recorded on the finding.
    const notified = await waitFor('field_notified_at', async () => (await rows('SELECT * FROM competitor_findings'))[0].field_notified_at);
    const [n] = await rows('SELECT sent_at FROM notifications WHERE id = $1', [signals[0].notification_id]);
    expect(notified).toEqual(n.sent_at);
    expect(notified.getTime() - f.found_at.getTime()).toBeLessThan(60_000);
  });

  it('over HTTP: the admin token, a validated body, one finding for two simultaneous submissions', async () => {
    const body = {
      client: '193643',
      competitor: 'Госфинансы',
      until: '2024-12',
      contact: 'Лазарева Анна Владимировна',
      foundBy: 'Савостина К.А.',
    };
    expect((await post('/api/findings', body, { 'content-type': 'application/json' })).status).toBe(401);
    const [a, b] = await Promise.all([post('/api/findings', body), post('/api/findings', body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const created = (a.status === 201 ? a : b).body;
    expect(created).toMatchObject({
      created: true,
      finding: { competitor: 'Госфинансы', validUntil: '2024-12-31', source: 'api', foundBy: staff.remote },
      // No field specialist: the head of the remote specialist's department is alerted.
      alert: { role: 'head', email: 'fisun@ric502.example' },
    });
    expect((await rows(`SELECT count(*)::int AS n FROM competitor_findings WHERE client_id = $1`, [clients.noField]))[0].n).toBe(1);
    await waitFor('alert to the head', () => mailsTo('fisun@ric502.example').length === 1);

    const bad = async (payload: unknown) => {
      const r = await post('/api/findings', payload);
      expect(r.status).toBe(400);
      return String(r.body.error);
    };
    expect(await bad({ client: 193643 })).toMatch(/^body\.competitor: expected the competitor's system/);
    expect(await bad({ client: 193643, competitor: 'Кодекс', colour: 'red' })).toMatch(/body: unknown field "colour"/);
    expect(await bad({ client: 999999, competitor: 'Кодекс' })).toBe(
      'body.client: клиент 999999 неизвестен (ожидался клиент из загруженной ранее выгрузки «Клиенты»)',
    );
    expect(await bad({ client: 'двести', competitor: 'Кодекс' })).toMatch(/^body\.client: «двести» — не номер клиента/);
    expect(await bad({ client: 193643, competitor: '  ' })).toMatch(/^body\.competitor: пусто/);
    expect(await bad({ client: 193643, competitor: 'Кодекс', until: '2024-13' })).toMatch(/^body\.until: «2024-13» — не месяц и не дата/);
    expect(await bad({ client: 193643, competitor: 'Кодекс', foundBy: 'Никто Н.Н.' })).toBe(
      'body.foundBy: сотрудник «Никто Н.Н.» неизвестен',
    );
    expect((await rows('SELECT count(*)::int AS n FROM competitor_findings'))[0].n).toBe(2);
  });

  it('comes in through the «Конкуренты» import, once, with file:line:column errors for bad rows', async () => {
    const before = smtp.messages.length;
    const good = writeTsv(t, 'konkurenty.tsv', [
      ['Номер клиента', 'Конкурент', 'Действует до', 'Контактное лицо', 'Комментарий'],
      ['204036 - БЗМИ ООО', 'Техэксперт', '31.03.2025', 'Иванов Иван Иванович (инженер)', 'отдел охраны труда'],
      ['207092', 'охрана труда', '09.2024', '', ''],
    ]);
    const res = await cli('import', 'findings', good, '--json');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'imported', inserted: 1, unchanged: 1 });
    await waitFor('the import alert', () => smtp.messages.length === before + 1);
    const m = smtp.messages.at(-1) as (typeof smtp.messages)[number];
    expect(m.to).toEqual(['kaydash@ric502.example']);
    expect(m.parsed.text).toContain('«Техэксперт» до 31 марта 2025');
    expect(m.parsed.text).toContain('Контактное лицо: Иванов Иван Иванович');
    const [f] = await rows(`SELECT * FROM competitor_findings WHERE client_id = $1`, [clients.third]);
    expect(f).toMatchObject({ source: 'import', valid_until: '2025-03-31', note: 'отдел охраны труда' });

    // The same rows in another file: nothing new.
    const copy = writeTsv(t, 'konkurenty-copy.tsv', [
      ['Клиент', 'Система конкурента', 'Срок действия'],
      ['204036', 'ТЕХЭКСПЕРТ', '2025-03-31'],
    ]);
    expect(JSON.parse((await cli('import', 'findings', copy, '--json')).out)).toMatchObject({ inserted: 0, unchanged: 1 });

    const broken = writeTsv(t, 'konkurenty-bad.tsv', [
      ['Номер клиента', 'Конкурент', 'Действует до', 'Выявил'],
      ['205749', 'Главбух', 'осенью', ''],
      ['999999', 'Главбух', '', ''],
      ['205749', '', '', 'Никто Н.Н.'],
    ]);
    const failed = await cli('import', 'findings', broken);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/konkurenty-bad\.tsv:2:3: Действует до: «осенью» — не месяц и не дата/);
    expect(failed.err).toMatch(/konkurenty-bad\.tsv:3:1: клиент 999999 неизвестен/);
    expect(failed.err).toMatch(/konkurenty-bad\.tsv:4:2: Конкурент: пусто/);
    expect(failed.err).toMatch(/konkurenty-bad\.tsv:4:4: сотрудник «Никто Н\.Н\.» неизвестен/);
    expect((await rows(`SELECT count(*)::int AS n FROM competitor_findings WHERE client_id = $1`, [clients.fourth]))[0].n).toBe(0);
    expect(await nothingMoreSent(t.app, smtp)).toBe(before + 1);
  });
});

describe('closing a diagnostics task', () => {
  it('as no-competitor or competitor-found only, and those outcomes close nothing else', async () => {
    const task = (await diagnosticsTaskOf(t.app.pool, '2024-H1', 205749)) as number;
    const held = await cli('task', 'done', String(task), '--outcome', 'held');
    expect(held.code).toBe(1);
    expect(held.err).toContain(`задача № ${task} — диагностика конкурентов: закройте её итогом no-competitor или competitor-found`);
    const [signalTask] = await rows(`SELECT id FROM tasks WHERE kind = 'signal' ORDER BY id LIMIT 1`);
    const wrong = await cli('task', 'done', String(signalTask.id), '--outcome', 'no-competitor');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('— не диагностика конкурентов (вид «Сигнал об ухудшении ситуации с клиентом»)');
    const missing = await cli('task', 'done', String(task), '--outcome', 'competitor-found');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/для итога competitor-found нужна система конкурента/);
    expect((await cli('task', 'done', String(task), '--outcome', 'no-competitor', '--competitor', 'X')).code).toBe(2);
    expect((await rows('SELECT state FROM tasks WHERE id = $1', [task]))[0].state).toBe('open');

    const done = await cli('task', 'done', String(task), '--outcome', 'no-competitor', '--note', 'пользуются только нашей системой');
    expect(done.code).toBe(0);
    expect(done.out).toBe(`задача № ${task} закрыта: Конкурент не выявлен\n`);
    expect((await rows('SELECT state, outcome, note FROM tasks WHERE id = $1', [task]))[0]).toEqual({
      state: 'done',
      outcome: 'no_competitor',
      note: 'пользуются только нашей системой',
    });
    expect((await rows('SELECT count(*)::int AS n FROM contact_events WHERE task_id = $1', [task]))[0].n).toBe(0);
    expect((await cli('task', 'done', String(task), '--outcome', 'no-competitor')).out).toMatch(/уже закрыта с этим итогом/);
    expect((await cli('task', 'done', String(task), '--outcome', 'competitor-found', '--competitor', 'X')).code).toBe(1);
  });

  it('as competitor-found records the finding given, or takes the one recorded since the task was given', async () => {
    const bif = (await diagnosticsTaskOf(t.app.pool, '2024-H1', 207092)) as number;
    const linked = await cli('task', 'done', String(bif), '--outcome', 'competitor-found');
    expect(linked.code).toBe(0);
    expect(linked.out).toMatch(
      new RegExp(`^задача № ${bif} закрыта: Выявлен конкурент\\nнаходка № \\d+ \\(«Охрана труда» до 30 сентября 2024\\) уже записана`),
    );

    const before = mailsTo('fisun@ric502.example').length;
    const biruch = (await diagnosticsTaskOf(t.app.pool, '2024-H1', 193643)) as number;
    const res = await post(`/api/tasks/${biruch}/outcome`, {
      outcome: 'competitor-found',
      competitor: 'Кодекс',
      until: '2025-06',
      contact: 'Бунина А.В.',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ task: { id: biruch, state: 'done', outcome: 'competitor_found' }, finding: { created: true } });
    const [f] = await rows(`SELECT * FROM competitor_findings WHERE competitor = 'Кодекс'`);
    expect(f).toMatchObject({ source: 'task', diagnostics_task_id: biruch, valid_until: '2025-06-30', contact_name: 'Бунина А.В.' });
    await waitFor('the alert of the finding from a task', () => mailsTo('fisun@ric502.example').length === before + 1);
    expect(mailsTo('fisun@ric502.example').at(-1)?.parsed.subject).toBe('Сигнал: Выявлен конкурент — 193643 - Телерадиокомпания Бирюч');

    const badBody = await post(`/api/tasks/${biruch}/outcome`, { outcome: 'competitor-found', until: '2025-06' });
    expect(badBody).toMatchObject({
      status: 400,
      body: { error: 'body.competitor: required with until and contact (they describe a finding)' },
    });
    const badOutcome = await post(`/api/tasks/${biruch}/outcome`, { outcome: 'maybe' });
    expect(badOutcome.body.error).toMatch(
      /body\.outcome: expected one of held, held-with-login, not-reached, refused, no-competitor, competitor-found/,
    );
  });
});
