/**
 * `npm run demo`: the whole desk on sample data, once, on a fresh database of its own
 * (`churnguard_demo`, or DEMO_DATABASE_URL), with e-mails going into the embedded SMTP sink
 * (`var/mail/*.eml`). Every registered job runs through the real queue and workers.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import pg from 'pg';
import { type App, createApp } from './app.js';
import { collectStatus, formatStatus } from './cli/commands/status.js';
import { now } from './clock.js';
import { loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { periodicJobs } from './jobs/index.js';
import { createLogger } from './log.js';
import { enqueueRun } from './queue/enqueue.js';
import { redisConnection } from './queue/queues.js';
import { periodForFire } from './queue/schedules.js';
import { JobWorkers } from './queue/worker.js';

async function freshDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await c.end();
  }
}

async function clearPrefix(app: App): Promise<void> {
  const r = app.queues.redis();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${app.config.env.queuePrefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await r.unlink(...keys);
  } while (cursor !== '0');
}

/** Run every periodic job once for its current period, through the queue. */
async function runEveryJob(app: App, say: (s: string) => void): Promise<void> {
  for (const def of periodicJobs()) {
    const period = periodForFire(app, def, now());
    const events = new QueueEvents(def.name, { connection: redisConnection(app.config.env.redisUrl), prefix: app.config.env.queuePrefix });
    try {
      await events.waitUntilReady();
      const res = await enqueueRun(app, def, period, 'admin');
      const job = await app.queues.get(def.name).getJob(res.jobId);
      const result = await job?.waitUntilFinished(events, 60_000);
      say(`  ${def.name} ${period}: ${JSON.stringify(result)}`);
    } finally {
      await events.close();
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const say = (s: string) => process.stdout.write(`${s}\n`);
  const databaseUrl = loadConfig().env.demoDatabaseUrl;
  // Its own database and queue prefix, and always the embedded SMTP sink.
  const config = loadConfig({ envOverrides: { DATABASE_URL: databaseUrl, QUEUE_PREFIX: '{cg-demo}', SMTP_URL: '' } });
  const mailDir = join(config.env.varDir, 'mail');
  rmSync(mailDir, { recursive: true, force: true });
  mkdirSync(mailDir, { recursive: true });
  say(`churnguard demo — ${config.ric.name}, database ${new URL(databaseUrl).pathname.slice(1)} (recreated)`);
  await freshDatabase(databaseUrl);
  const app = createApp(config, { log: createLogger(config.env.logLevelSet ? config.env.logLevel : 'warn') });
  const workers = new JobWorkers(app);
  try {
    const m = await migrate(app.pool);
    say(`migrations applied: ${m.applied.join(', ')}`);
    await clearPrefix(app);
    workers.start();
    say('\nEvery job, once, for its current period:');
    await runEveryJob(app, say);
    say('');
    say(formatStatus(await collectStatus(app)));
    const mails = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length;
    say(`e-mails in the sink: ${mails} (${mailDir})`);
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await workers.close(10_000);
    await app.close();
  }
}

await main();
process.exit(0);
