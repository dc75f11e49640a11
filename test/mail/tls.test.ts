/**
 * SMTP requires TLS unless SMTP_URL says `?tls=off`: against a real plaintext SMTP server that
 * offers no STARTTLS (as after an attacker stripped it), nothing is sent; and the service warns
 * at start about every mail URL that allows plaintext. (IMAP: test/delivery/delivery-check.test.ts.)
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { warnPlaintext } from '../../src/mail/tls.js';
import { createMailer, SmtpSendError } from '../../src/mail/transport.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

let t: TestEnv;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const message = { from: 'dis@ric502.example', to: 'ivanova@client.example', subject: 'Проверка', text: 'Текст' };

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

describe('TLS for mail', () => {
  it('refuses to send over SMTP without STARTTLS unless the URL says tls=off', async () => {
    expect(smtp.url).toMatch(/\?tls=off$/);
    const strictUrl = smtp.url.replace('?tls=off', '');
    const strict = loadConfig({ env: { ...t.env, SMTP_URL: strictUrl } });
    const mailer = await createMailer(strict, createLogger('silent'));
    try {
      const err = await mailer.send(message).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SmtpSendError);
      expect((err as SmtpSendError).message).toMatch(/STARTTLS failed/);
      // Not the recipient's fault: retried, never a bounce.
      expect((err as SmtpSendError).permanent).toBe(false);
    } finally {
      await mailer.close();
    }
    expect(smtp.messages).toHaveLength(0);

    const relaxed = await createMailer(t.config, createLogger('silent'));
    try {
      await relaxed.send(message);
    } finally {
      await relaxed.close();
    }
    expect(smtp.messages).toHaveLength(1);
  });

  it('warns at start about each URL that allows plaintext, and only about those', () => {
    const { lines, log } = capture();
    warnPlaintext(loadConfig({ env: { ...t.env, IMAP_URL: 'imaps://bounces:pw@imap.example/' } }), log);
    expect(lines.join('')).toMatch(/SMTP_URL says tls=off/);
    expect(lines.join('')).not.toMatch(/IMAP_URL/);
    const quiet = capture();
    warnPlaintext(loadConfig({ env: { ...t.env, SMTP_URL: 'smtp://relay.example:587' } }), quiet.log);
    expect(quiet.lines).toEqual([]);
  });

  it('names a tls parameter it does not know', () => {
    expect(() => loadConfig({ env: { ...t.env, SMTP_URL: 'smtp://relay.example:587?tls=no' } })).toThrow(/SMTP_URL: tls=no/);
  });
});
