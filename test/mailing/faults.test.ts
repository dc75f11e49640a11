/** The mailing under faults: two workers and a double trigger, a worker killed mid-mailing, Redis flushed mid-mailing. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { freePort } from '../../src/net.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { reconcile } from '../../src/queue/reconcile.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { createTestEnv, STALL_OVERRIDES, type TestEnv } from '../helpers/env.js';
import { killAll, spawnNode } from '../helpers/process.js';
import { waitFor, waitWhileMoving } from '../helpers/wait.js';
import { addDecisionMakers, loadSample, messageStates } from './fixtures.js';

const NO_SCHEDULES = Object.fromEntries(
  Object.keys((JSON.parse(readFileSync(join(PROJECT_ROOT, 'config', 'default.json'), 'utf8')) as { schedules: object }).schedules).map(
    (k) => [k, null],
  ),
);

const FAST = { smtp: { ratePerMinute: 600_000 }, queues: { concurrency: { default: 1, 'send-email': 10 } } };

/**
 * A real SMTP server that only counts what it accepts per recipient: thousands of e-mails
 * without parsing them. With `hold.armed`, the next e-mail it receives is never answered: its
 * sender waits, the message stays `sending`.
 */
async function countingSmtp() {
  const accepted = new Map<string, number>();
  const hold = { armed: false, held: [] as string[] };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        if (hold.armed) {
          hold.armed = false;
          hold.held.push(...session.envelope.rcptTo.map((r) => r.address));
          return;
        }
        for (const r of session.envelope.rcptTo) accepted.set(r.address, (accepted.get(r.address) ?? 0) + 1);
        cb(null, 'Ok: queued');
      });
    },
  });
  // A worker killed mid-transaction resets its connection: that is expected here.
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return { url: `smtp://127.0.0.1:${port}?tls=off`, accepted, hold, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let smtp: Awaited<ReturnType<typeof countingSmtp>>;
const envs: TestEnv[] = [];

beforeAll(async () => {
  smtp = await countingSmtp();
});
afterEach(killAll);
afterAll(async () => {
  await Promise.all(envs.map((e) => e.close()));
  await smtp.close();
});

async function world(env: Record<string, string> = {}, overrides: Record<string, unknown> = {}): Promise<TestEnv> {
  const t = await createTestEnv({ env: { SMTP_URL: smtp.url, ...env }, overrides: { ...FAST, ...overrides } });
  envs.push(t);
  await loadSample(t.app);
  return t;
}

function startWorker(t: TestEnv) {
  return startService(t, 'worker');
}

/**
 * The real service entry (test/fixtures/service.ts) with these roles, in a process of its own,
 * killed after 10 minutes at the latest: the work of a busy machine must not outlive its deadline.
 */
function startService(t: TestEnv, roles: string) {
  return spawnNode('test/fixtures/service.ts', [], { ...t.env, ROLES: roles }, 600_000);
}

/** Accepted e-mails per recipient address of one world (addresses carry the world's tag). */
function deliveries(tag: string): Map<string, number> {
  return new Map([...smtp.accepted].filter(([to]) => to.startsWith(`${tag}.`)));
}

describe('exactly one e-mail per recipient', () => {
  it('sends once when the job is triggered twice with two worker processes at once', { timeout: 180_000 }, async () => {
    const t = await world();
    const ids = await addDecisionMakers(t.app, 300, { tag: 'twice' });
    const a = startWorker(t);
    const b = startWorker(t);
    await Promise.all([a.waitForOutput(/fixture service ready/), b.waitForOutput(/fixture service ready/)]);
    const [first, second] = await Promise.all([
      enqueueRun(t.app, lprMonthly, '2024-06', 'admin'),
      enqueueRun(t.app, lprMonthly, '2024-06', 'admin'),
    ]);
    expect(second.jobId).toBe(first.jobId);
    await waitFor(
      'the run',
      async () => (await t.app.pool.query(`SELECT state FROM job_runs WHERE job = 'lpr-monthly'`)).rows[0]?.state === 'completed',
    );
    // A forced second run while the first one's messages are still going out.
    await enqueueRun(t.app, lprMonthly, '2024-06', 'admin', { force: true });
    await waitFor('all sent', async () => (await messageStates(t.app)).sent === 300, 150_000);
    const { rows } = await t.app.pool.query(`SELECT attempts FROM job_runs WHERE job = 'lpr-monthly'`);
    expect(rows[0].attempts).toBe(2);
    const got = deliveries('twice');
    expect(got.size).toBe(300);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect((await t.app.pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n).toBe(ids.length);
  });

  it('delivers every message once after a worker process is killed with SIGKILL mid-mailing, apart from those reported unknown', {
    timeout: 420_000,
  }, async () => {
    // About stalls: the killed worker's jobs come back after the (short) stall detection. No
    // schedule ticks in this world (only the scheduler's reconcile matters), which runs every minute.
    const t = await world({}, { ...STALL_OVERRIDES, schedules: NO_SCHEDULES, catchUp: { intervalMinutes: 1 } });
    await addDecisionMakers(t.app, 2000, { tag: 'kill' });
    await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    const first = startWorker(t);
    // A busy machine starts a process slowly: the wait for a part sent begins once it runs, and lasts while sending moves.
    await first.waitForOutput(/fixture service ready/, 180_000);
    await waitWhileMoving(
      'a part sent',
      async () => ((await messageStates(t.app)).sent ?? 0) >= 300,
      () => messageStates(t.app),
      60_000,
      10,
    );
    // One e-mail is left unanswered by the server: its message is `sending` when the worker dies.
    smtp.hold.armed = true;
    const held = (await waitFor(
      'an e-mail held by the SMTP server',
      () => smtp.hold.held.find((a) => a.startsWith('kill.')),
      30_000,
      10,
    )) as string;
    const stateOf = async (email: string) =>
      (await t.app.pool.query<{ state: string }>('SELECT state FROM messages WHERE to_email = $1', [email])).rows[0]?.state;
    expect(await stateOf(held)).toBe('sending');
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await messageStates(t.app);
    expect(atKill.sent).toBeLessThan(2000);
    expect(await stateOf(held)).toBe('sending');
    // The jobs the killed worker held: at most these can end in Redis without their row sent.
    const queue = t.app.queues.get('send-email');
    const heldByKilled = (await queue.getJobCounts('active')).active ?? 0;
    // A new worker process, and the scheduler role in a process of its own, as production runs
    // them (docker compose: `app` with http and scheduler, `worker`): the scheduler's reconcile
    // (at start and every `catchUp.intervalMinutes`) gives a row still waiting whose job was
    // lost or stalled to the end its send job back. The test itself repairs nothing.
    // Their start is not part of the wait for the work (a busy machine starts a process slowly).
    const worker = startService(t, 'worker');
    const second = startService(t, 'scheduler');
    await Promise.all([worker.waitForOutput(/fixture service ready/, 180_000), second.waitForOutput(/fixture service ready/, 180_000)]);
    // Done when the queue is empty and every row is sent or cut off (`sending`). The wait lasts
    // as long as the work moves (a busy machine sends slowly), and longer than one reconcile
    // interval, so a row that only the scheduler can give a job back is waited for.
    const progress = async () => ({
      messages: await messageStates(t.app),
      jobs: await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
    });
    await waitWhileMoving(
      'nothing left to do',
      async () => {
        const { messages: s, jobs: q } = await progress();
        const busy = (q.waiting ?? 0) + (q.active ?? 0) + (q.delayed ?? 0) + (q.prioritized ?? 0);
        const waiting = (s.queued ?? 0) + (s.retry ?? 0);
        if (busy === 0 && waiting === 0 && (s.sent ?? 0) + (s.sending ?? 0) === 2000) return true;
        const failed = q.failed ? (await queue.getFailed(0, 4)).map((j) => `${j.id}: ${j.failedReason}`) : [];
        throw new Error(
          `messages ${JSON.stringify(s)}, send-email jobs ${JSON.stringify(q)}, failed ${JSON.stringify(failed)}; the worker said: ${worker.output().slice(-1500)}; the scheduler said: ${second.output().slice(-1500)}`,
        );
      },
      progress,
      150_000,
      500,
    );
    // What the scheduler's reconcile re-queued: rows whose send job had ended without sending
    // them (the log line of src/queue/reconcile.ts), never more than the killed worker held.
    const requeued = second
      .output()
      .split('\n')
      .filter((l) => l.includes('reconcile: e-mails still waiting had a finished send job'))
      .reduce((n, l) => n + Number((JSON.parse(l) as { count: number }).count), 0);
    console.log(
      `kill mid-mailing: ${heldByKilled} send jobs held by the killed worker, ${requeued} re-queued by the scheduler's reconcile`,
    );
    expect(requeued).toBeLessThanOrEqual(heldByKilled);
    // The rows cut off by the kill stay `sending` until housekeeping calls them unknown.
    setClock(new Date(Date.now() + 60_000));
    await executeRun(t.app, housekeeping, { period: '2030-01-01T0000', trigger: 'admin' });
    const end = await messageStates(t.app);
    expect(end.sending ?? 0).toBe(0);
    expect(end.unknown ?? 0).toBeGreaterThanOrEqual(1);
    expect(end.unknown ?? 0).toBeLessThanOrEqual(10);
    expect(await stateOf(held)).toBe('unknown');
    expect((end.sent ?? 0) + (end.unknown ?? 0)).toBe(2000);
    const { rows } = await t.app.pool.query<{ to_email: string; state: string }>('SELECT to_email, state FROM messages');
    const got = deliveries('kill');
    for (const r of rows) {
      const n = got.get(r.to_email) ?? 0;
      if (r.state === 'sent') expect(n, r.to_email).toBe(1);
      else expect(n, r.to_email).toBeLessThanOrEqual(1);
    }
    setClock(null);
  });
});

describe('Redis loses everything mid-mailing', () => {
  let redis: ChildProcess | null = null;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('finishes the mailing from PostgreSQL after FLUSHALL, with no duplicates', { timeout: 180_000 }, async () => {
    // A Redis of this test's own: FLUSHALL must never touch the shared one.
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    probe.on('error', () => {});
    await waitFor(
      'the private Redis',
      async () => {
        // connect() once: after a refused first try ioredis reconnects by itself, and a second
        // connect() would only fail with "already connecting".
        if (probe.status === 'wait') await probe.connect().catch(() => {});
        return (await probe.ping().catch(() => null)) === 'PONG';
      },
      60_000,
      100,
    );
    const t = await world({ REDIS_URL: url });
    await addDecisionMakers(t.app, 1000, { tag: 'flush' });
    await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    const workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    try {
      await waitFor('a part sent', async () => ((await messageStates(t.app)).sent ?? 0) >= 150, 60_000, 5);
      expect(await probe.flushall()).toBe('OK');
      const afterFlush = await messageStates(t.app);
      expect(afterFlush.sent ?? 0).toBeLessThan(1000);
      expect(await probe.dbsize()).toBeLessThan(50);
      // What the scheduler's reconcile does at start and every few minutes.
      const res = await reconcile(t.app, [sendEmail]);
      expect(res.requeued).toBeGreaterThan(0);
      await waitFor('all sent', async () => (await messageStates(t.app)).sent === 1000, 150_000);
    } finally {
      await workers.close(5000);
      probe.disconnect();
      // Close this world while its Redis still answers.
      await t.close();
      envs.splice(envs.indexOf(t), 1);
    }
    const got = deliveries('flush');
    expect(got.size).toBe(1000);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });
});
