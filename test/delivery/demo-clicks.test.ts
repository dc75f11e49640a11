import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { clicksStep } from '../../src/demo/clicks.js';
import { mailingMessageId } from '../../src/mail/message-ids.js';
import { clickToken, clickUrl, verpAddress } from '../../src/mail/tracking.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { addLink, addMailing, addMessage, addRecipient } from './mailing.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;

beforeAll(async () => {
  setClock(new Date('2024-06-03T09:00:00+03:00'));
  t = await createTestEnv({ env: { SMTP_URL: '' } });
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server?.close();
  await t.close();
  setClock(null);
});

describe('demo step: clicks', () => {
  it('clicks the tracked links of real e-mails in the sink like people and like a scanner, unsubscribes one, prints both reports', async () => {
    const db = t.app.pool;
    const secret = t.config.env.trackingSecret;
    const mailing = await addMailing(db, { subject: 'Налоги, взносы и отчетность в июле: основные изменения' });
    const links = [
      await addLink(db, mailing, { url: 'https://www.consultant.ru/taxes', title: 'Налоги в июле', position: 1 }),
      await addLink(db, mailing, { url: 'https://alyans.net/webinars', title: 'Вебинары июня', position: 2 }),
      await addLink(db, mailing, { url: 'https://ric502.example/hp', title: null, kind: 'honeypot', position: 99 }),
    ];
    const mailer = await t.app.mailer();
    const messages: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await addRecipient(db);
      const m = await addMessage(db, {
        mailingId: mailing,
        contactId: r.contactId,
        clientId: r.clientId,
        toEmail: r.email,
        sentAt: '2024-06-03T09:00:00+03:00',
      });
      messages.push(m);
      const urls = links.map((l) => clickUrl(base, clickToken(secret, m, l)));
      await mailer.send({
        from: t.config.smtp.from,
        to: r.email,
        subject: 'Налоги, взносы и отчетность в июле',
        messageId: mailingMessageId(secret, m, t.config.smtp.messageIdDomain),
        envelope: { from: verpAddress(secret, m, t.config.smtp.bounceDomain), to: r.email },
        html: `<p>Добрый день!</p><p><a href="${urls[0]}">Налоги в июле</a></p><p><a href="${urls[1]}">Вебинары</a></p><a href="${urls[2]}" style="display:none">&nbsp;</a>`,
        text: `Налоги в июле: ${urls[0]}\nВебинары: ${urls[1]}`,
      });
    }
    const lines: string[] = [];
    await clicksStep.run({ app: t.app, say: (l) => lines.push(l), mailDir: join(t.varDir, 'mail'), baseUrl: base, facts: {} });
    const out = lines.join('\n');
    expect(out).toMatch(/a mail scanner opened every link of 2 letter\(s\): 12 requests/);
    expect(out).toMatch(/3 reader\(s\) opened 4 article link\(s\) in a browser/);
    expect(out).toMatch(/one recipient unsubscribed with the one-click POST: HTTP 200/);
    expect(out).toMatch(/Анализ переходов подписчиков по ссылкам из рассылки/);
    expect(out).toMatch(/Контроль доставки писем/);
    expect(out).toMatch(/delivery-check: \{"mailbox":"not configured"\}/);

    const { rows } = await db.query(`SELECT is_bot, count(*)::int AS n FROM clicks GROUP BY is_bot ORDER BY is_bot`);
    expect(rows).toEqual([
      { is_bot: false, n: 4 },
      { is_bot: true, n: 12 },
    ]);
    const { rows: unsub } = await db.query(`SELECT count(*)::int AS n FROM contacts WHERE unsubscribed_at IS NOT NULL`);
    expect(unsub[0].n).toBe(1);
    // The report counts the people's four clicks, not the scanner's.
    expect(out).toMatch(/Итого: \(1\)\s+\d+\s+\d+\s+4/);
  });
});
