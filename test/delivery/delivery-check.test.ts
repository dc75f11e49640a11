import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { deliveryCheck } from '../../src/jobs/delivery-check.js';
import { createLogger } from '../../src/log.js';
import { openBounceMailbox } from '../../src/mail/mailbox.js';
import { mailingMessageId } from '../../src/mail/message-ids.js';
import type { TrackingKeys } from '../../src/mail/tracking.js';
import { executeRun } from '../../src/queue/worker.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { killAll, runAdmin, spawnNode } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { bounceSample } from './bounce-samples.js';
import { addMailing, addMessage, addRecipient, type Recipient } from './mailing.js';

let t: TestEnv;
let imap: Dovecot;
let secret: TrackingKeys;
let slot = 0;

/** A fresh schedule slot per run, so each run is a new period. */
function nextPeriod(): string {
  slot++;
  return `2024-06-04T${String(10 + Math.floor(slot / 60)).padStart(2, '0')}${String(slot % 60).padStart(2, '0')}`;
}

const run = () => executeRun(t.app, deliveryCheck, { period: nextPeriod(), trigger: 'admin' });

async function sentMessage(r: Recipient, mailingId?: number): Promise<number> {
  const m = mailingId ?? (await addMailing(t.app.pool));
  return addMessage(t.app.pool, { mailingId: m, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
}

const sample = (name: string, messageId: number, recipient: string) => bounceSample(name, { secret, messageId, recipient });

async function message(id: number) {
  const { rows } = await t.app.pool.query('SELECT state, bounce_kind, bounced_at FROM messages WHERE id = $1', [id]);
  return rows[0];
}

async function contact(id: number) {
  const { rows } = await t.app.pool.query('SELECT email_status, suppressed_at, suppression_reason FROM contacts WHERE id = $1', [id]);
  return rows[0];
}

async function fixEmailTasks(contactId: number) {
  const { rows } = await t.app.pool.query(`SELECT * FROM tasks WHERE kind = 'fix-email' AND contact_id = $1`, [contactId]);
  return rows;
}

beforeAll(async () => {
  imap = await startDovecot();
  t = await createTestEnv({ env: { IMAP_URL: imap.url } });
  secret = t.config.env.trackingSecret;
}, 300_000);
afterAll(async () => {
  await t?.close();
  await imap?.stop();
});
afterEach(async () => {
  await killAll();
});

describe('delivery-check against a real IMAP server', () => {
  it('records that no mailbox is configured, and status shows it', async () => {
    const env = { ...t.env, IMAP_URL: '' };
    const app = createApp(loadConfig({ env }), { log: createLogger('silent') });
    try {
      const out = await executeRun(app, deliveryCheck, { period: nextPeriod(), trigger: 'admin' });
      expect(out.stats).toEqual({ mailbox: 'not configured' });
    } finally {
      await app.close();
    }
    const status = await runAdmin(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Ящик отказов: не настроен \(не задан IMAP_URL\); последняя проверка .*: ящик не настроен/);
  });

  it('unsubscribes on an e-mail to the List-Unsubscribe mailto and cancels what is queued', async () => {
    const r = await addRecipient(t.app.pool);
    const m = await sentMessage(r);
    const next = await addMessage(t.app.pool, {
      mailingId: await addMailing(t.app.pool, { period: '2024-07' }),
      contactId: r.contactId,
      clientId: r.clientId,
      toEmail: r.email,
      state: 'queued',
    });
    await imap.append('INBOX', sample('unsubscribe-mailto', m, r.email));
    expect((await run()).stats).toMatchObject({ unsubscribes: 1, review: 0 });
    const { rows } = await t.app.pool.query('SELECT unsubscribed_at FROM contacts WHERE id = $1', [r.contactId]);
    expect(rows[0].unsubscribed_at).not.toBeNull();
    expect((await message(next)).state).toBe('cancelled');
    expect(await imap.messages('INBOX')).toHaveLength(0);
  });

  it('fails the run when the mailbox cannot be reached, and status says so', async () => {
    const env = { ...t.env, IMAP_URL: 'imap://bounces:secret@127.0.0.1:1' };
    const app = createApp(loadConfig({ env }), { log: createLogger('silent') });
    try {
      await expect(executeRun(app, deliveryCheck, { period: nextPeriod(), trigger: 'admin' })).rejects.toThrow(
        /IMAP imap:\/\/127\.0\.0\.1:1.*cannot log in/,
      );
    } finally {
      await app.close();
    }
    const status = await runAdmin(['status'], env);
    expect(status.stdout).toMatch(/Ящик отказов: imap:\/\/127\.0\.0\.1:1\/?; последняя проверка .* не удалась: IMAP/);
    expect(status.stdout).not.toMatch(/secret/);
  });

  it('reads bounces, marks messages and contacts, opens fix-email tasks, and files every message', async () => {
    const hard = await addRecipient(t.app.pool, { contactName: 'Кашенцева Лариса Владимировна' });
    const viaExchange = await addRecipient(t.app.pool);
    const full = await addRecipient(t.app.pool);
    const policy = await addRecipient(t.app.pool);
    const mHard = await sentMessage(hard);
    const mExchange = await sentMessage(viaExchange);
    const mFull = await sentMessage(full);
    const mPolicy = await sentMessage(policy);
    await imap.append('INBOX', sample('rfc3464-hard', mHard, hard.email));
    await imap.append('INBOX', sample('exchange', mExchange, viaExchange.email));
    await imap.append('INBOX', sample('mailru-full', mFull, full.email));
    await imap.append('INBOX', sample('rfc3464-policy', mPolicy, policy.email));
    await imap.append('INBOX', sample('autoreply-ru', mHard, hard.email));
    await imap.append('INBOX', sample('human-letter', mHard, hard.email));
    // Signed, but for a message that does not exist; and an Exchange report quoting a message sent to someone else.
    await imap.append('INBOX', sample('gmail', 987654, 'nobody@client.example'));
    await imap.append('INBOX', sample('exchange', mPolicy, 'someone-else@client.example'));

    const processedBefore = (await imap.messages('Processed')).length;
    const reviewBefore = (await imap.messages('Review')).length;
    const out = await run();
    expect(out.stats).toMatchObject({
      fetched: 8,
      hard: 2,
      soft: 1,
      policy: 1,
      autoReplies: 1,
      review: 3,
      suppressed: 2,
      eventsRecorded: 4,
      tasksCreated: 2,
    });

    expect(await message(mHard)).toMatchObject({ state: 'bounced', bounce_kind: 'hard' });
    expect(await message(mExchange)).toMatchObject({ state: 'bounced', bounce_kind: 'hard' });
    expect(await message(mFull)).toMatchObject({ state: 'bounced', bounce_kind: 'soft' });
    expect(await message(mPolicy)).toMatchObject({ state: 'bounced', bounce_kind: 'soft' });
    expect(await contact(hard.contactId)).toMatchObject({
      email_status: 'bounced',
      suppression_reason: expect.stringMatching(/^жёсткий отказ 5\.1\.1/),
    });
    expect((await contact(hard.contactId)).suppressed_at).not.toBeNull();
    expect((await contact(viaExchange.contactId)).email_status).toBe('bounced');
    expect(await contact(full.contactId)).toMatchObject({ email_status: 'soft_bouncing', suppressed_at: null });
    expect(await contact(policy.contactId)).toMatchObject({ email_status: 'unknown', suppressed_at: null });

    const [task] = await fixEmailTasks(hard.contactId);
    expect(task).toMatchObject({ assignee_id: hard.remoteId, client_id: hard.clientId, state: 'open', created_by: 'delivery-check' });
    expect(task.title).toMatch(/^Уточнить e-mail контактного лица Кашенцева Лариса Владимировна: письмо не доставлено \(5\.1\.1\)/);
    expect(task.dedup_key).toBe(`fix-email.${hard.contactId}.${hard.email}`);
    expect(await fixEmailTasks(viaExchange.contactId)).toHaveLength(1);

    expect(await imap.messages('INBOX')).toHaveLength(0);
    expect(await imap.messages('Processed')).toHaveLength(processedBefore + 5);
    const review = await imap.messages('Review');
    expect(review).toHaveLength(reviewBefore + 3);
    expect(review.some((r) => r.includes('Subject: Re: question'))).toBe(true);

    const status = await runAdmin(['status'], t.env);
    expect(status.stdout).toMatch(
      /Ящик отказов: imap:\/\/127\.0\.0\.1:\d+\/?; последняя проверка .*: прочитано 8, жёстких отказов 2, временных 1, отказов по политике 1, задержек 0, автоответов 1, отписок 0, в Review 3, адресов заблокировано 2/,
    );
    expect(status.stdout).not.toMatch(/secret/);
  });

  it('files to Review, changing nothing, a bounce that names our message unsigned, forged, or among several', async () => {
    const victim = await addRecipient(t.app.pool);
    const other = await addRecipient(t.app.pool);
    const mVictim = await sentMessage(victim);
    const mOther = await sentMessage(other);
    const domain = t.config.smtp.messageIdDomain;
    const exchange = sample('exchange', mVictim, victim.email);
    const ourId = mailingMessageId(secret, mVictim, domain);
    expect(exchange).toContain(ourId);
    // The attack of the review: the sequential id and the victim's address, no signature.
    await imap.append('INBOX', exchange.replace(ourId, `<message-${mVictim}@${domain}>`));
    // A signature made with another key (the public development one).
    await imap.append('INBOX', exchange.replace(ourId, mailingMessageId('churnguard-development-secret-change-me', mVictim, domain)));
    // A report quoting two of our real Message-IDs names neither.
    await imap.append(
      'INBOX',
      exchange.replace(`Message-ID: ${ourId}`, `Message-ID: ${ourId}\r\nMessage-ID: ${mailingMessageId(secret, mOther, domain)}`),
    );
    const reviewBefore = (await imap.messages('Review')).length;
    expect((await run()).stats).toMatchObject({ fetched: 3, hard: 0, review: 3, suppressed: 0, eventsRecorded: 0, tasksCreated: 0 });
    expect(await message(mVictim)).toMatchObject({ state: 'sent', bounced_at: null });
    expect(await contact(victim.contactId)).toMatchObject({ email_status: 'unknown', suppressed_at: null });
    expect(await fixEmailTasks(victim.contactId)).toHaveLength(0);
    expect(await imap.messages('Review')).toHaveLength(reviewBefore + 3);
    // The same report with our signed Message-ID alone is accepted (the test above would pass for a reader that accepts nothing).
    await imap.append('INBOX', exchange);
    expect((await run()).stats).toMatchObject({ hard: 1, suppressed: 1 });
  });

  it('requires TLS of the bounce mailbox unless IMAP_URL says tls=off', async () => {
    expect(imap.url).toMatch(/\?tls=off$/);
    await expect(openBounceMailbox(imap.url.replace('?tls=off', ''), { folders: [], timeoutMs: 10_000 })).rejects.toThrow(/cannot log in/);
    const box = await openBounceMailbox(imap.url, { folders: [], timeoutMs: 10_000 });
    await box.close();
  });

  it('changes nothing twice: the same bounce read again adds no event and no task', async () => {
    const r = await addRecipient(t.app.pool);
    const m = await sentMessage(r);
    const raw = sample('postfix-plain', m, r.email);
    await imap.append('INBOX', raw);
    expect((await run()).stats).toMatchObject({ hard: 1, eventsRecorded: 1, tasksCreated: 1 });
    // As after a crash between the commit and the move: the bounce is back in INBOX.
    await imap.append('INBOX', raw);
    expect((await run()).stats).toMatchObject({ hard: 1, eventsRecorded: 0, tasksCreated: 0 });
    const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM bounce_events WHERE message_id = $1', [m]);
    expect(rows[0].n).toBe(1);
    expect(await fixEmailTasks(r.contactId)).toHaveLength(1);
  });

  it('suppresses an address after 3 soft bounces among its last 5 messages', async () => {
    const r = await addRecipient(t.app.pool);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await sentMessage(r));
    await imap.append('INBOX', sample('rfc3464-mailbox-full', ids[0] as number, r.email));
    await imap.append('INBOX', sample('mailru-full', ids[1] as number, r.email));
    expect((await run()).stats).toMatchObject({ soft: 2, suppressed: 0 });
    expect(await contact(r.contactId)).toMatchObject({ email_status: 'soft_bouncing', suppressed_at: null });
    await imap.append('INBOX', sample('rfc3464-mailbox-full', ids[2] as number, r.email));
    expect((await run()).stats).toMatchObject({ soft: 1, suppressed: 1, tasksCreated: 1 });
    expect(await contact(r.contactId)).toMatchObject({
      email_status: 'bounced',
      suppression_reason: 'временные отказы: 3 из последних 5 писем',
    });
    const [task] = await fixEmailTasks(r.contactId);
    expect(task.title).toMatch(/письма несколько раз подряд не доставлены/);
  });

  it('leaves the bounce in the inbox when the database write fails before the commit', async () => {
    const r = await addRecipient(t.app.pool);
    const m = await sentMessage(r);
    await t.app.pool.query(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'test: the disk is full'; END $$;
      CREATE TRIGGER test_refuse BEFORE INSERT ON mailbox_checks FOR EACH ROW EXECUTE FUNCTION test_refuse();`);
    await imap.append('INBOX', sample('rfc3464-hard', m, r.email));
    try {
      await expect(run()).rejects.toThrow(/the disk is full/);
      expect(await imap.messages('INBOX')).toHaveLength(1);
      expect(await message(m)).toMatchObject({ state: 'sent', bounce_kind: null });
      const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM bounce_events WHERE message_id = $1', [m]);
      expect(rows[0].n).toBe(0);
    } finally {
      await t.app.pool.query('DROP TRIGGER test_refuse ON mailbox_checks; DROP FUNCTION test_refuse()');
    }
    expect((await run()).stats).toMatchObject({ hard: 1, eventsRecorded: 1 });
    expect(await imap.messages('INBOX')).toHaveLength(0);
    expect(await message(m)).toMatchObject({ state: 'bounced', bounce_kind: 'hard' });
  });

  it('leaves the bounce in the inbox when the process is killed between parsing and commit', async () => {
    const r = await addRecipient(t.app.pool);
    const m = await sentMessage(r);
    // Holds the job inside its transaction long enough to kill it there.
    await t.app.pool.query(`CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$;
      CREATE TRIGGER test_hold BEFORE INSERT ON bounce_events FOR EACH ROW EXECUTE FUNCTION test_hold();`);
    await imap.append('INBOX', sample('exim', m, r.email));
    try {
      const child = spawnNode('src/cli/main.ts', ['trigger', 'delivery-check', '--inline', '--period', nextPeriod()], t.env, 90_000);
      await waitFor(
        'the job to sit inside its transaction',
        async () => {
          const { rows } = await t.app.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO bounce_events%' AND state = 'active'`,
          );
          return rows.length > 0;
        },
        30_000,
        100,
      );
      child.proc.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await t.app.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO bounce_events%'`,
      );
    } finally {
      await t.app.pool.query('DROP TRIGGER test_hold ON bounce_events; DROP FUNCTION test_hold()');
    }
    expect(await imap.messages('INBOX')).toHaveLength(1);
    expect(await message(m)).toMatchObject({ state: 'sent', bounce_kind: null });
    expect(await contact(r.contactId)).toMatchObject({ email_status: 'unknown' });
    expect((await run()).stats).toMatchObject({ hard: 1, eventsRecorded: 1, suppressed: 1 });
    expect(await imap.messages('INBOX')).toHaveLength(0);
    expect(await message(m)).toMatchObject({ state: 'bounced', bounce_kind: 'hard' });
  });
});
