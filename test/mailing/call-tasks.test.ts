/** Stage 2: the specialist's call task N working days after the e-mail, and the outcome it records. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { addressTaskKey, insertTasks } from '../../src/db/tasks.js';
import { buildServer } from '../../src/http/server.js';
import { lprCallTasks } from '../../src/jobs/lpr-call-tasks.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { loadSample, messageOf } from './fixtures.js';

let t: TestEnv;
let smtp: TestSmtp;
let server: FastifyInstance;
let remote: number;
let client: number;
let lpr: number;
let gone: number;

beforeAll(async () => {
  smtp = await startTestSmtp({ rcptReply: (a) => (a.startsWith('gone') ? { code: 550, message: '5.1.1 no such user' } : null) });
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  await loadSample(t.app, '2024-06');
  await loadSample(t.app, '2024-07');
  server = await buildServer(t.app);
  remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.' });
  client = await addClient(t.app.pool, { number: 203766, name: 'АТП АЛЕКСЕЕВСКОЕ', remoteId: remote });
  lpr = await addContact(t.app.pool, {
    clientId: client,
    fullName: 'Полчихина Елена Ивановна',
    position: 'Главный бухгалтер',
    positionType: 'accountant',
    isLpr: true,
    phone: '7(962)300-82-52',
    email: 'polchikhina@atp.example',
  });
  gone = await addContact(t.app.pool, {
    clientId: client,
    fullName: 'Квач Галина Александровна',
    isLpr: true,
    email: 'gone.kvach@atp.example',
  });
});
afterAll(async () => {
  setClock(null);
  await server.close();
  await t.close();
  await smtp.close();
});

async function sendMonth(period: string, at: string) {
  setClock(new Date(at));
  await executeRun(t.app, lprMonthly, { period, trigger: 'admin' });
  const workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
  try {
    await waitFor('the month sent', async () => {
      const { rows } = await t.app.pool.query(
        `SELECT count(*)::int AS n FROM messages m JOIN mailings ml ON ml.id = m.mailing_id WHERE ml.period = $1 AND m.state IN ('queued', 'sending', 'retry')`,
        [period],
      );
      return rows[0].n === 0;
    });
  } finally {
    await workers.close(5000);
  }
}

async function tasksFor(contactId: number, kind: string) {
  const { rows } = await t.app.pool.query('SELECT * FROM tasks WHERE contact_id = $1 AND kind = $2 ORDER BY id', [contactId, kind]);
  return rows;
}

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

describe('call tasks', () => {
  it('appears exactly on the 3rd working day after the e-mail, skipping the 12 June holiday, with the human clicks', async () => {
    // Tuesday 11 June 2024; 12 June is Russia Day.
    await sendMonth('2024-06', '2024-06-11T10:00:00+03:00');
    const m = await messageOf(t.app, lpr);
    expect(m.state).toBe('sent');
    expect((await messageOf(t.app, gone)).state).toBe('bounced');
    const { rows: links } = await t.app.pool.query('SELECT id, kind, title FROM links WHERE mailing_id = $1 ORDER BY position', [
      m.mailing_id,
    ]);
    const question = links.find((l) => l.kind === 'top_question');
    const honeypot = links.find((l) => l.kind === 'honeypot');
    await t.app.pool.query(
      `INSERT INTO clicks (message_id, link_id, clicked_at, method, user_agent, is_bot, classified_at) VALUES
         ($1, $2, '2024-06-11T12:30:00+03:00', 'GET', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0', false, now()),
         ($1, $2, '2024-06-11T10:00:03+03:00', 'GET', NULL, true, now()),
         ($1, $3, '2024-06-11T10:00:04+03:00', 'GET', NULL, true, now()),
         ($1, $2, '2024-06-11T15:00:00+03:00', 'GET', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/126.0', NULL, NULL)`,
      [m.id, question.id, honeypot.id],
    );

    const day = async (d: string) => (await executeRun(t.app, lprCallTasks, { period: d, trigger: 'admin' })).stats;
    // The bounce gets its "verify the address" task at once.
    expect(await day('2024-06-11')).toMatchObject({ callTasks: 0, verifyAddressTasks: 1 });
    expect(await day('2024-06-13')).toMatchObject({ callTasks: 0, sentUpTo: '2024-06-09' });
    expect(await day('2024-06-14')).toMatchObject({ callTasks: 0 });
    expect(await day('2024-06-17')).toMatchObject({ callTasks: 1, sentUpTo: '2024-06-12' });
    expect(await day('2024-06-18')).toMatchObject({ callTasks: 0, verifyAddressTasks: 0 });

    const [task] = await tasksFor(lpr, 'lpr-call');
    expect(await tasksFor(lpr, 'lpr-call')).toHaveLength(1);
    expect(task).toMatchObject({
      assignee_id: remote,
      client_id: client,
      state: 'open',
      dedup_key: `lpr-call.${m.id}`,
      direction: 'remote_contact',
    });
    expect(task.planned_at.toISOString()).toBe('2024-06-17T06:00:00.000Z');
    expect(task.due_at.toISOString()).toBe('2024-06-19T15:00:00.000Z');
    const p = task.payload;
    expect(p.questions).toEqual([
      'Получили письмо?',
      'Ссылки активны?',
      'Информация актуальна?',
      'Какие вопросы интересуют?',
      'Что подготовить к следующему звонку?',
    ]);
    expect(p.subject).toBe('Июнь 2024: ТОП вопросов, обзоры и вебинары для руководителя');
    // The click not yet classified by the hourly click-check is classified by the job first.
    expect(p.humanClicks).toEqual([
      { title: question.title, url: expect.stringContaining('https://www.example.com/'), at: '2024-06-11T09:30:00.000Z' },
      { title: question.title, url: expect.stringContaining('https://www.example.com/'), at: '2024-06-11T12:00:00.000Z' },
    ]);
    expect(p.unclassifiedClicks).toBe(0);
    expect(p.botClicks).toBe(2);
    expect(p.links.length).toBeGreaterThan(5);
    expect(p.links.some((l: { title: string }) => l.title === 'honeypot')).toBe(false);
    expect(p.previousNextPrep).toBeNull();
    expect(p.text).toContain(`11.06.2024 12:30 ${question.title}`);
    expect(p.text).toContain(`11.06.2024 15:00 ${question.title}`);

    const [verify] = await tasksFor(gone, 'lpr-verify-email');
    const bounced = await messageOf(t.app, gone);
    expect(verify).toMatchObject({ assignee_id: remote, priority: 1, dedup_key: addressTaskKey(gone, bounced.to_email) });
    expect(verify.payload.text).toMatch(/gone\.kvach@atp\.example не доставлено/);
    expect(verify.payload.smtpResponse).toMatch(/^550/);

    const shown = await cli('task', 'show', String(task.id));
    expect(shown.out).toContain('1. Получили письмо?');
  });

  it('records the outcome as a contact with the ЛПР, once, and shows "prepare next time" on next month\'s task', async () => {
    const [task] = await tasksFor(lpr, 'lpr-call');
    setClock(new Date('2024-06-17T11:20:00+03:00'), { frozen: true });
    const done = await cli(
      'task',
      'done',
      String(task.id),
      '--outcome',
      'held-with-login',
      '--note',
      'письмо получила, ссылки открываются',
      '--next',
      'Подборка по закупкам 44-ФЗ',
    );
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/задача № \d+ закрыта: Контакт состоялся с входом; работа № \d+ записана/);
    const again = await cli('task', 'done', String(task.id), '--outcome', 'held-with-login');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/уже закрыта с этим итогом/);
    const other = await cli('task', 'done', String(task.id), '--outcome', 'refused');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/уже закрыта с итогом «[^»]+»; ничего не изменено/);
    expect((await cli('task', 'done', String(task.id), '--outcome', 'maybe')).code).toBe(2);

    const { rows: events } = await t.app.pool.query('SELECT * FROM contact_events WHERE task_id = $1', [task.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      client_id: client,
      contact_id: lpr,
      employee_id: remote,
      outcome: 'held_with_login',
      channel: 'phone',
      natural_key: `task.${task.id}`,
      contact_name: 'Полчихина Елена Ивановна',
    });
    expect(events[0].occurred_at.toISOString()).toBe('2024-06-17T08:20:00.000Z');
    // What the risk model's "contact with ЛПР" component counts: held contacts with a decision maker in 3 months.
    const { rows: risk } = await t.app.pool.query(
      `SELECT count(*)::int AS n FROM contact_events e JOIN contacts k ON k.id = e.contact_id
        WHERE e.client_id = $1 AND k.is_lpr AND e.outcome IN ('held', 'held_with_login') AND e.occurred_at > $2::timestamptz - interval '3 months'`,
      [client, '2024-06-20T00:00:00+03:00'],
    );
    expect(risk[0].n).toBe(1);

    // July: the next call task carries what the person asked for.
    await t.app.pool.query('UPDATE contacts SET active = false WHERE id = $1', [gone]);
    await sendMonth('2024-07', '2024-07-01T10:00:00+03:00');
    await executeRun(t.app, lprCallTasks, { period: '2024-07-04', trigger: 'admin' });
    const july = (await tasksFor(lpr, 'lpr-call')).at(-1);
    expect(july.id).not.toBe(task.id);
    expect(july.payload.previousNextPrep).toBe('Подборка по закупкам 44-ФЗ');
    expect(july.payload.text).toContain('В прошлый раз просили подготовить: Подборка по закупкам 44-ФЗ');
  });

  it('takes the outcome over HTTP with the admin token and a validated body', async () => {
    const [verify] = await tasksFor(gone, 'lpr-verify-email');
    const url = `/api/tasks/${verify.id}/outcome`;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await server.inject({ method: 'POST', url, payload: { outcome: 'held' } })).statusCode).toBe(401);
    const bad = await server.inject({ method: 'POST', url, headers: auth, payload: { outcome: 'went-well', colour: 'red' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/body: unknown field "colour"/);
    const badOutcome = await server.inject({ method: 'POST', url, headers: auth, payload: { outcome: 'went-well' } });
    expect(badOutcome.json().error).toMatch(/body\.outcome: expected one of held, held-with-login, not-reached, refused/);
    expect(
      (await server.inject({ method: 'POST', url: '/api/tasks/abc/outcome', headers: auth, payload: { outcome: 'held' } })).statusCode,
    ).toBe(400);
    expect(
      (await server.inject({ method: 'POST', url: '/api/tasks/999999/outcome', headers: auth, payload: { outcome: 'held' } })).statusCode,
    ).toBe(404);
    const ok = await server.inject({
      method: 'POST',
      url,
      headers: auth,
      payload: { outcome: 'held', note: 'новый адрес: kvach@atp.example' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ task: { id: verify.id, state: 'done', outcome: 'held' }, changed: true });
    const { rows } = await t.app.pool.query('SELECT outcome, contact_id, employee_id FROM contact_events WHERE task_id = $1', [verify.id]);
    expect(rows).toEqual([{ outcome: 'held', contact_id: gone, employee_id: remote }]);
    const conflict = await server.inject({ method: 'POST', url, headers: auth, payload: { outcome: 'refused' } });
    expect(conflict.statusCode).toBe(409);
  });

  it('gives a bounce the bounce mailbox already reported no second address task', async () => {
    const other = await addContact(t.app.pool, {
      clientId: client,
      fullName: 'Бунина Алефтина Валентиновна',
      isLpr: true,
      email: 'gone.bunina@atp.example',
    });
    await t.app.pool.query(`UPDATE contacts SET active = false WHERE id <> $1`, [other]);
    await loadSample(t.app, '2024-08');
    await sendMonth('2024-08', '2024-08-01T10:00:00+03:00');
    const bounced = await messageOf(t.app, other);
    expect(bounced.state).toBe('bounced');
    // delivery-check got the DSN first and opened its fix-email task.
    await insertTasks(
      t.app.pool,
      [
        {
          kind: 'fix-email',
          title: 'Уточнить e-mail',
          assigneeId: remote,
          clientId: client,
          contactId: other,
          dedupKey: addressTaskKey(other, bounced.to_email),
          createdBy: 'delivery-check',
        },
      ],
      new Date(),
    );
    const stats = (await executeRun(t.app, lprCallTasks, { period: '2024-08-06', trigger: 'admin' })).stats;
    expect(stats).toMatchObject({ verifyAddressTasks: 0 });
    const { rows } = await t.app.pool.query('SELECT kind FROM tasks WHERE contact_id = $1', [other]);
    expect(rows).toEqual([{ kind: 'fix-email' }]);
  });
});
