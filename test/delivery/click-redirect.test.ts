import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { clickToken, type TrackingKeys } from '../../src/mail/tracking.js';
import { counter } from '../../src/metrics.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { addLink, addMailing, addMessage, addRecipient } from './mailing.js';

let t: TestEnv;
// The click buffer's own counters (one registry per process): every event it took in has been
// written (or dropped) once `buffered` equals `written + dropped`.
const events = counter('churnguard_click_events_total', '');
const bufferIdle = () =>
  waitFor(
    'the click buffer to write what it holds',
    () => events.get({ outcome: 'buffered' }) === events.get({ outcome: 'written' }) + events.get({ outcome: 'dropped' }),
  );

let server: FastifyInstance;
let base: string;
let secret: TrackingKeys;
let messageId: number;
let linkId: number;
const STORED = 'https://www.consultant.ru/document/cons_doc_LAW_34683/?utm=ric502#stat';

async function clickCount(): Promise<number> {
  const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM clicks');
  return rows[0].n;
}

/** A raw HTTP/1.1 request (fetch would normalise the tricks away); returns status line and headers. */
function rawRequest(target: string, extraHeaders = ''): Promise<{ status: number; location: string | null }> {
  const port = Number(new URL(base).port);
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}Connection: close\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('error', reject);
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const location = /^location: (.*)$/im.exec(data)?.[1]?.trim() ?? null;
      resolve({ status, location });
    });
  });
}

