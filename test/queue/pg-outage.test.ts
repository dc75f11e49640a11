/**
 * PostgreSQL really stopped mid-work (issue 25). A private cluster of this file's own (initdb in
 * a temporary folder, its own port) is stopped in immediate mode — a crash, as clients see it —
 * while the service works, and started again seconds later: a mailing of several hundred
 * messages to a slow SMTP server ends with every message `sent` once and none `unknown`; a risk
 * scoring run cut off mid-way completes by itself, once, with the tasks of an uninterrupted run.
 */
import { join } from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { now, setClock } from '../../src/clock.js';
import { seedDemo } from '../../src/demo-data/seed-demo.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { freePort } from '../../src/net.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { periodForFire } from '../../src/queue/schedules.js';
import { executeRun } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/pg-cluster.js';
import { killAll, runAdmin, spawnNode } from '../helpers/process.js';
import { quietFor, sleep, waitFor, waitWhileMoving } from '../helpers/wait.js';
import { addDecisionMakers, loadSample, messageStates } from '../mailing/fixtures.js';

/** How long the cluster stays down at least (then `pg_ctl start` takes its own seconds of recovery). */
const OUTAGE_MS = 6000;

/** A real SMTP server that answers each e-mail after `delayMs` (a slow relay) and counts what it accepted per recipient. */
async function slowSmtp(delayMs: number) {
  const accepted = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        setTimeout(() => {
          for (const r of session.envelope.rcptTo) accepted.set(r.address, (accepted.get(r.address) ?? 0) + 1);
          total += session.envelope.rcptTo.length;
          cb(null, 'Ok: queued');
        }, delayMs);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return {
    url: `smtp://127.0.0.1:${port}?tls=off`,
    accepted,
    total: () => total,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let cluster: PrivateCluster;
const envs: TestEnv[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  cluster = await startPrivateCluster();
}, 180_000);
afterEach(killAll);
afterAll(async () => {
  setClock(null);
  await Promise.all(envs.map((e) => e.close()));
  for (const c of closers) await c();
  await cluster?.destroy();
}, 60_000);

/** A world whose PostgreSQL is the private cluster (its own database there), Redis and var/ as any test's. */
async function privateWorld(env: Record<string, string> = {}, overrides: Record<string, unknown> = {}): Promise<TestEnv> {
  const db = await cluster.createDatabase();
  const t = await createTestEnv({ env: { DATABASE_URL: cluster.url(db), ...env }, overrides });
  envs.push(t);
  return t;
}

function startService(t: TestEnv, roles: string, port?: number) {
  return spawnNode('test/fixtures/service.ts', [], { ...t.env, ROLES: roles, ...(port ? { PORT: String(port) } : {}) }, 600_000);
}

/** One process's own figures from its /metrics. */
async function metricsOf(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return {
    up: sum('churnguard_postgres_up'),
    paused: sum('churnguard_workers_paused_seconds_total'),
    held: sum('churnguard_outcomes_held'),
    heldTotal: sum('churnguard_outcomes_held_total'),
  };
}

async function health(port: number): Promise<{ status: number; body: { postgres: string; redis: string } }> {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: r.status, body: (await r.json()) as { postgres: string; redis: string } };
}

const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;
const PAUSED = /PostgreSQL does not answer: workers paused/g;
const RESUMED = /PostgreSQL answers again after ([\d.]+) s: workers resumed/g;

