/**
 * DKIM: with a key configured, what the real transport sends is signed (rsa-sha256 or
 * ed25519-sha256, relaxed/relaxed, over From, To, Subject, Date, Message-ID, List-Unsubscribe and
 * List-Unsubscribe-Post), reaches a real SMTP server through a relay that passes it on as relays
 * do (a Received header in front, SMTP's dot-stuffing twice), and verifies there with two
 * independent verifiers fed the very record `admin mail dns` prints; a message altered after
 * signing fails. A bad key or half a configuration stops the start, naming the variable.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, ConfigError, loadConfig } from '../../src/config.js';
import { withTransaction } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { signMessage } from '../../src/mail/dkim.js';
import { warnDkimAlignment } from '../../src/mail/dns-records.js';
import { queueNotification, sendNotification } from '../../src/mail/outbox.js';
import { runCapturedCli } from '../helpers/cli.js';
import { newDkimKeyPem, type TxtRecords, verifyWithMailauth, verifyWithMailDkim } from '../helpers/dkim.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { type Received, startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const DKIM = { domain: 'ric502.example', selector: 'cg2024' };
const RECORD = 'cg2024._domainkey.ric502.example';
const REQUIRED = ['from', 'to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post'];

/** A relay as a RIC runs one: takes the message, puts its Received header in front, passes it on unchanged. */
async function startRelay(next: TestSmtp): Promise<{ url: string; close(): Promise<void> }> {
  const onward = nodemailer.createTransport({ host: '127.0.0.1', port: next.port, secure: false, ignoreTLS: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const received = `Received: from churnguard (localhost [127.0.0.1])\r\n\tby relay.ric502.example with ESMTP id ${session.id};\r\n\t${new Date().toUTCString()}\r\n`;
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        onward
          .sendMail({
            envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
            raw: Buffer.concat([Buffer.from(received), ...chunks]),
          })
          .then(
            () => cb(null, 'relayed'),
            (err: Error) => cb(err),
          );
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return {
    url: `smtp://127.0.0.1:${port}?tls=off`,
    close: async () => {
      onward.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A world whose mail is signed with `pem`, sent through a relay to `final`. */
async function signingEnv(pem: string, relayUrl: string): Promise<TestEnv> {
  return createTestEnv({ env: { SMTP_URL: relayUrl, DKIM_PRIVATE_KEY: pem }, overrides: { smtp: { dkim: DKIM } } });
}

/** The DKIM record as `admin mail dns --json` prints it: what the resolver then serves. */
async function publishedRecord(config: AppConfig): Promise<TxtRecords> {
  const res = await runCapturedCli(config, ['mail', 'dns', '--json']);
  expect(res.code, res.err).toBe(0);
  const dns = JSON.parse(res.out);
  expect(dns.dkim.name).toBe(RECORD);
  return { [dns.dkim.name]: dns.dkim.value };
}

const raw = (m: Received) => Buffer.from(m.raw, 'utf8');

let final: TestSmtp;
let relay: Awaited<ReturnType<typeof startRelay>>;
/** Worlds signing with an RSA and an Ed25519 key, and one not signing. */
const envs: Record<'rsa' | 'ed25519' | 'none', TestEnv> = {} as never;

beforeAll(async () => {
  final = await startTestSmtp();
  relay = await startRelay(final);
  [envs.rsa, envs.ed25519, envs.none] = await Promise.all([
    signingEnv(newDkimKeyPem('rsa'), relay.url),
    signingEnv(newDkimKeyPem('ed25519'), relay.url),
    createTestEnv({ env: { SMTP_URL: relay.url } }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(envs).map((t) => t.close()));
  await relay?.close();
  await final?.close();
});

/** The configuration of a world signing with another key of the same kind, under the same name. */
function otherKeyConfig(type: 'rsa' | 'ed25519'): AppConfig {
  return loadConfig({ env: { CHURNGUARD_RUN: 'test', DKIM_PRIVATE_KEY: newDkimKeyPem(type) }, overrides: { smtp: { dkim: DKIM } } });
}

/** A message shaped as the monthly e-mail: Cyrillic names, both unsubscribe headers, a PDF attached. */
function mailingLike(to: string) {
  return {
    from: '"РИЦ502 — дистанционный сервис" <dis@ric502.example>',
    to: { name: 'Иванов Иван Петрович', address: to },
    subject: 'Июнь 2024: Проверки   и  штрафы',
    date: new Date('2024-06-03T07:00:00Z'),
    html: '<p>Здравствуйте, Иван Петрович!</p>\n<p>ТОП вопросов месяца.   </p>\n\n\n',
    text: 'Здравствуйте, Иван Петрович!\n.\nСтрока с точкой в начале (SMTP её удваивает).  \n',
    messageId: '<message-7.0123456789abcdef@ric502.example>',
    envelope: { from: 'bounce+7.0123456789abcdef@bounce.ric502.example', to: [to] },
    headers: {
      'List-Unsubscribe': '<http://127.0.0.1:3999/u/abc>, <mailto:unsubscribe+abc@bounce.ric502.example>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    attachments: [{ filename: 'podborka.pdf', content: Buffer.from('%PDF-1.4\n% test\n'.repeat(200)) }],
  };
}

describe('DKIM signing through the real transport', () => {
  for (const type of ['rsa', 'ed25519'] as const) {
    it(`signs with ${type === 'rsa' ? 'rsa-sha256 (2048 bits)' : 'ed25519-sha256'}; past the relay the signature verifies against the record admin mail dns prints`, async () => {
      const t = envs[type];
      const records = await publishedRecord(t.config);
      const to = `${type}-reader@client.example`;
      await (await t.app.mailer()).send(mailingLike(to));
      const [m] = (await final.waitForCount(1)).filter((x) => x.to.includes(to));
      expect(m).toBeDefined();
      const received = raw(m as Received);
      // The relay's Received header came in front of our signature: the message went through it.
      expect(received.toString().indexOf('Received: from churnguard')).toBe(0);
      const signature = /^DKIM-Signature:(.*(?:\r\n[ \t].*)*)/m.exec(received.toString())?.[1] ?? '';
      expect(signature).toContain(`a=${type === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256'}`);
      expect(signature).toContain('c=relaxed/relaxed');
      expect(signature).toContain('d=ric502.example');
      expect(signature).toContain('s=cg2024');

      const [verdict] = await verifyWithMailauth(received, records);
      expect(verdict).toMatchObject({ result: 'pass', domain: 'ric502.example' });
      expect(verdict?.signed).toEqual(expect.arrayContaining(REQUIRED));
      if (type === 'rsa') expect(await verifyWithMailDkim([received], records)).toEqual(['pass']);

      // Altered after signing: a word of the subject, or one character of the body.
      const text = received.toString('latin1');
      const subject = Buffer.from(text.replace(/^Subject: =\?UTF-8\?[BQ]\?/m, '$&X'), 'latin1');
      const bodyAt = text.indexOf('\r\n\r\n') + 200;
      const body = Buffer.from(text.slice(0, bodyAt) + (text[bodyAt] === 'A' ? 'B' : 'A') + text.slice(bodyAt + 1), 'latin1');
      for (const altered of [subject, body]) {
        expect(altered.equals(received)).toBe(false);
        const [v] = await verifyWithMailauth(altered, records);
        expect(v?.result).toBe('fail');
      }
      if (type === 'rsa') {
        const verdicts = await verifyWithMailDkim([subject, body], records);
        expect(
          verdicts.every((v) => v.startsWith('fail')),
          verdicts.join('; '),
        ).toBe(true);
      }
      // Another key published under the same name: the signature is not that key's.
      const [wrong] = await verifyWithMailauth(received, await publishedRecord(otherKeyConfig(type)));
      expect(wrong?.result).not.toBe('pass');
    }, 60_000);
  }

  it('signs an outbox notification (an alert) sent by the send path, with its Message-ID', async () => {
    const t = envs.rsa;
    const to = 'field@ric502.example';
    const { id } = await withTransaction(t.app.pool, (c) =>
      queueNotification(c, {
        kind: 'signal-alert',
        dedupKey: 'dkim-test',
        employeeId: null,
        toEmail: to,
        subject: 'Сигнал: снижение активности — 193254 - ООО «Рога и копыта»',
        html: '<p>Клиент 193254</p>',
        text: 'Клиент 193254',
      }),
    );
    expect(await sendNotification(t.app, id, { attemptsMade: 0, maxAttempts: 1 })).toEqual({ state: 'sent' });
    const m = (await final.waitForCount(1)).find((x) => x.to.includes(to)) as Received;
    expect(m.parsed.messageId).toMatch(new RegExp(`^<notification-${id}\\.[0-9a-f]{16}@ric502\\.example>$`));
    const records = await publishedRecord(t.config);
    const [verdict] = await verifyWithMailauth(raw(m), records);
    expect(verdict).toMatchObject({ result: 'pass' });
    expect(verdict?.signed).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id']));
    expect(await verifyWithMailDkim([raw(m)], records)).toEqual(['pass']);
  }, 60_000);

  it('sends unsigned, as before, when DKIM is not configured', async () => {
    const t = envs.none;
    const to = 'unsigned@client.example';
    await (await t.app.mailer()).send(mailingLike(to));
    const m = (await final.waitForCount(1)).find((x) => x.to.includes(to)) as Received;
    expect(m.raw).not.toMatch(/^DKIM-Signature:/m);
    expect(await verifyWithMailauth(raw(m), {})).toEqual([expect.objectContaining({ result: 'none' })]);
    const dns = await runCapturedCli(t.config, ['mail', 'dns']);
    expect(dns.code).toBe(0);
    expect(dns.out).toContain('1. DKIM: не настроен, churnguard не подписывает письма.');
  }, 30_000);
});

describe('the signer on messages of unusual shape', () => {
  const head = (extra = '') =>
    `From: =?UTF-8?B?0KDQmNCm?= <dis@ric502.example>\r\nTo: a@client.example\r\nSubject: x\r\nDate: Mon, 03 Jun 2024 07:00:00 +0000\r\nMessage-ID: <notification-1.0123456789abcdef@ric502.example>\r\n${extra}`;
  const shapes: Record<string, string> = {
    'an empty body': `${head()}\r\n`,
    'a body of blank lines': `${head()}\r\n\r\n\r\n\r\n`,
    'no line break at the end': `${head()}\r\nlast line without CRLF`,
    'bare LF line breaks': `${head()}\r\nline 1  \t\nline 2\n\n`.replace(/\r\n/g, '\n'),
    'folded headers with tabs and runs of spaces': `${head('List-Unsubscribe:\t<https://x.example/u/a>,\r\n\t  <mailto:u@x.example>\r\nList-Unsubscribe-Post:   List-Unsubscribe=One-Click  \r\n')}\r\nbody\r\n`,
    'a header field twice (the last one is signed)': `${head('Cc: first@x.example\r\nCc: second@x.example\r\n')}\r\nbody\r\n`,
    'raw UTF-8 in a header and the body (SMTPUTF8)': `${head('Reply-To: директор@поплавский.рф\r\n')}\r\nЗдравствуйте!\r\n`,
  };
  it('verifies what it signs, whatever the shape', async () => {
    const key = envs.rsa.config.env.dkimKey;
    if (!key) throw new Error('the RSA world has no key');
    const signer = { ...DKIM, key };
    const records = await publishedRecord(envs.rsa.config);
    const signed = Object.values(shapes).map((m) => signMessage(Buffer.from(m, 'utf8'), signer, new Date()));
    for (const [i, name] of Object.keys(shapes).entries()) {
      const [v] = await verifyWithMailauth(signed[i] as Buffer, records);
      expect(v?.result, `${name}: ${v?.comment}`).toBe('pass');
    }
    expect(await verifyWithMailDkim(signed, records)).toEqual(signed.map(() => 'pass'));
    // The last Cc is the one signed: changing it fails, changing the first does not.
    const twice = (signed[5] as Buffer).toString('utf8');
    expect((await verifyWithMailauth(Buffer.from(twice.replace('second@', 'third@')), records))[0]?.result).toBe('fail');
    expect((await verifyWithMailauth(Buffer.from(twice.replace('first@', 'third@')), records))[0]?.result).toBe('pass');
  });
});

describe('admin mail dns', () => {
  it('prints the DKIM key record, SPF for both envelope domains, DMARC, and what the relay must do', async () => {
    const pem = newDkimKeyPem('rsa');
    const config = loadConfig({
      env: { CHURNGUARD_RUN: 'test', SMTP_URL: 'smtp://relay.ric502.example:25?tls=off', DKIM_PRIVATE_KEY: pem },
      overrides: { smtp: { dkim: DKIM } },
    });
    const res = await runCapturedCli(config, ['mail', 'dns']);
    expect(res.code, res.err).toBe(0);
    const p = config.env.dkimKey?.publicKey as string;
    expect(res.out).toContain('1. DKIM: открытый ключ подписи писем (rsa-sha256, ключ RSA 2048 бит)');
    expect(res.out).toContain(`   имя:      ${RECORD}\n   тип:      TXT\n   значение: v=DKIM1; k=rsa; p=${p}\n`);
    // The zone-file line splits the 392 characters of the key into strings of at most 255.
    const zone = `${RECORD}. IN TXT "${`v=DKIM1; k=rsa; p=${p}`.slice(0, 255)}" "${`v=DKIM1; k=rsa; p=${p}`.slice(255)}"`;
    expect(res.out).toContain(zone);
    expect(res.out).toContain('ric502.example. IN TXT "v=spf1 a:relay.ric502.example ~all"');
    expect(res.out).toContain('bounce.ric502.example. IN TXT "v=spf1 a:relay.ric502.example ~all"');
    expect(res.out).toContain('_dmarc.ric502.example. IN TXT "v=DMARC1; p=none; adkim=r; aspf=r; rua=mailto:dmarc-reports@ric502.example"');
    expect(res.out).toContain('Что должен делать ретранслятор РИЦ (relay.ric502.example):');
    expect(res.out).toContain('не удалять заголовок DKIM-Signature');
    expect(res.out).not.toContain('Внимание');
  });

  it('names both domains when the DKIM domain is not aligned with the From domain', async () => {
    const config = loadConfig({
      env: { CHURNGUARD_RUN: 'test', DKIM_PRIVATE_KEY: newDkimKeyPem('ed25519') },
      overrides: { smtp: { dkim: { domain: 'mailer.example', selector: 's1' } } },
    });
    const res = await runCapturedCli(config, ['mail', 'dns']);
    expect(res.out).toContain('1. DKIM: открытый ключ подписи писем (ed25519-sha256, ключ Ed25519)');
    expect(res.out).toMatch(
      /имя: {6}s1\._domainkey\.mailer\.example\n {3}тип: {6}TXT\n {3}значение: v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=\n/,
    );
    expect(res.out).toContain('Внимание: домен подписи DKIM mailer.example не совпадает с доменом отправителя ric502.example');
    const json = JSON.parse((await runCapturedCli(config, ['mail', 'dns', '--json'])).out);
    expect(json).toMatchObject({
      fromDomain: 'ric502.example',
      aligned: false,
      dkim: { domain: 'mailer.example', algorithm: 'ed25519-sha256' },
    });
  });
});

describe('DKIM configuration at start', () => {
  const base = { CHURNGUARD_RUN: 'test' };
  const withDkim = { smtp: { dkim: DKIM } };
  const problem = (env: Record<string, string>, overrides: unknown = withDkim): string => {
    try {
      loadConfig({ env: { ...base, ...env }, overrides });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('refuses a malformed key, a short RSA key, another kind of key and both variables, naming the variable', () => {
    expect(problem({ DKIM_PRIVATE_KEY: 'not a key' })).toMatch(/DKIM_PRIVATE_KEY: not a PEM private key \(/);
    const cut = newDkimKeyPem('rsa').split('\n').slice(0, 8).join('\n');
    expect(problem({ DKIM_PRIVATE_KEY: cut })).toMatch(/DKIM_PRIVATE_KEY: not a PEM private key/);
    expect(problem({ DKIM_PRIVATE_KEY: newDkimKeyPem('rsa', 1024) })).toContain(
      'DKIM_PRIVATE_KEY: an RSA key of 1024 bits (expected 2048 bits or more, or an Ed25519 key)',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(problem({ DKIM_PRIVATE_KEY: ec })).toContain(
      'DKIM_PRIVATE_KEY: a key of type ec (expected RSA of 2048 bits or more, or Ed25519)',
    );
    const pem = newDkimKeyPem('ed25519');
    expect(problem({ DKIM_PRIVATE_KEY: pem, DKIM_PRIVATE_KEY_FILE: '/etc/hostname' })).toContain(
      'DKIM_PRIVATE_KEY and DKIM_PRIVATE_KEY_FILE: both set (expected one of them)',
    );
    expect(problem({ DKIM_PRIVATE_KEY_FILE: '/nonexistent/dkim.pem' })).toMatch(
      /DKIM_PRIVATE_KEY_FILE: cannot read \/nonexistent\/dkim\.pem \(/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'cg-dkim-'));
    try {
      writeFileSync(join(dir, 'bad.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
      expect(problem({ DKIM_PRIVATE_KEY_FILE: join(dir, 'bad.pem') })).toMatch(/DKIM_PRIVATE_KEY_FILE: not a PEM private key/);
      writeFileSync(join(dir, 'good.pem'), pem);
      expect(
        loadConfig({ env: { ...base, DKIM_PRIVATE_KEY_FILE: join(dir, 'good.pem') }, overrides: withDkim }).env.dkimKey?.algorithm,
      ).toBe('ed25519-sha256');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a key written on one line with \\n, as a .env file holds it', () => {
    const oneLine = newDkimKeyPem('rsa').trimEnd().replace(/\n/g, '\\n');
    const config = loadConfig({ env: { ...base, DKIM_PRIVATE_KEY: oneLine }, overrides: withDkim });
    expect(config.env.dkimKey).toMatchObject({ algorithm: 'rsa-sha256', bits: 2048, source: 'DKIM_PRIVATE_KEY' });
  });

  it('wants the key and smtp.dkim together, and a selector and domain of the right form', () => {
    expect(problem({ DKIM_PRIVATE_KEY: newDkimKeyPem('ed25519') }, {})).toContain('DKIM_PRIVATE_KEY is set, but smtp.dkim is not');
    expect(problem({})).toContain('smtp.dkim is set, but neither DKIM_PRIVATE_KEY nor DKIM_PRIVATE_KEY_FILE is');
    expect(problem({}, { smtp: { dkim: { domain: 'ric502.example', selector: 'bad selector' } } })).toContain('smtp.dkim.selector');
    expect(problem({}, { smtp: { dkim: { domain: 'not a domain', selector: 'cg' } } })).toContain('smtp.dkim.domain');
  });

  it('warns at start in production when the From domain is not the DKIM domain, naming both', () => {
    const env = {
      NODE_ENV: 'production',
      TRACKING_SECRET: 'a-production-secret-of-enough-length-0123456789',
      SMTP_URL: 'smtp://relay.ric502.example:25?tls=off',
      DKIM_PRIVATE_KEY: newDkimKeyPem('ed25519'),
    };
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('warn', sink as never);
    warnDkimAlignment(loadConfig({ env, overrides: { smtp: { dkim: { domain: 'mailer.example', selector: 's1' } } } }), log);
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({ level: 40, fromDomain: 'ric502.example', dkimDomain: 'mailer.example' });
    expect(entry.msg).toContain('smtp.from is at ric502.example, but smtp.dkim.domain is mailer.example');
    // Aligned (a subdomain signs for the From domain's organisation): no warning.
    warnDkimAlignment(loadConfig({ env, overrides: { smtp: { dkim: { domain: 'mail.ric502.example', selector: 's1' } } } }), log);
    expect(lines).toHaveLength(1);
  });
});
