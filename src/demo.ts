/**
 * `npm run demo [-- --now <ISO date-time>] [--serve [--port N]]`: the whole desk on sample data,
 * once, on a fresh database of its own (`DEMO_DATABASE_URL`, default `churnguard_demo`) and
 * queue prefix, with e-mails going into the embedded SMTP sink (`var/mail/*.eml`). The clock
 * starts at Monday 3 June 2024, 09:00 Moscow time (the month of the source talk's reports)
 * unless `--now` says otherwise. Every job runs through the real queue and workers; the HTTP
 * server runs too. It ends with a short summary and the overview report in `var/report.html`;
 * `--serve` then keeps the service up (all roles, the demo's database, clock and port) and
 * prints a diary sign-in link for one specialist.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type App, createApp } from './app.js';
import { collectStatus, formatStatus } from './cli/commands/status.js';
import { setClock } from './clock.js';
import { loadConfig } from './config.js';
import { freshDatabase } from './db/fresh-database.js';
import { migrate } from './db/migrate.js';
import type { CallsFacts } from './demo/calls.js';
import { DEMO_STEPS } from './demo/steps.js';
import { demoSummary, reportPathOf, writeOverview } from './demo/summary.js';
import type { DemoContext } from './demo/types.js';
import { issueSignInToken } from './diary/sign-in.js';
import { startServer } from './http/server.js';
import { createLogger } from './log.js';
import { freePort } from './net.js';
import { deleteQueueKeys } from './queue/queues.js';
import { Scheduler } from './queue/scheduler.js';
import { JobWorkers } from './queue/worker.js';

export const DEMO_START = '2024-06-03T09:00:00+03:00';

/** Wait until the workers have sent every e-mail the steps queued (alerts, reminders, escalations). */
async function drainOutbox(app: App, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await app.pool.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM notifications WHERE state IN ('queued', 'sending', 'retry'))
            + (SELECT count(*) FROM messages WHERE state IN ('queued', 'sending', 'retry'))::int AS n`,
    );
    if (!rows[0]?.n || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const { values } = parseArgs({
    options: { now: { type: 'string' }, serve: { type: 'boolean' }, port: { type: 'string' } },
    strict: true,
  });
  const at = new Date(values.now ?? DEMO_START);
  if (Number.isNaN(at.getTime())) throw new Error(`--now: "${values.now}" is not an ISO date-time`);
  const askedPort = values.port === undefined ? null : Number(values.port);
  if (askedPort !== null && (!Number.isInteger(askedPort) || askedPort < 1 || askedPort > 65535)) {
    throw new Error(`--port: "${values.port}" is not a port number (1..65535)`);
  }
  setClock(at);
  const say = (s: string) => process.stdout.write(`${s}\n`);
  // The demo says so: without it, missing secrets and SMTP_URL stop the run (src/config.ts, RunKind).
  const demoRun = { CHURNGUARD_RUN: 'demo' };
  const databaseUrl = loadConfig({ envOverrides: demoRun }).env.demoDatabaseUrl;
  const dbName = new URL(databaseUrl).pathname.slice(1);
  const port = askedPort ?? (await freePort());
  // Its own database, queue prefix and port, and always the embedded SMTP sink.
  const config = loadConfig({
    envOverrides: {
      ...demoRun,
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `{cg-${dbName}}`,
      SMTP_URL: '',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    },
  });
  const mailDir = join(config.env.varDir, 'mail');
  rmSync(mailDir, { recursive: true, force: true });
  mkdirSync(mailDir, { recursive: true });
  say(`churnguard demo — ${config.ric.name}, database ${dbName} (recreated), clock ${at.toISOString()}`);
  await freshDatabase(databaseUrl);
  const app = createApp(config, { log: createLogger(config.env.logLevelSet ? config.env.logLevel : 'warn') });
  const workers = new JobWorkers(app);
  const server = await startServer(app, port, '127.0.0.1');
  try {
    const m = await migrate(app.pool);
    say(`migrations applied: ${m.applied.join(', ')}`);
    await deleteQueueKeys(app.queues.redis(), app.config.env.queuePrefix);
    workers.start();
    const ctx: DemoContext = { app, say, mailDir, baseUrl: config.env.publicBaseUrl, facts: {} };
    for (const step of DEMO_STEPS) {
      say(`\n== ${step.title}`);
      await step.run(ctx);
    }
    await drainOutbox(app, 60_000);
    say('\n== Status (npm run admin -- status)');
    say(
      formatStatus(await collectStatus(app))
        .trimEnd()
        .replace(/^/gm, '  '),
    );
    const reportPath = reportPathOf(app);
    const reports = await writeOverview(app, reportPath);
    say('\n== Summary');
    const seconds = (Date.now() - started) / 1000;
    for (const line of await demoSummary(app, { facts: ctx.facts, mailDir, reportPath, reports, seconds })) say(line);
    say(`  more: CHURNGUARD_RUN=demo DATABASE_URL=${databaseUrl} npm run admin -- status | tasks | report <name>`);
    if (values.serve) await serve(app, ctx.facts.calls as CallsFacts | undefined, say);
  } finally {
    await server.close();
    await workers.close(10_000);
    await app.close();
  }
}

/** `--serve`: the scheduler joins the workers and the HTTP server; a diary link; until Ctrl+C. */
async function serve(app: App, calls: CallsFacts | undefined, say: (s: string) => void): Promise<void> {
  const scheduler = new Scheduler(app);
  await scheduler.start();
  const { rows } = await app.pool.query<{ id: number; name: string }>(
    `SELECT id, name FROM employees WHERE active AND (id = $1 OR role = 'remote') ORDER BY (id = $1) DESC NULLS LAST, name LIMIT 1`,
    [calls?.specialistId ?? null],
  );
  say(`\n== Serving ${app.config.env.publicBaseUrl} (scheduler, worker, http; the demo's clock runs on). Ctrl+C stops.`);
  const who = rows[0];
  if (who) {
    const issued = await issueSignInToken(app, who.id);
    say(`  diary of ${who.name}: ${issued.url}`);
    say('  for another employee: npm run admin -- employee token "<ФИО>" (with CHURNGUARD_RUN=demo and the DATABASE_URL above)');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  say('stopping…');
  await scheduler.stop();
}

await main();
process.exit(0);