describe('a PostgreSQL restart mid-mailing', () => {
  it('ends with every message sent once, the relay getting each recipient once, and none unknown', { timeout: 600_000 }, async () => {
    const N = 500;
    // A slow relay: 300 ms per e-mail, 5 connections per process — about 30 e-mails a second from two processes.
    const smtp = await slowSmtp(300);
    closers.push(smtp.close);
    const t = await privateWorld(
      { SMTP_URL: smtp.url },
      { smtp: { ratePerMinute: 600_000 }, queues: { concurrency: { default: 1, 'send-email': 10 } } },
    );
    await loadSample(t.app);
    await addDecisionMakers(t.app, N, { tag: 'pgdown' });
    await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect((await messageStates(t.app)).queued).toBe(N);

    // Two services with the worker role; each answers /healthz and /metrics. Their start is not
    // part of the wait for their work (a busy machine starts a process slowly).
    const ports = [await freePort(), await freePort()];
    const services = ports.map((p) => startService(t, 'worker,http', p));
    await Promise.all(services.map((s) => s.waitForOutput(/fixture service ready/, 300_000)));
    await waitFor('a part delivered', () => smtp.total() >= 100, 180_000, 5);

    await cluster.stop('immediate');
    const stoppedAt = Date.now();
    const atStop = smtp.total();
    expect(atStop).toBeLessThan(N);

    // Visible: /healthz says the database is down (Redis is fine), the workers pause.
    for (const p of ports) {
      const h = await waitFor(`/healthz of :${p} reporting PostgreSQL down`, async () => {
        const r = await health(p);
        return r.status === 503 && r.body.postgres === 'down' ? r : null;
      });
      expect(h?.body.redis).toBe('ok');
    }
    await waitFor('both processes paused', async () => (await Promise.all(ports.map(metricsOf))).every((m) => m.up === 0 && m.paused > 0));
    // The relay's answers to e-mails already on their way arrive while the database is down:
    // the workers hold them. After those, the relay hears nothing until PostgreSQL is back.
    const during = (await quietFor('the relay while PostgreSQL is down', () => smtp.total(), 2000, 60_000)) - atStop;
    const held = (await Promise.all(ports.map(metricsOf))).reduce((a, m) => a + m.heldTotal, 0);
    expect(held).toBeGreaterThan(0);
    // At most what the workers had taken when it stopped: 10 send jobs per process.
    expect(during).toBeLessThanOrEqual(20);
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    expect(smtp.total()).toBe(atStop + during);

    await cluster.start();
    await waitWhileMoving(
      `all ${N} messages sent`,
      async () => {
        const s = await messageStates(t.app);
        if (s.sent === N) return true;
        throw new Error(JSON.stringify(s));
      },
      async () => [smtp.total(), await messageStates(t.app).catch(() => null)],
      90_000,
      200,
    );

    // Every held answer written; the services lived through it and say so once each way.
    for (const [i, p] of ports.entries()) {
      expect((await health(p)).status).toBe(200);
      const m = await metricsOf(p);
      expect(m.up).toBe(1);
      expect(m.held).toBe(0);
      const s = services[i];
      expect(s?.proc.exitCode).toBeNull();
      expect(s?.proc.signalCode).toBeNull();
      const out = s?.output() ?? '';
      expect(count(out, PAUSED)).toBe(1);
      expect(count(out, RESUMED)).toBe(1);
      const seconds = Number([...out.matchAll(RESUMED)][0]?.[1]);
      expect(seconds * 1000).toBeGreaterThanOrEqual(OUTAGE_MS - 1500);
    }

    // Nothing left to housekeeping: even an hour on, no row is `sending` or `unknown`.
    setClock(new Date(Date.now() + 3600_000));
    await executeRun(t.app, housekeeping, { period: '2031-01-01T0000', trigger: 'admin' });
    setClock(null);
    expect(await messageStates(t.app)).toEqual({ sent: N });
    const deliveries = [...smtp.accepted].filter(([to]) => to.startsWith('pgdown.'));
    expect(deliveries.length).toBe(N);
    expect(deliveries.filter(([, n]) => n !== 1)).toEqual([]);
    const { rows } = await t.app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE attempts <> 1');
    expect(rows[0]?.n).toBe(0);

    // `status` shows the outage both processes recorded.
    await waitFor('both outage records', async () => (await t.app.pool.query('SELECT 1 FROM db_outages')).rowCount === 2);
    const st = await runAdmin(['status', '--json'], t.env);
    expect(st.code, st.stderr).toBe(0);
    const last = JSON.parse(st.stdout).lastOutage;
    expect(last.processes).toBe(2);
    expect(last.seconds * 1000).toBeGreaterThanOrEqual(OUTAGE_MS - 1500);
    expect(last.held_outcomes).toBe(held);
    const text = await runAdmin(['status'], t.env);
    expect(text.stdout).toMatch(/Последний сбой PostgreSQL: \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d — /);
  });
});

