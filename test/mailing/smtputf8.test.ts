/**
 * An internationalised address (`директор@поплавский.рф`, RFC 6531) gets the month's e-mail
 * through a real SMTP server that announces SMTPUTF8; through one that hides the extension
 * the message fails with a reason shown in `report delivery`, `status` and the call task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../src/domain/dates.js';
import { lprCallTasks } from '../../src/jobs/lpr-call-tasks.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { loadSample, messageOf } from './fixtures.js';

const IDN = 'директор@поплавский.рф';
const REASON = 'сервер не принимает адреса на кириллице (SMTPUTF8)';

interface World {
  smtp: TestSmtp;
  t: TestEnv;
  workers: JobWorkers;
  contact: number;
}

async function world(hideSMTPUTF8: boolean): Promise<World> {
  const smtp = await startTestSmtp({ hideSMTPUTF8 });
  const t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  await loadSample(t.app, '2024-06');
  const remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.', email: 'lukina@ric502.example' });
  const client = await addClient(t.app.pool, { name: 'Поплавский и партнёры', remoteId: remote });
  const contact = await addContact(t.app.pool, { clientId: client, fullName: 'Поплавский Пётр Петрович', isLpr: true, email: IDN });
  const workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
  return { smtp, t, workers, contact };
}

async function close(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.workers.close(5000);
  await w.t.close();
  await w.smtp.close();
}

describe('an internationalised address', () => {
  let on: World | undefined;
  let off: World | undefined;
  beforeAll(async () => {
    on = await world(false);
    off = await world(true);
  });
  afterAll(async () => {
    await close(on);
    await close(off);
  });

  it('is selected and receives the month’s e-mail with SMTPUTF8 when the server announces it', async () => {
    const w = on as World;
    const run = await executeRun(w.t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect(run.stats).toMatchObject({ recipients: 1 });
    await waitFor('sent', async () => (await messageOf(w.t.app, w.contact))?.state === 'sent');
    const [got] = await w.smtp.waitForCount(1);
    expect(got?.to).toEqual([IDN]);
    expect(got?.smtpUtf8).toBe(true);
    expect(got?.parsed.to && 'value' in got.parsed.to ? got.parsed.to.value[0]?.address : null).toBe(IDN);
  });

  it('fails with the reason when the server hides SMTPUTF8, shown in report delivery, status and the call task', async () => {
    const w = off as World;
    const run = await executeRun(w.t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect(run.stats).toMatchObject({ recipients: 1 });
    await waitFor('failed', async () => (await messageOf(w.t.app, w.contact))?.state === 'failed');
    expect(w.smtp.messages).toHaveLength(0);
    expect(w.smtp.attempts.size).toBe(0);
    const { rows } = await w.t.app.pool.query('SELECT error FROM messages');
    expect(rows[0].error).toBe(REASON);

    const delivery = await runCapturedCli(w.t.config, ['report', 'delivery', '--period', '2024-06']);
    expect(delivery.code, delivery.err).toBe(0);
    const line = delivery.out.split('\n').find((l) => l.includes(IDN));
    expect(line).toContain(REASON);

    const status = await runCapturedCli(w.t.config, ['status']);
    expect(status.out).toContain(`не отправлено 1: ${REASON}`);

    const today = localDate(new Date(), w.t.config.ric.timeZone);
    await executeRun(w.t.app, lprCallTasks, { period: today, trigger: 'admin' });
    const { rows: tasks } = await w.t.app.pool.query(`SELECT kind, title, payload FROM tasks WHERE contact_id = $1`, [w.contact]);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].kind).toBe('lpr-call');
    expect(tasks[0].title).toContain(REASON);
    expect(tasks[0].payload.text).toContain(`на ${IDN} не отправлено`);
  });
});
