/**
 * A claim PostgreSQL committed but never answered (issue 25): the connection to the real
 * PostgreSQL runs through a TCP proxy of this file's own that, when armed, lets the claim's
 * UPDATE through and cuts the connection as the answer comes back — after the commit, as a crash
 * right after COMMIT does. The worker gives its own claim back, so the job's next attempt sends
 * the e-mail once; without that the row stayed `sending` and ended `unknown`.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { insertNotifications } from '../../src/db/notifications.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { createLogger } from '../../src/log.js';
import { sendNotification } from '../../src/mail/outbox.js';
import { sendMessage } from '../../src/mail/send-message.js';
import { executeRun } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addDecisionMakers, loadSample } from './fixtures.js';

/** Forwards to PostgreSQL; `armFor(text)` cuts the next connection that sends `text` when its answer arrives. */
async function cuttingProxy(target: number) {
  let armed: string | null = null;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let cutOnAnswer = false;
    client.on('data', (chunk) => {
      if (armed && chunk.includes(armed)) {
        armed = null;
        cutOnAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (cutOnAnswer) {
        cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    armFor(text: string) {
      armed = text;
    },
    cuts: () => cuts,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let t: TestEnv;
let smtp: TestSmtp;
let proxy: Awaited<ReturnType<typeof cuttingProxy>>;
let app: App;

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  const url = new URL(t.config.env.databaseUrl);
  proxy = await cuttingProxy(Number(url.port || 5432));
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  app = createApp(loadConfig({ env: { ...t.env, DATABASE_URL: url.toString() } }), { log: createLogger('silent', 2) });
});
afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await t?.close();
  await smtp?.close();
});

const attempt = { attemptsMade: 0, maxAttempts: 5 };

describe('a claim whose answer was lost after its commit', () => {
  it('is given back by the worker, and the next attempt sends the message once', async () => {
    await loadSample(t.app);
    const [contact] = await addDecisionMakers(t.app, 1, { tag: 'lostreply' });
    await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    const { rows } = await t.app.pool.query<{ id: number }>('SELECT id FROM messages WHERE contact_id = $1', [contact]);
    const id = Number(rows[0]?.id);

    proxy.armFor('claim_token');
    await expect(sendMessage(app, id, attempt)).rejects.toThrow();
    expect(proxy.cuts()).toBe(1);
    // The claim had committed (the proxy cut only its answer); the worker gave it back.
    const after = await t.app.pool.query('SELECT state, attempts, claim_token FROM messages WHERE id = $1', [id]);
    expect(after.rows[0]).toMatchObject({ state: 'retry', attempts: 0, claim_token: null });
    expect(smtp.messages.filter((m) => m.to.includes('lostreply.1@client.example'))).toHaveLength(0);

    expect(await sendMessage(app, id, { ...attempt, attemptsMade: 1 })).toEqual({ state: 'sent' });
    const sent = await t.app.pool.query('SELECT state, attempts FROM messages WHERE id = $1', [id]);
    expect(sent.rows[0]).toMatchObject({ state: 'sent', attempts: 1 });
    expect(smtp.messages.filter((m) => m.to.includes('lostreply.1@client.example'))).toHaveLength(1);
  });

  it('gives back a notification’s claim the same way', async () => {
    const { ids } = await insertNotifications(
      t.app.pool,
      [
        {
          kind: 'signal-alert',
          dedupKey: 'lost-reply-test',
          employeeId: null,
          toEmail: 'field.lostreply@ric502.example',
          subject: 'Сигнал',
          html: '<p>Сигнал</p>',
          text: 'Сигнал',
        },
      ],
      new Date(),
    );
    const id = Number(ids.get('lost-reply-test'));
    proxy.armFor('claim_token');
    await expect(sendNotification(app, id, attempt)).rejects.toThrow();
    expect(proxy.cuts()).toBe(2);
    const after = await t.app.pool.query('SELECT state, attempts, claim_token FROM notifications WHERE id = $1', [id]);
    expect(after.rows[0]).toMatchObject({ state: 'retry', attempts: 0, claim_token: null });

    expect(await sendNotification(app, id, { ...attempt, attemptsMade: 1 })).toEqual({ state: 'sent' });
    const sent = await t.app.pool.query('SELECT state, attempts FROM notifications WHERE id = $1', [id]);
    expect(sent.rows[0]).toMatchObject({ state: 'sent', attempts: 1 });
    expect(smtp.messages.filter((m) => m.to.includes('field.lostreply@ric502.example'))).toHaveLength(1);
  });
});