beforeAll(async () => {
  t = await createTestEnv();
  secret = t.config.env.trackingSecret;
  const r = await addRecipient(t.app.pool);
  const mailingId = await addMailing(t.app.pool);
  linkId = await addLink(t.app.pool, mailingId, { url: STORED, title: 'Налоги в июле' });
  messageId = await addMessage(t.app.pool, { mailingId, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server?.close();
  await t.close();
});

describe('GET /c/<token>', () => {
  it('redirects a valid token to the stored URL and records the click with a cut IP and the user agent', async () => {
    // The first click loads the link (Fastify route), the second is answered from the cache (hot path).
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/c/${clickToken(secret, messageId, linkId)}`, {
        redirect: 'manual',
        headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Firefox/126.0', 'x-forwarded-for': '203.0.113.77' },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(new URL(STORED).href);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const rows = await waitFor('the click rows', async () => {
      const { rows } = await t.app.pool.query('SELECT * FROM clicks WHERE message_id = $1 ORDER BY id', [messageId]);
      return rows.length === 2 && rows;
    });
    for (const row of rows || []) {
      // No trusted proxy is configured: X-Forwarded-For cannot choose the recorded network.
      expect(row).toMatchObject({ link_id: linkId, method: 'GET', ip_prefix: '127.0.0.0/24', is_bot: null });
      expect(row.user_agent).toMatch(/Firefox/);
    }
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const app = createApp(loadConfig({ env: { ...t.env, TRUST_PROXY: '127.0.0.1' } }), { log: createLogger('silent') });
    const s = await serve(app);
    try {
      const before = await clickCount();
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${s.base}/c/${clickToken(secret, messageId, linkId)}`, {
          redirect: 'manual',
          headers: { 'x-forwarded-for': '203.0.113.77' },
        });
        expect(res.status).toBe(302);
      }
      await s.server.close();
      const { rows } = await t.app.pool.query(
        'SELECT ip_prefix FROM clicks WHERE id > (SELECT coalesce(max(id), 0) - 2 FROM clicks) ORDER BY id',
      );
      expect(await clickCount()).toBe(before + 2);
      expect(rows.map((r) => r.ip_prefix)).toEqual(['203.0.113.0/24', '203.0.113.0/24']);
    } finally {
      await app.close();
    }
  });

  it('answers HEAD with the same redirect and records it as a HEAD click', async () => {
    const before = await clickCount();
    const res = await fetch(`${base}/c/${clickToken(secret, messageId, linkId)}`, { method: 'HEAD', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(new URL(STORED).href);
    await waitFor('the HEAD click', async () => (await clickCount()) === before + 1);
    const { rows } = await t.app.pool.query(`SELECT method FROM clicks ORDER BY id DESC LIMIT 1`);
    expect(rows[0].method).toBe('HEAD');
  });

  it('answers every single-byte change of a valid token with the Russian 404 page and writes nothing', async () => {
    await waitFor('earlier clicks flushed', async () => (await clickCount()) >= 2);
    await bufferIdle();
    const before = await clickCount();
    const bufferedBefore = events.get({ outcome: 'buffered' });
    const token = clickToken(secret, messageId, linkId);
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      const flipped = alphabet[(alphabet.indexOf(token[i] as string) + 7) % alphabet.length] as string;
      const bad = token.slice(0, i) + flipped + token.slice(i + 1);
      const res = await fetch(`${base}/c/${bad}`, { redirect: 'manual' });
      expect(res.status, bad).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toMatch(/Ссылка недействительна/);
      tried++;
    }
    expect(tried).toBe(token.length);
    // Appended or removed characters (base64url decoding ignores a trailing one).
    for (const bad of [`${token}A`, `${token}Q`, `${token}-`, `${token}AA`, token.slice(0, -1), `${token}=`]) {
      const res = await fetch(`${base}/c/${bad}`, { redirect: 'manual' });
      expect(res.status, bad).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    // A valid signature for ids that do not exist is unknown too.
    const unknown = await fetch(`${base}/c/${clickToken(secret, 999999, 888888)}`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    // A click is buffered before its answer is sent: none of these took an event in.
    expect(events.get({ outcome: 'buffered' })).toBe(bufferedBefore);
    await bufferIdle();
    expect(await clickCount()).toBe(before);
  });

  it('never redirects off the stored URL, whatever the path, encoding or query says', async () => {
    const token = clickToken(secret, messageId, linkId);
    const stored = new URL(STORED).href;
    const tricks = [
      '/c//evil.example',
      '/c/%2F%2Fevil.example',
      '/c/%2f%2fevil.example',
      '/c/\\\\evil.example',
      '/c/%5C%5Cevil.example',
      '/c/https://evil.example',
      '/c/https:%2F%2Fevil.example',
      `/c/${token}/..%2F..%2F%2Fevil.example`,
      `/c/${token}%2F%2Fevil.example`,
      `/c/${token}/https://evil.example`,
      `/c/${token}\\evil.example`,
      '/c/',
      '/c',
    ];
    for (const path of tricks) {
      const res = await rawRequest(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.location, path).toBeNull();
    }
    // Query strings, Host headers and absolute request targets are ignored: the stored URL only.
    for (const target of [
      `/c/${token}?url=https://evil.example`,
      `/c/${token}?next=//evil.example&redirect=%2F%2Fevil.example`,
      `http://evil.example/c/${token}`,
    ]) {
      const res = await rawRequest(target, 'X-Forwarded-Host: evil.example\r\n');
      expect([302, 404], target).toContain(res.status);
      if (res.status === 302) expect(res.location, target).toBe(stored);
    }
  });

  it('refuses to redirect to a stored URL that is not http(s)', async () => {
    const mailingId = await addMailing(t.app.pool);
    const r = await addRecipient(t.app.pool);
    const bad = await addLink(t.app.pool, mailingId, { url: 'javascript:alert(1)' });
    const m = await addMessage(t.app.pool, { mailingId, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
    const res = await fetch(`${base}/c/${clickToken(secret, m, bad)}`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  });

  it('records exactly 1 000 events for 1 000 concurrent clicks', async () => {
    await bufferIdle();
    const before = await clickCount();
    const token = clickToken(secret, messageId, linkId);
    // All 1 000 at once over at most 100 connections: a thousand connects at once can overflow a
    // busy machine's listen backlog, which is not what this test is about.
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    const click = (i: number) =>
      new Promise<number>((resolve, reject) =>
        get(`${base}/c/${token}`, { agent, headers: { 'user-agent': `load-${i}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject),
      );
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => click(i))).finally(() => agent.destroy());
    expect(results.every((s) => s === 302)).toBe(true);
    await waitFor('1 000 click rows', async () => (await clickCount()) >= before + 1000, 30_000);
    await bufferIdle();
    expect(await clickCount()).toBe(before + 1000);
    const { rows } = await t.app.pool.query(`SELECT count(DISTINCT user_agent)::int AS n FROM clicks WHERE user_agent LIKE 'load-%'`);
    expect(rows[0].n).toBe(1000);
  });

  it('writes the events still in memory when the server closes', async () => {
    // A flush interval of ten minutes: the events can only reach PostgreSQL through the close hook.
    const config = loadConfig({ env: t.env, overrides: { clicks: { flushIntervalMs: 600_000 } } });
    const app = createApp(config, { log: createLogger('silent') });
    const other = await serve(app);
    try {
      await bufferIdle();
      const before = await clickCount();
      const token = clickToken(secret, messageId, linkId);
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${other.base}/c/${token}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
      }
      expect(await clickCount()).toBe(before);
      await other.server.close();
      expect(await clickCount()).toBe(before + 5);
    } finally {
      await app.close();
    }
  });
});
