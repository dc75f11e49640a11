/** The monthly e-mail to decision makers over real SMTP: rendering, headers, replies, suppression. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { readContentDir } from '../../src/content/load.js';
import { saveContent } from '../../src/db/contents.js';
import { withTransaction } from '../../src/db/pool.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { LPR_KIND, lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { mailingAssetLoads } from '../../src/mail/mailing.js';
import { mailingMessageId } from '../../src/mail/message-ids.js';
import { mjmlCompilations } from '../../src/mail/render.js';
import { verifyClickToken, verpAddress } from '../../src/mail/tracking.js';
import { reconcile } from '../../src/queue/reconcile.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { flakyAndGone, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { loadSample, messageOf, SAMPLE_DIR } from './fixtures.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers | null = null;

beforeAll(async () => {
  smtp = await startTestSmtp({ rcptReply: flakyAndGone });
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  for (const period of ['2024-06', '2024-08', '2024-09', '2024-10', '2024-11', '2025-01', '2025-02', '2025-03'])
    await loadSample(t.app, period);
});
beforeEach(async () => {
  // Each test mails its own contacts: earlier ones drop out of selection.
  await t.app.pool.query('UPDATE contacts SET active = false');
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

function startWorkers() {
  workers = new JobWorkers(t.app, [sendEmail]);
  workers.start();
}

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

const received = (address: string) => smtp.messages.filter((m) => m.to.includes(address));

describe('rendering and sending', () => {
  it('compiles each variant once, escapes names, delivers to a .рф domain and carries the tracking headers', async () => {
    const remote = await addEmployee(t.app.pool, { name: 'Нелина А.Ю.', email: 'nelina@ric502.example', phone: '8-906-600-50-06' });
    const client = await addClient(t.app.pool, { name: 'Ветстанция «Рога & копыта»', remoteId: remote });
    const evil = await addContact(t.app.pool, {
      clientId: client,
      fullName: 'Иванов <script>alert("x")</script>\r\nBcc: evil@evil.example Пётр',
      isLpr: true,
      email: 'ivanov@vetstanciya.example',
      positionType: 'manager',
    });
    const rf = await addContact(t.app.pool, {
      clientId: client,
      fullName: 'Петрова Анна Сергеевна',
      isLpr: true,
      isSystemUser: true,
      positionType: 'accountant',
      problemAreas: ['Проверки ГИТ'],
      email: 'director@школа.рф',
    });
    await addContact(t.app.pool, { clientId: client, isLpr: true, consent: false });
    await addContact(t.app.pool, { clientId: client, isLvpr: true });
    await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'ivanov@@broken' });
    const compiledBefore = mjmlCompilations();
    const loadsBefore = mailingAssetLoads();
    const run = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect(run.stats).toMatchObject({
      recipients: 2,
      perVariant: { 'hook.inspections.accountant': 1, 'non-user.manager': 1 },
      excluded: { no_consent: 1, not_decision_maker: 1, invalid_email: 1 },
      messagesCreated: 2,
      variantsCompiled: 2,
    });
    expect(mjmlCompilations() - compiledBefore).toBe(2);
    startWorkers();
    await waitFor(
      'both sent',
      async () => (await messageOf(t.app, evil))?.state === 'sent' && (await messageOf(t.app, rf))?.state === 'sent',
    );
    expect(mailingAssetLoads() - loadsBefore).toBe(1);

    const msg = await messageOf(t.app, evil);
    const [mail] = received('ivanov@vetstanciya.example');
    expect(received('ivanov@vetstanciya.example')).toHaveLength(1);
    const p = mail!.parsed;
    expect(p.subject).toBe('Июнь 2024: ТОП вопросов, обзоры и вебинары для руководителя');
    expect(p.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(p.html).not.toContain('<script>');
    // Quotes inside quotes become „…“ (the desk's typography).
    expect(p.html).toContain('Ветстанция „Рога &amp; копыта“');
    expect(p.headers.get('bcc')).toBeUndefined();
    expect(mail!.to).toEqual(['ivanov@vetstanciya.example']);
    expect(mail!.raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/^Bcc:/im);
    // Signed, so a bounce quoting it names this message only if we wrote it.
    expect(p.messageId).toBe(mailingMessageId(t.config.env.trackingSecret, msg.id, 'ric502.example'));
    expect(p.messageId).toMatch(new RegExp(`^<message-${msg.id}\\.[0-9a-f]{16}@ric502\\.example>$`));
    expect(mail!.from).toBe(verpAddress(t.config.env.trackingSecret, msg.id, 'bounce.ric502.example'));
    const head = (mail!.raw.split(/\r?\n\r?\n/)[0] as string).replace(/\r?\n[ \t]+/g, ' ');
    const lu = /^List-Unsubscribe: (.*)$/m.exec(head)?.[1]?.trim();
    expect(lu).toMatch(
      /^<http:\/\/127\.0\.0\.1:3999\/u\/[0-9a-z]+-[A-Za-z0-9_-]+>, <mailto:unsubscribe\+[0-9a-z]+-[A-Za-z0-9_-]+@bounce\.ric502\.example>$/,
    );
    expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(p.attachments.map((a) => a.filename)).toEqual(['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf']);
    expect(p.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');

    // Every link is a tracked one naming this message and a stored link of the mailing; one is the hidden honeypot.
    const hrefs = [...String(p.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);
    const { rows: links } = await t.app.pool.query('SELECT id, kind, url FROM links WHERE mailing_id = $1', [msg.mailing_id]);
    const byId = new Map(links.map((l) => [l.id, l]));
    const clickHrefs = hrefs.filter((h) => h.includes('/c/'));
    expect(hrefs.every((h) => h.startsWith('http://127.0.0.1:3999/c/') || h.startsWith('http://127.0.0.1:3999/u/'))).toBe(true);
    expect(clickHrefs.length).toBeGreaterThan(10);
    const kinds = clickHrefs.map((h) => {
      const tok = verifyClickToken(t.config.env.trackingSecret, h.split('/c/')[1] as string);
      expect(tok?.messageId).toBe(msg.id);
      return byId.get(tok?.linkId as number)?.kind;
    });
    expect(kinds).toContain('honeypot');
    expect(kinds).toContain('top_question');
    expect(kinds).toContain('review');
    expect(String(p.html)).toMatch(/display:none[^>]*>\s*<a href="http:\/\/127\.0\.0\.1:3999\/c\//);
    expect(p.text).toContain('http://127.0.0.1:3999/c/');
    expect(p.text).toContain('<script>alert("x")</script>');

    // The user variant: the news hook of their area; the Cyrillic domain delivered (punycode on the wire).
    const ascii = `director@${new URL('http://школа.рф').hostname}`;
    const rfMail = smtp.messages.filter((m) => m.to.includes(ascii) || m.to.includes('director@школа.рф'));
    expect(rfMail).toHaveLength(1);
    expect(rfMail[0]!.parsed.subject).toBe('Проверки ГИТ и ФНС летом 2024: к чему готовиться (июнь 2024)');
    expect(rfMail[0]!.parsed.html).toContain('Здравствуйте, Анна Сергеевна!');
    expect((await t.app.pool.query('SELECT email_status FROM contacts WHERE id = $1', [rf])).rows[0].email_status).toBe('ok');
  });

  it('keeps a CR/LF in a subject field out of the headers', async () => {
    const loaded = readContentDir(SAMPLE_DIR);
    const content = { ...loaded.content, period: '2024-07', subject: 'Новости июля\r\nBcc: evil@evil.example\r\nX-Injected: yes' };
    await withTransaction(t.app.pool, (db) => saveContent(db, LPR_KIND, { ...loaded, content, sha256: 'crlf' }, new Date()));
    const client = await addClient(t.app.pool);
    const k = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'crlf@client.example' });
    await executeRun(t.app, lprMonthly, { period: '2024-07', trigger: 'admin' });
    startWorkers();
    await waitFor('sent', async () => (await messageOf(t.app, k))?.state === 'sent');
    const [mail] = received('crlf@client.example');
    const head = mail!.raw.split(/\r?\n\r?\n/)[0] as string;
    expect(head).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mail!.parsed.subject).toBe('Новости июля Bcc: evil@evil.example X-Injected: yes (июль 2024)');
    expect(mail!.to).toEqual(['crlf@client.example']);
  });

  it('retries after 451 and sends once; bounces on 550 without a retry and suppresses the contact', async () => {
    const client = await addClient(t.app.pool);
    const flaky = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'flaky.lpr@client.example' });
    const gone = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'gone.lpr@client.example' });
    await executeRun(t.app, lprMonthly, { period: '2024-08', trigger: 'admin' });
    startWorkers();
    await waitFor(
      'settled',
      async () => (await messageOf(t.app, flaky))?.state === 'sent' && (await messageOf(t.app, gone))?.state === 'bounced',
    );
    expect(await messageOf(t.app, flaky)).toMatchObject({ attempts: 2, state: 'sent' });
    expect(received('flaky.lpr@client.example')).toHaveLength(1);
    const bounced = await messageOf(t.app, gone);
    expect(bounced).toMatchObject({ state: 'bounced', bounce_kind: 'hard', attempts: 1 });
    expect(bounced.smtp_response).toMatch(/^550/);
    expect(smtp.attempts.get('gone.lpr@client.example')).toBe(1);
    // The row is marked inside the job, before BullMQ moves the job: wait for that move, then read the job afresh.
    const queue = t.app.queues.get('send-email');
    await waitFor('the job to fail', async () => (await queue.getJobState(`send.${bounced.id}`)) === 'failed');
    const job = await queue.getJob(`send.${bounced.id}`);
    expect(job?.attemptsMade).toBe(1);
    const { rows } = await t.app.pool.query('SELECT email_status, suppressed_at FROM contacts WHERE id = $1', [gone]);
    expect(rows[0].email_status).toBe('bounced');
    expect(rows[0].suppressed_at).not.toBeNull();
    // The next month leaves the suppressed address out.
    const plan = await cli('trigger', 'lpr-monthly', '--period', '2024-09', '--dry-run', '--json');
    expect(JSON.parse(plan.out).plan.excluded).toMatchObject({ suppressed: 1 });
  });

  it('does not send to a contact who unsubscribed between selection and sending', async () => {
    const client = await addClient(t.app.pool);
    const stays = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'stays@client.example' });
    const leaves = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'leaves@client.example' });
    await executeRun(t.app, lprMonthly, { period: '2024-10', trigger: 'admin' });
    await t.app.pool.query('UPDATE contacts SET unsubscribed_at = now() WHERE id = $1', [leaves]);
    startWorkers();
    await waitFor(
      'settled',
      async () => (await messageOf(t.app, stays))?.state === 'sent' && (await messageOf(t.app, leaves))?.state === 'cancelled',
    );
    expect(received('leaves@client.example')).toHaveLength(0);
    expect((await messageOf(t.app, leaves)).error).toBe('not sent: unsubscribed');
  });
});

describe('timing', () => {
  it('holds a mailing scheduled on a day off until the next working day, also across a Redis loss', async () => {
    const client = await addClient(t.app.pool);
    const k = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'saturday@client.example' });
    // Saturday 1 March 2025, the schedule's tick.
    setClock(new Date('2025-03-01T10:00:00+03:00'));
    const run = await executeRun(t.app, lprMonthly, { period: '2025-03', trigger: 'schedule' });
    expect(run.stats).toMatchObject({ sendAfter: '2025-03-03T07:00:00.000Z', queued: 1 });
    const m = await messageOf(t.app, k);
    expect(await (await t.app.queues.get('send-email').getJob(`send.${m.id}`))?.getState()).toBe('delayed');
    await t.app.queues.get('send-email').remove(`send.${m.id}`);
    expect((await reconcile(t.app, [sendEmail])).requeued).toBe(0);
    setClock(new Date('2025-03-03T10:00:01+03:00'));
    expect((await reconcile(t.app, [sendEmail])).requeued).toBe(1);
    startWorkers();
    await waitFor('sent on Monday', async () => (await messageOf(t.app, k))?.state === 'sent');
  });
});

describe('admin commands', () => {
  it('prints the counts per variant and the first 20 recipients on a dry run, and sends nothing', async () => {
    const client = await addClient(t.app.pool, { number: 777001, name: 'Дизайн-ателье' });
    for (let i = 0; i < 22; i++)
      await addContact(t.app.pool, { clientId: client, isLpr: true, fullName: `Руководитель ${i}`, email: `dry${i}@client.example` });
    await addContact(t.app.pool, {
      clientId: client,
      isLpr: true,
      isSystemUser: true,
      positionType: 'lawyer',
      problemAreas: ['торги'],
      email: 'dry.user@client.example',
    });
    const res = await cli('trigger', 'lpr-monthly', '--period', '2024-11', '--dry-run');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/Ежемесячное письмо ЛПР, ноябрь 2024 \(пробный запуск, ничего не отправлено\): 23 получателя/);
    expect(res.out).toMatch(/ЛПР — пользователь системы, инфоповод «[^»]+»: юрист: 1/);
    expect(res.out).toMatch(/ЛПР — не пользователь системы: руководитель: 22/);
    expect(res.out).toMatch(/Первые 20:/);
    expect(res.out.match(/777001 - Дизайн-ателье/g)).toHaveLength(20);
    const { rows } = await t.app.pool.query(`SELECT count(*)::int AS n FROM mailings WHERE period = '2024-11'`);
    expect(rows[0].n).toBe(0);
  });

  it('writes the exact HTML and .eml of a contact with preview', async () => {
    const client = await addClient(t.app.pool, { name: 'ПРОДБИЗНЕС' });
    const k = await addContact(t.app.pool, {
      clientId: client,
      isLpr: true,
      fullName: 'Фролова Ирина Викторовна',
      email: 'frolova@client.example',
    });
    const noContent = await cli('preview', 'lpr-monthly', '--contact', String(k), '--period', '2024-12', '--out', join(t.varDir, 'x.html'));
    expect(noContent.code).toBe(1);
    expect(noContent.err).toMatch(/нет содержания письма за 2024-12: загрузите его \(«admin content load content\/2024-12»/);
    const notLpr = await addContact(t.app.pool, { clientId: client, isLpr: false });
    const refused = await cli(
      'preview',
      'lpr-monthly',
      '--contact',
      String(notLpr),
      '--period',
      '2025-02',
      '--out',
      join(t.varDir, 'x.html'),
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/контакт \d+ не получит письмо за 2025-02: не ЛПР/);
    const fresh = await cli('preview', 'lpr-monthly', '--contact', String(k), '--period', '2025-02', '--out', join(t.varDir, 'p1.html'));
    expect(fresh.code).toBe(0);
    expect(fresh.out).toMatch(/временные номера/);
    expect(readFileSync(join(t.varDir, 'p1.html'), 'utf8')).toContain('Здравствуйте, Ирина Викторовна!');
    await executeRun(t.app, lprMonthly, { period: '2025-02', trigger: 'admin' });
    startWorkers();
    await waitFor('sent', async () => (await messageOf(t.app, k))?.state === 'sent');
    const exact = await cli('preview', 'lpr-monthly', '--contact', String(k), '--period', '2025-02', '--out', join(t.varDir, 'p2.html'));
    expect(exact.out).toMatch(/ровно то, что отправляется/);
    const [mail] = received('frolova@client.example');
    expect(readFileSync(join(t.varDir, 'p2.html'), 'utf8')).toBe(mail!.parsed.html);
    expect(
      (await cli('preview', 'lpr-monthly', '--contact', String(k), '--period', '2025-02', '--out', join(t.varDir, 'p.eml'))).code,
    ).toBe(0);
    const eml = readFileSync(join(t.varDir, 'p.eml'), 'utf8');
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(eml).toMatch(/^Content-Disposition: attachment; filename=podborka-nalogi-iyul-2024\.pdf$/m);
  });

  it('marks a message cut off mid-send unknown, shows it, and re-sends it only on request', async () => {
    const client = await addClient(t.app.pool);
    const k = await addContact(t.app.pool, { clientId: client, isLpr: true, email: 'cut.lpr@client.example' });
    await executeRun(t.app, lprMonthly, { period: '2025-01', trigger: 'admin' });
    const m = await messageOf(t.app, k);
    await t.app.pool.query(`UPDATE messages SET state = 'sending', attempts = 1, sending_at = now() - interval '1 hour' WHERE id = $1`, [
      m.id,
    ]);
    await t.app.queues.get('send-email').remove(`send.${m.id}`);
    const hk = await executeRun(t.app, housekeeping, { period: '2025-01-09T1020', trigger: 'admin' });
    expect(hk.stats).toMatchObject({ messagesMarkedUnknown: 1 });
    const status = await cli('status');
    expect(status.out).toMatch(/1 письмо с неизвестной судьбой \(отправка прервана\).*retry lpr-monthly --unknown/);
    startWorkers();
    const retried = await cli('retry', 'lpr-monthly', '--unknown', '--period', '2025-01', '--json');
    expect(JSON.parse(retried.out).requeued).toEqual([m.id]);
    await waitFor('sent', async () => (await messageOf(t.app, k))?.state === 'sent');
    expect(received('cut.lpr@client.example')).toHaveLength(1);
  });
});
