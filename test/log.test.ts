import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/log.js';

describe('log scrubbing', () => {
  it('removes e-mail addresses, including Cyrillic ones, and phone numbers', () => {
    expect(scrub('sent to kashentseva@avto-belogorie.ru ok')).toBe('sent to [email] ok');
    expect(scrub('директор@пример.рф bounced')).toBe('[email] bounced');
    expect(scrub('call 8-906-600-50-06 or +7 (962) 300-82-52 or 79603008252')).toBe('call [phone] or [phone] or [phone]');
  });

  it('removes international numbers, local numbers without a code and addresses at dotless hosts', () => {
    for (const [line, want] of [
      ['звонил +375 29 123-45-67 вчера', 'звонил [phone] вчера'],
      ['Berlin +49 30 1234567, London +44 20 7946 0958', 'Berlin [phone], London [phone]'],
      ['+375291234567', '[phone]'],
      ['тел. 33-44-55 или 2-33-44-55', 'тел. [phone] или [phone]'],
      ['mail to root@localhost failed', 'mail to [email] failed'],
      ['from postmaster@mailhost', 'from [email]'],
    ] as const)
      expect(scrub(line), line).toBe(want);
    // Times, dates, periods and versions stay as they are.
    for (const line of ['at 2024-06-03T09:05:00+03:00', 'period 2024-06, week 2024-W23', 'date 2024-06-03', 'took 12 ms, +3 rows'])
      expect(scrub(line), line).toBe(line);
  });

  it('removes phones in every form the CRM writes them', () => {
    for (const phone of [
      '8 (4722) 33-44-55',
      '8-4722-33-44-55',
      '8(4722)334455',
      '8 4722 33 44 55',
      '+7 (4722) 33-44-55',
      '+7 4722 334455',
      '+79623008252',
      '+7-962-300-82-52',
      '8-906-600-50-06',
      '8 (906) 600 50 06',
      '89066005006',
      '79623008252',
      '(4722) 33-44-55',
    ]) {
      expect(scrub(`тел. ${phone}, звонить после 10`), phone).toBe('тел. [phone], звонить после 10');
    }
  });

  it('removes passwords from URLs of any host, and every kind of token', () => {
    const cases: [string, string][] = [
      ['redis://user:pa55word@redis:6379/0', 'redis://user:[redacted]@redis:6379/0'],
      ['postgres://root:hunter2@db.internal:5432/churnguard', 'postgres://root:[redacted]@db.internal:5432/churnguard'],
      ['imap://bounces:s3cr3t@127.0.0.1:143/?tls=off', 'imap://bounces:[redacted]@127.0.0.1:143/?tls=off'],
      ['smtps://:only-a-pass@relay:465', 'smtps://:[redacted]@relay:465'],
      ['GET /c/2n9c-16-AbCdEfGhIjKlMnOp failed', 'GET /c/[token] failed'],
      ['https://desk.example/u/1p-Zx0_y9-8w7v6u5t4 ok', 'https://desk.example/u/[token] ok'],
      ['/a/5k-jz3-Q1w2E3r4T5y6U7i8', '/a/[token]'],
      ['token 2n9c-16-AbCdEfGhIjKlMnOp rejected', 'token [token] rejected'],
      ['/diary/login?token=Ab3_-Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5a6', '/diary/login?token=[token]'],
      ['session Ab3_-Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5a6 closed', 'session [token] closed'],
      ['Authorization: Bearer 0123456789abcdef0123456789abcdef', 'Authorization: Bearer [token]'],
      ['authorization: Basic YWRtaW46c2VjcmV0', 'authorization: Basic [token]'],
      ['envelope from bounce+4242.e978850f85c8441a@bounce.ric502.example', 'envelope from [email]'],
      ['mailto:unsubscribe+1p-Zx0_y9-8w7v6u5t4@bounce.ric502.example', 'mailto:[email]'],
      ['Message-ID: <message-42.e978850f85c8441a@ric502.example>', 'Message-ID: <[email]>'],
    ];
    for (const [raw, clean] of cases) expect(scrub(raw), raw).toBe(clean);
  });

  it('keeps ids, dates, sums and periods', () => {
    const s = 'client 193254 period 2024-06 fee 15 000,00 at 2024-06-03T10:15:00.000Z job send.123456';
    expect(scrub(s)).toBe(s);
    const jobs = 'jobs lpr-monthly.2024-06, signal-escalation, competitor-diagnostics.2024-H2, send.8 on /diary/tasks/12';
    expect(scrub(jobs)).toBe(jobs);
  });

  it('never writes an address or a phone through the logger', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info({ to: 'a.b@example.com', nested: { phone: '+7 903 111-22-33' } }, 'mail for x@y.ru failed');
    log.child({ job: 'send-email' }).error({ err: new Error('550 user z@q.example unknown') }, 'boom');
    const out = lines.join('');
    expect(out).not.toMatch(/@example\.com|x@y\.ru|z@q\.example|111-22-33/);
    expect(out).toMatch(/\[email\]/);
    expect(out).toMatch(/\[phone\]/);
    expect(out).toMatch(/"job":"send-email"/);
  });

  it('redacts secret fields by name and scrubs URLs with passwords through the logger', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      { token: 'plain-secret-token', req: { headers: { authorization: 'Bearer abc', cookie: 'cg_diary=xyz' } }, db: { password: 'pw1' } },
      'connecting to redis://cg:pw2@redis:6379',
    );
    log.error({ err: new Error('connect ECONNREFUSED postgres://root:pw3@db:5432/x') }, 'failed');
    const out = lines.join('');
    for (const secret of ['plain-secret-token', 'Bearer abc', 'cg_diary=xyz', 'pw1', 'pw2', 'pw3']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('redis://cg:[redacted]@redis:6379');
  });
});
