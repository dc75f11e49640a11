/**
 * One set of security headers on every response: the test walks every route the server
 * registered (Fastify's onRoute list, so a route added later is walked too) with and without
 * credentials — the diary with a head's session, `/api/*` and the queue board with the admin
 * token — plus a path no route serves, a valid click (through the route, then the fast path
 * that answers before Fastify) and the unsubscribe page of a real message. Every answer,
 * page, JSON, text, redirect or refusal, carries X-Frame-Options: DENY, nosniff,
 * Referrer-Policy: no-referrer and a Content-Security-Policy of its page kind.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/http/server.js';
import { ackToken, clickToken, unsubscribeToken } from '../../src/mail/tracking.js';
import { addLink, addMailing, addMessage, addRecipient } from '../delivery/mailing.js';
import { DiaryClient, openSignInLink } from '../diary/client.js';
import { type DiaryDesk, openDiaryDesk } from '../diary/fixtures.js';
import { ADMIN_TOKEN } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';

let desk: DiaryDesk;
let base: string;
let diaryCookie: string;
let params: Record<string, string>;

beforeAll(async () => {
  desk = await openDiaryDesk();
  base = desk.base;
  const db = desk.t.app.pool;
  const secret = desk.t.config.env.trackingSecret;
  const r = await addRecipient(db);
  const mailingId = await addMailing(db);
  const linkId = await addLink(db, mailingId, { url: 'https://www.consultant.ru/document/cons_doc_LAW_34683/' });
  const messageId = await addMessage(db, { mailingId, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
  params = {
    '/c/:token': clickToken(secret, messageId, linkId),
    '/u/:token': unsubscribeToken(secret, messageId),
    '/a/:token': ackToken(secret, 1, new Date(Date.now() + 86_400_000)),
  };
  const res = await cli(desk.t, 'employee', 'token', 'Фисун Екатерина Александровна', '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  diaryCookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}, 120_000);
afterAll(() => desk?.close());

/** A concrete path for a route pattern: its token, a number, a month or a word for each parameter. */
function pathOf(url: string): string {
  const token = Object.entries(params).find(([pattern]) => url === pattern)?.[1];
  if (token) return url.replace(':token', token);
  return url
    .replace(/:(id|number)\b/g, '1')
    .replace(/:period\b/g, '2024-06')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace(/\*$/, 'x');
}

interface Seen {
  what: string;
  status: number;
  headers: Headers;
}

async function call(method: string, path: string, credentials: boolean): Promise<Seen> {
  const headers: Record<string, string> = {};
  if (credentials && path.startsWith('/diary')) headers.cookie = diaryCookie;
  if (credentials && (path.startsWith('/api/') || path.startsWith('/admin/'))) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  let body: string | undefined;
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    if (path.startsWith('/diary')) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = 'csrf=forged';
    } else {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
  }
  // node:http, not fetch: a route for every method (`all`) takes TRACE and CONNECT too.
  const res = await new Promise<{ status: number; headers: Headers }>((resolve, reject) => {
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request(base + path, { method, headers, agent: false }, (r) => {
      r.resume();
      r.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: r.statusCode ?? 0, headers: h });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  return { what: `${method} ${path}${credentials ? ' (signed in)' : ''} → ${res.status}`, status: res.status, headers: res.headers };
}

function expectHeaders(seen: Seen, path: string) {
  const h = seen.headers;
  expect(h.get('x-frame-options'), seen.what).toBe('DENY');
  expect(h.get('x-content-type-options'), seen.what).toBe('nosniff');
  expect(h.get('referrer-policy'), seen.what).toBe('no-referrer');
  const csp = h.get('content-security-policy') ?? '';
  expect(csp, seen.what).toContain("frame-ancestors 'none'");
  const html = /^text\/html/.test(h.get('content-type') ?? '');
  if (path.startsWith('/admin/queues')) {
    // The board's own scripts only: no inline script, nothing from elsewhere.
    expect(csp, seen.what).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp, seen.what).toContain("default-src 'self'");
  } else {
    expect(csp, seen.what).toContain("default-src 'none'");
    expect(csp, seen.what).not.toContain('script-src');
    if (!html) expect(csp, seen.what).not.toContain('style-src');
    if (html && path.startsWith('/diary')) expect(csp, seen.what).toContain("form-action 'self'");
  }
}

describe('security headers', () => {
  it('are on every answer of every registered route, with and without credentials', async () => {
    const routes = registeredRoutes(desk.server);
    const urls = new Set(routes.map((r) => r.url));
    // The routes of every part of the server are in the list (a later one would be too).
    for (const u of [
      '/healthz',
      '/metrics',
      '/admin/queues',
      '/api/findings',
      '/c/:token',
      '/u/:token',
      '/a/:token',
      '/diary',
      '/diary/login',
    ])
      expect(urls, u).toContain(u);
    const seen: Seen[] = [];
    let calls = 0;
    for (const r of routes) {
      const path = pathOf(r.url);
      for (const method of r.methods)
        for (const credentials of [false, true]) {
          const s = await call(method, path, credentials);
          expectHeaders(s, path);
          seen.push(s);
          calls++;
        }
    }
    // Pages, JSON and text were all among them, as were redirects and refusals.
    const types = new Set(seen.map((s) => (s.headers.get('content-type') ?? '').split(';')[0]));
    for (const type of ['text/html', 'application/json', 'text/plain']) expect(types, type).toContain(type);
    const statuses = new Set(seen.map((s) => s.status));
    for (const status of [200, 302, 303, 401, 403, 404]) expect(statuses, String(status)).toContain(status);
    expect(calls).toBe(routes.reduce((n, r) => n + r.methods.length * 2, 0));
    expect(calls).toBeGreaterThan(100);
  });

  it('are on the answers no route gives: a path nobody serves, the click fast path, an error', async () => {
    const nothing = await call('GET', '/no/such/page', false);
    expect(nothing.status).toBe(404);
    expectHeaders(nothing, '/no/such/page');
    // The first click fills the link cache; the second is answered before Fastify routes it.
    const click = `/c/${params['/c/:token']}`;
    for (let i = 0; i < 2; i++) {
      const s = await call('GET', click, false);
      expect(s.status).toBe(302);
      expectHeaders(s, click);
    }
    const broken = await fetch(`${base}/api/findings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expectHeaders({ what: 'broken JSON', status: broken.status, headers: broken.headers }, '/api/findings');
    // A request Node cannot parse is answered before any hook runs.
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(new URL(base).port), '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d.toString('latin1')));
      s.on('error', reject);
      s.on('close', () => resolve(data));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    const h = new Headers();
    for (const line of raw.split('\r\n\r\n')[0]?.split('\r\n').slice(1) ?? []) {
      const at = line.indexOf(':');
      h.set(line.slice(0, at), line.slice(at + 1).trim());
    }
    expectHeaders({ what: 'unparsable request', status: 400, headers: h }, '/healthz');
  });

  it("give the unsubscribe page of a real message the public pages' policy", async () => {
    const s = await call('GET', `/u/${params['/u/:token']}`, false);
    expect(s.status).toBe(200);
    expectHeaders(s, '/u/');
    expect(s.headers.get('content-security-policy')).toContain("form-action 'self'");
  });
});
