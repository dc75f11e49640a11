import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { setClock } from '../../src/clock.js';
import { withTransaction } from '../../src/db/pool.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { dispatchNotifications, queueNotification } from '../../src/mail/outbox.js';
import { compileMjml, fill, html, mjmlCompilations, renderTemplate, SafeHtml, TemplateError } from '../../src/mail/render.js';
import { redisConnection } from '../../src/queue/queues.js';
import { reconcile } from '../../src/queue/reconcile.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { createTestEnv, deleteRedisPrefix, type TestEnv } from '../helpers/env.js';
import { flakyAndGone, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers | null = null;

beforeAll(async () => {
  smtp = await startTestSmtp({ rcptReply: flakyAndGone });
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
  setClock(null);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function notify(dedupKey: string, to: string, subject = 'Сигнал: снижение активности') {
  const r = await renderTemplate('notification', {
    subject,
    heading: 'Снижение активности клиента',
    lead: 'Клиент 193254 - Ветстанция <ООО "Рога & копыта">',
    body_html: html`<p>Входов за 2 недели: ${0}</p>`,
    footer: 'churnguard',
  });
  const { id, created } = await withTransaction(t.app.pool, (c) =>
    queueNotification(c, { kind: 'signal-alert', dedupKey, employeeId: null, toEmail: to, subject, html: r.html, text: r.text }),
  );
  if (created) await dispatchNotifications(t.app, [id]);
  return id;
}

/** Reconcile gives the row its send job back; a worker then sends it, once. */
async function reconcileThenSentOnce(id: number, address: string) {
  expect((await reconcile(t.app, [sendEmail])).requeued).toBeGreaterThanOrEqual(1);
  workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
  await waitFor('sent', async () => (await state(id)).state === 'sent');
  expect(smtp.messages.filter((m) => m.to.includes(address))).toHaveLength(1);
}

async function state(id: number) {
  const { rows } = await t.app.pool.query('SELECT state, attempts, smtp_response, error FROM notifications WHERE id = $1', [id]);
  return rows[0];
}

describe('notification outbox', () => {
  it('sends a queued notification once over real SMTP, even when queued twice', async () => {
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    const a = await notify('n.1', 'nelina@ric502.example');
    const b = await notify('n.1', 'nelina@ric502.example');
    expect(b).toBe(a);
    await waitFor('sent', async () => (await state(a)).state === 'sent');
    const got = smtp.messages.filter((m) => m.to.includes('nelina@ric502.example'));
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(m.parsed.subject).toBe('Сигнал: снижение активности');
    expect(m.parsed.html).toContain('Ветстанция &lt;ООО &quot;Рога &amp; копыта&quot;&gt;');
    expect(m.parsed.text).toContain('Ветстанция <ООО "Рога & копыта">');
    expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect((await state(a)).smtp_response).toMatch(/^250/);
  });

  it('retries after 451 and sends once', async () => {
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    const id = await notify('n.2', 'flaky@ric502.example');
    await waitFor('sent after a retry', async () => (await state(id)).state === 'sent');
    expect(await state(id)).toMatchObject({ attempts: 2 });
    expect(smtp.attempts.get('flaky@ric502.example')).toBe(2);
    expect(smtp.messages.filter((m) => m.to.includes('flaky@ric502.example'))).toHaveLength(1);
  });

  it('fails on 550 without retrying', async () => {
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    const id = await notify('n.3', 'gone@ric502.example');
    await waitFor('failed', async () => (await state(id)).state === 'failed');
    const s = await state(id);
    expect(s.attempts).toBe(1);
    expect(s.error).toMatch(/SMTP 550/);
    // The row is marked failed inside the job, before BullMQ moves the job to failed: wait for
    // that move, then read the job afresh (a copy read while it was active says attemptsMade 0).
    const queue = t.app.queues.get('send-email');
    await waitFor('the job to fail', async () => (await queue.getJobState(`notify.${id}`)) === 'failed');
    const job = await queue.getJob(`notify.${id}`);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/SMTP 550/);
    expect(smtp.attempts.get('gone@ric502.example')).toBe(1);
  });

  it('gets a queued row sent after Redis lost its job', async () => {
    const id = await notify('n.4', 'lost@ric502.example');
    await deleteRedisPrefix(t.prefix);
    await reconcileThenSentOnce(id, 'lost@ric502.example');
  });

  it('gets a queued row sent after its job failed without the row knowing (stalled beyond the limit)', async () => {
    const id = await notify('n.7', 'stalled@ric502.example');
    // A real worker takes the job and BullMQ fails it the way its stall check does, before the
    // row was claimed: the row is still `queued`, the failed job keeps its id in Redis.
    const taker = new Worker('send-email', null, { connection: redisConnection(t.config.env.redisUrl), prefix: t.prefix });
    try {
      const job = await taker.getNextJob('taker');
      expect(job?.id).toBe(`notify.${id}`);
      await job!.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'taker', false);
    } finally {
      await taker.close();
    }
    expect(await t.app.queues.get('send-email').getJobState(`notify.${id}`)).toBe('failed');
    expect((await state(id)).state).toBe('queued');
    await reconcileThenSentOnce(id, 'stalled@ric502.example');
  });

  it('marks a row cut off mid-send as unknown and re-sends it only on request', async () => {
    // The row is taken for sending, then its worker dies: the job, delivered again, finds the
    // row not claimable and completes without sending.
    await t.app.pool.query(`UPDATE notifications SET state = 'sent' WHERE state <> 'sent'`);
    const id = await notify('n.5', 'cut@ric502.example');
    await t.app.pool.query(
      `UPDATE notifications SET state = 'sending', attempts = 1, sending_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    // Finished send jobs are not kept: the job is gone once it ran.
    await waitFor('the job to finish', async () => (await t.app.queues.get('send-email').getJob(`notify.${id}`)) === undefined);
    expect(smtp.messages.filter((m) => m.to.includes('cut@ric502.example'))).toHaveLength(0);
    const run = await executeRun(t.app, housekeeping, { period: '2024-06-03T1015', trigger: 'admin' });
    expect(run.stats).toMatchObject({ notificationsMarkedUnknown: 1 });
    expect((await state(id)).state).toBe('unknown');
    // Reconcile does not resend it.
    expect((await reconcile(t.app, [sendEmail])).requeued).toBe(0);
    const status = await cliJson(['status', '--json']);
    expect(status.notifications.unknown).toBe(1);
    const retried = await cliJson(['retry', 'send-email', '--unknown', '--json']);
    expect(retried.requeued).toEqual([id]);
    await waitFor('sent', async () => (await state(id)).state === 'sent');
    expect(smtp.messages.filter((m) => m.to.includes('cut@ric502.example'))).toHaveLength(1);
  });

  it('never sends again an e-mail the SMTP server accepted when recording it fails', async () => {
    await t.app.pool.query(`
      CREATE FUNCTION test_refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.state = 'sent' AND NEW.to_email = 'unrecorded@ric502.example' THEN RAISE EXCEPTION 'disk full (test)'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_sent BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION test_refuse_sent();`);
    try {
      workers = new JobWorkers(t.app, [sendEmail]);
      workers.start();
      const id = await notify('n.6', 'unrecorded@ric502.example');
      const queue = t.app.queues.get('send-email');
      await waitFor('the job to fail', async () => (await (await queue.getJob(`notify.${id}`))?.getState()) === 'failed');
      const job = await queue.getJob(`notify.${id}`);
      expect(job?.attemptsMade).toBe(1);
      expect(job?.failedReason).toMatch(/accepted by SMTP, but not recorded as sent: disk full/);
      expect(smtp.messages.filter((m) => m.to.includes('unrecorded@ric502.example'))).toHaveLength(1);
      // Left `sending`: housekeeping will call it unknown; nothing re-sends it on its own.
      expect((await state(id)).state).toBe('sending');
    } finally {
      await t.app.pool.query('DROP TRIGGER test_refuse_sent ON notifications; DROP FUNCTION test_refuse_sent()');
    }
  });
});

async function cliJson(argv: string[]) {
  let out = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: () => {} }, t.config);
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('templates', () => {
  it('escapes values, inserts only SafeHtml raw, and refuses missing values', () => {
    const tpl = '<p>{{ name }}</p><div>{{{ block }}}</div>';
    expect(fill(tpl, { name: '<script>alert("x")</script>', block: html`<b>${'<i>'}</b>` })).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><div><b>&lt;i&gt;</b></div>',
    );
    expect(() => fill(tpl, { name: 'x' })).toThrow(TemplateError);
    expect(() => fill(tpl, { name: 'x', block: '<b>raw string</b>' })).toThrow(/not SafeHtml/);
    expect(fill('{{ a }} {{{ b }}}', { a: '<x>', b: new SafeHtml('<p>y</p>') }, 'text')).toBe('<x> y\n');
  });

  it('compiles MJML once per template and reports MJML errors', async () => {
    const before = mjmlCompilations();
    await renderTemplate('notification', { subject: 's', heading: 'h', lead: 'l', body_html: html``, footer: 'f' });
    await renderTemplate('notification', { subject: 's', heading: 'h', lead: 'l', body_html: html``, footer: 'f' });
    expect(mjmlCompilations() - before).toBeLessThanOrEqual(1);
    await expect(compileMjml('<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>')).rejects.toThrow(
      TemplateError,
    );
  });
});
