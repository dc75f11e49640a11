import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/log.js';

describe('log scrubbing', () => {
  it('removes e-mail addresses, including Cyrillic ones, and phone numbers', () => {
    expect(scrub('sent to kashentseva@avto-belogorie.ru ok')).toBe('sent to [email] ok');
    expect(scrub('директор@пример.рф bounced')).toBe('[email] bounced');
    expect(scrub('call 8-906-600-50-06 or +7 (962) 300-82-52 or 79603008252')).toBe('call [phone] or [phone] or [phone]');
  });

  it('keeps ids, dates, sums and periods', () => {
    const s = 'client 193254 period 2024-06 fee 15 000,00 at 2024-06-03T10:15:00.000Z job send.123456';
    expect(scrub(s)).toBe(s);
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
});