describe('a PostgreSQL restart mid-run', () => {
  const SEED = { clients: 300, seed: 502 };

  async function riskReviews(db: pg.Pool | TestEnv['app']['pool']) {
    const { rows } = await db.query<{ number: number; n: number }>(
      `SELECT c.number, count(*)::int AS n FROM tasks t JOIN clients c ON c.id = t.client_id
        WHERE t.kind = 'risk-review' GROUP BY c.number ORDER BY c.number`,
    );
    return rows;
  }

  it('a risk scoring cut off mid-way completes by itself, once, with the tasks of an uninterrupted run', { timeout: 600_000 }, async () => {
    // The same synthetic RIC scored without an outage, on the shared server: what the run must end with.
    const ref = await createTestEnv();
    envs.push(ref);
    await seedDemo(ref.app, { ...SEED, dir: join(ref.varDir, 'seed') });
    const period = periodForFire(ref.app, riskScore, now());
    await executeRun(ref.app, riskScore, { period, trigger: 'admin' });
    const expected = await riskReviews(ref.app.pool);
    expect(expected.length).toBeGreaterThan(0);
    const { rows: refScores } = await ref.app.pool.query('SELECT count(*)::int AS n FROM risk_scores WHERE week = $1', [period]);

    const t = await privateWorld();
    await seedDemo(t.app, { ...SEED, dir: join(t.varDir, 'seed') });
    // The week's write waits behind this transaction's lock: the run is mid-way (scored, not
    // written) when the cluster stops.
    const blocker = new pg.Client({ connectionString: t.env.DATABASE_URL });
    blocker.on('error', () => {});
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE risk_scores IN SHARE MODE');
    const worker = startService(t, 'worker');
    await worker.waitForOutput(/fixture service ready/, 300_000);
    await enqueueRun(t.app, riskScore, period, 'admin');
    await waitFor(
      'the run waiting to write its week',
      async () => {
        // Asked outside the blocker's transaction: it would see the activity as at its first look.
        const { rows } = await t.app.pool.query<{ wait_event_type: string | null; query: string }>(
          `SELECT wait_event_type, left(query, 60) AS query FROM pg_stat_activity WHERE application_name = 'churnguard' AND state <> 'idle'`,
        );
        if (rows.some((r) => r.wait_event_type === 'Lock' && /risk_scores/i.test(r.query))) return true;
        const runs = await t.app.pool.query(`SELECT job, state, error FROM job_runs`);
        throw new Error(`${JSON.stringify(rows)} ${JSON.stringify(runs.rows)}`);
      },
      180_000,
      50,
    );
    const { rows: before } = await blocker.query(`SELECT state, attempts FROM job_runs WHERE job = 'risk-score' AND period = $1`, [period]);
    expect(before).toEqual([{ state: 'running', attempts: 1 }]);

    await cluster.stop('immediate');
    await blocker.end().catch(() => {});
    await sleep(OUTAGE_MS);
    await cluster.start();

    const run = await waitWhileMoving(
      'the run to complete',
      async () => {
        const { rows } = await t.app.pool.query(`SELECT * FROM job_runs WHERE job = 'risk-score' AND period = $1`, [period]);
        return rows[0]?.state === 'completed' ? rows[0] : null;
      },
      async () => (await t.app.pool.query(`SELECT state, attempts, error FROM job_runs WHERE job = 'risk-score'`).catch(() => null))?.rows,
      120_000,
      200,
    );
    // Interrupted once, retried by itself once (the second attempt of its queue job), completed.
    expect(run.attempts).toBe(2);
    expect(run.interruptions).toBe(1);
    expect(run.interrupted_at).not.toBeNull();
    expect(run.retried_at.getTime()).toBeGreaterThanOrEqual(run.interrupted_at.getTime());
    expect(run.error).toBeNull();
    expect(worker.proc.exitCode).toBeNull();

    // Nothing more happens after it (no third attempt), and the result is the uninterrupted one's.
    const settled = await quietFor('the run and its tasks', async () => ({
      attempts: (await t.app.pool.query(`SELECT attempts FROM job_runs WHERE job = 'risk-score'`)).rows,
      tasks: await riskReviews(t.app.pool),
    }));
    expect(settled.attempts).toEqual([{ attempts: 2 }]);
    expect(settled.tasks).toEqual(expected);
    expect(settled.tasks.every((r) => r.n === 1)).toBe(true);
    const { rows: scores } = await t.app.pool.query('SELECT count(*)::int AS n FROM risk_scores WHERE week = $1', [period]);
    expect(scores).toEqual(refScores);

    // `runs` says it was interrupted by the outage and when it was retried.
    const runs = await runAdmin(['runs', '--job', 'risk-score'], t.env);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/прерван сбоем PostgreSQL \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d, перезапущен \d\d\.\d\d\.\d{4}/);
    const st = JSON.parse((await runAdmin(['status', '--json'], t.env)).stdout);
    expect(st.lastRuns.find((r: { job: string }) => r.job === 'risk-score').outage).toMatch(/^прерван сбоем PostgreSQL/);
    expect(st.lastOutage.interrupted_runs).toBeGreaterThanOrEqual(1);
  });
});
