import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServer, startServer } from '../../src/http/server.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { createLogger } from '../../src/log.js';
import { executeRun } from '../../src/queue/worker.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await createTestEnv();
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server.close();
  await t.close();
});

describe('http basics', () => {
  it('reports health 200 when PostgreSQL and Redis answer', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, postgres: 'ok', redis: 'ok' });
  });

  it('reports 503 naming Redis when it does not answer', async () => {
    const config = loadConfig({ env: { ...t.env, REDIS_URL: 'redis://127.0.0.1:1' } });
    const app = createApp(config, { log: createLogger('silent') });
    const s = await serve(app);
    try {
      const res = await fetch(`${s.base}/healthz`);
      expect(res.status).toBe(503);
      // ok/down only: no host, port or driver message for whoever asks.
      expect(await res.json()).toEqual({ ok: false, postgres: 'ok', redis: 'down' });
    } finally {
      await s.server.close();
      app.queues.redis().disconnect();
      await app.pool.end();
    }
  });

  it('serves Prometheus metrics with runs, durations and queue depths', async () => {
    await executeRun(t.app, housekeeping, { period: '2024-06-03T1015', trigger: 'admin' });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^churnguard_job_runs_total\{job="housekeeping",state="completed"\} 1$/m);
    expect(text).toMatch(/^churnguard_job_run_duration_seconds_count\{job="housekeeping",state="completed"\} 1$/m);
    expect(text).toMatch(/^churnguard_queue_jobs\{queue="send-email",state="waiting"\} 0$/m);
  });

  it('refuses the queue board without the admin token, and serves it with it', async () => {
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    const ok = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/<html/i);
    const basic = Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64');
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: `Basic ${basic}` } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toMatch(/housekeeping/);
  });

  it('keeps the queue board read-only unless BOARD_WRITE=true', async () => {
    const queue = t.app.queues.get('housekeeping');
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const api = `${base}/admin/queues/api/queues`;
    const add = (b: string) =>
      fetch(`${b}/admin/queues/api/queues/housekeeping/add`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'x', data: {} }),
      });
    const before = await queue.getJobCounts();
    const added = await add(base);
    expect(added.status).toBe(405);
    for (const path of ['housekeeping/empty', 'housekeeping/pause', 'housekeeping/clean/completed', 'housekeeping/retry/failed']) {
      expect((await fetch(`${api}/${path}`, { method: 'PUT', headers: auth, body: '{}' })).status, path).toBe(405);
    }
    await fetch(`${api}/pause`, { method: 'PUT', headers: auth, body: '{}' });
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCounts()).toEqual(before);
    // The board still shows the queues, and says it is read-only.
    const list = (await (await fetch(`${api}`, { headers: auth })).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(list.queues.find((q) => q.name === 'housekeeping')?.readOnlyMode).toBe(true);

    const writable = createApp(loadConfig({ env: { ...t.env, BOARD_WRITE: 'true' } }), { log: createLogger('silent') });
    const s = await serve(writable);
    try {
      expect((await add(s.base)).status).toBe(200);
      expect((await queue.getJobCounts()).waiting).toBe((before.waiting ?? 0) + 1);
      await queue.drain();
    } finally {
      await s.server.close();
      await writable.close();
    }
  });

  it('takes the admin token on /api/* only as a Bearer token', async () => {
    const basic = Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64');
    const body = JSON.stringify({});
    const asBasic = await fetch(`${base}/api/findings`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body,
    });
    expect(asBasic.status).toBe(401);
    const asBearer = await fetch(`${base}/api/findings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    expect(asBearer.status).toBe(400);
    const task = await fetch(`${base}/api/tasks/1/outcome`, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
    expect(task.status).toBe(401);
  });

  it('answers NUL, control characters and lone surrogates in API input with 400 naming the field', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const before = (await t.app.pool.query('SELECT count(*)::int AS n FROM competitor_findings')).rows[0].n;
    for (const [body, field, what] of [
      [{ client: 193254, competitor: 'Охрана\u0000труда' }, 'competitor', /U\+0000/],
      [{ client: 193254, competitor: 'x', note: 'половина пары \ud800' }, 'note', /lone surrogate/],
      [{ client: 193254, competitor: 'x', contact: 'a\u0007b' }, 'contact', /U\+0007/],
      [{ client: 193254, competitor: ['ok', 'bad\u007f'] }, 'competitor.1', /U\+007F/],
    ] as const) {
      const res = await fetch(`${base}/api/findings`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(res.status, field).toBe(400);
      const error = ((await res.json()) as { error: string }).error;
      expect(error.startsWith(`${field}: `), error).toBe(true);
      expect(error).toMatch(what);
    }
    const outcome = await fetch(`${base}/api/tasks/1/outcome`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ outcome: 'held', note: 'x\u0000' }),
    });
    expect(outcome.status).toBe(400);
    expect(((await outcome.json()) as { error: string }).error).toMatch(/^note: /);
    expect((await t.app.pool.query('SELECT count(*)::int AS n FROM competitor_findings')).rows[0].n).toBe(before);
  });

  it('logs a failed request by its route pattern, never its URL with a token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = createApp(t.config, { log: createLogger('info', stream) });
    const server = await buildServer(app);
    server.get('/diary/boom/:token', async () => {
      throw new Error('something broke');
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.server.address() as { port: number };
    const secret = 'Qw3rTy9uIoP1aSdFgHjKlZxCvBnM0123456789-_abc';
    try {
      const res = await fetch(`http://127.0.0.1:${port}/diary/boom/${secret}?token=${secret}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error' });
    } finally {
      await server.close();
      await app.close();
    }
    const out = lines.join('');
    expect(out).toMatch(/"route":"\/diary\/boom\/:token"/);
    expect(out).toMatch(/request failed/);
    expect(out).not.toContain(secret);
  });

  it('guards /metrics with METRICS_TOKEN when it is set', async () => {
    const token = 'metrics-token-0123456789abcdef-0123';
    const app = createApp(loadConfig({ env: { ...t.env, METRICS_TOKEN: token } }), { log: createLogger('silent') });
    const s = await serve(app);
    try {
      expect((await fetch(`${s.base}/metrics`)).status).toBe(401);
      expect((await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(401);
      const ok = await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/churnguard_job_runs_total/);
    } finally {
      await s.server.close();
      await app.close();
    }
  });

  it('binds HOST, 127.0.0.1 unless told otherwise', async () => {
    for (const [env, expected] of [
      [{}, '127.0.0.1'],
      [{ HOST: '0.0.0.0' }, '0.0.0.0'],
    ] as const) {
      const app = createApp(loadConfig({ env: { ...t.env, ...env } }), { log: createLogger('silent') });
      const server = await startServer(app, 0);
      try {
        expect((server.server.address() as { address: string }).address).toBe(expected);
      } finally {
        await server.close();
        await app.close();
      }
    }
  });

  it('keeps the queue board closed when no admin token is configured', async () => {
    const env = { ...t.env };
    delete (env as Record<string, string | undefined>).ADMIN_TOKEN;
    const app = createApp(loadConfig({ env }), { log: createLogger('silent') });
    const s = await serve(app);
    try {
      const res = await fetch(`${s.base}/admin/queues`, { headers: { authorization: 'Bearer anything' } });
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/ADMIN_TOKEN/);
    } finally {
      await s.server.close();
      await app.close();
    }
  });
});
