import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
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
      const body = (await res.json()) as { postgres: string; redis: string };
      expect(body.postgres).toBe('ok');
      expect(body.redis).toMatch(/^down/);
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
