/**
 * `npm run bench -- reaction [N]`: from file to field support. A running service (the real
 * entry point, scheduler and worker roles, in a process of its own) watches its inbox; N
 * contacts exports (default 20), each with a key-person change (a client's new ЛПР), are
 * dropped into `var/inbox/contacts/` one by one (atomic rename, 3 s apart). For each: the time
 * from the drop to the alert e-mail accepted by a real SMTP server (in this process, over TCP),
 * beside the signals scan's own duration (job_runs). Goal: p90 < 60 s.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { App } from '../src/app.js';
import { PROJECT_ROOT } from '../src/config.js';
import { percentile } from '../src/domain/stats.js';
import { benchContext, machine, writeSection } from './lib.js';

const GAP_MS = 3000;
const HEADER = [
  'Номер клиента',
  'ФИО',
  'Должность',
  'ЛПР',
  'ЛВПР',
  'Ключевой пользователь',
  'Email',
  'Согласие на рассылку',
  'Пользователь системы',
];
const tsv = (rows: (string | number)[][]) => `${rows.map((r) => r.join('\t')).join('\n')}\n`;

interface Arrival {
  at: number;
  text: string;
}

async function startSink(): Promise<{ url: string; arrivals: Arrival[]; close(): Promise<void> }> {
  const arrivals: Arrival[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = Date.now();
        cb(null, 'Ok: queued');
        simpleParser(Buffer.concat(chunks)).then((m) => arrivals.push({ at, text: m.text ?? '' }));
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  // A local sink without TLS: the service requires STARTTLS unless the URL says `?tls=off`.
  return { url: `smtp://127.0.0.1:${port}?tls=off`, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Where the scenario runs: a migrated database, the service's environment and its var directory. */
export interface ReactionWorld {
  app: App;
  env: Record<string, string>;
  varDir: string;
}

export interface ReactionResult {
  /** Per drop, in drop order: drop → the alert accepted by the SMTP server (ms). */
  reactions: number[];
  /** The service's import-inbox runs that imported a file, and its signals scans (ms, job_runs). */
  imports: number[];
  scans: number[];
}

/**
 * The scenario: a running service (the real entry point, roles scheduler and worker, its own
 * process) watching `varDir/inbox/`; staff, clients and every client's ЛПР first, then `n`
 * contacts exports `gapMs` apart, each bringing a client's new ЛПР; each must end as the
 * alert e-mail naming the new ЛПР, accepted by a real SMTP server in this process.
 * Also run by test/health/reaction.test.ts with 2 drops.
 */
export async function reactionScenario(world: ReactionWorld, n: number, gapMs = GAP_MS): Promise<ReactionResult> {
  const sink = await startSink();
  const dir = world.varDir;
  const inbox = (kind: string) => {
    const d = join(dir, 'inbox', kind);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const drop = (kind: string, name: string, content: string | Buffer) => {
    const tmp = join(inbox(kind), `.${name}.part`);
    writeFileSync(tmp, content);
    renameSync(tmp, join(inbox(kind), name));
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...world.env, SMTP_URL: sink.url, VAR_DIR: dir, ROLES: 'scheduler,worker', LOG_LEVEL: 'info', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const { pool } = world.app;
    /** What happened to the drops, for a timeout's message. */
    const whereItStopped = async () => {
      const q = async (sql: string) => JSON.stringify((await pool.query(sql)).rows);
      return [
        `imports: ${await q(`SELECT kind, file_name, state, error FROM imports ORDER BY id DESC LIMIT 5`)}`,
        `key-person changes: ${await q(`SELECT client_id, role, left_name, came_name FROM key_person_changes ORDER BY id DESC LIMIT 5`)}`,
        `signals: ${await q(`SELECT kind, client_id, task_id, notification_id, emailed_at FROM signals ORDER BY id DESC LIMIT 5`)}`,
        `notifications: ${await q(`SELECT kind, state, to_email, error, subject FROM notifications ORDER BY id DESC LIMIT 5`)}`,
        `runs: ${await q(`SELECT job, period, state, error FROM job_runs ORDER BY id DESC LIMIT 6`)}`,
      ].join('\n');
    };
    await until('the service watching its inbox', () => log.includes('watching the inbox'));
    // The base: staff, clients, and every client's ЛПР — the scans after them take the baseline.
    copyFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'crm', 'employees.tsv'), join(inbox('employees'), 'employees.tsv'));
    copyFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'crm', 'seed-clients-1251.tsv'), join(inbox('clients'), 'clients.tsv'));
    await until(
      'clients imported',
      async () => (await pool.query(`SELECT 1 FROM imports WHERE kind = 'clients' AND state = 'done'`)).rowCount,
    );
    const clients = (
      await pool.query<{ number: number }>(`SELECT number FROM clients WHERE state <> 'disconnected' ORDER BY number`)
    ).rows.map((r) => Number(r.number));
    drop(
      'contacts',
      'contacts-0.tsv',
      tsv([
        HEADER,
        ...clients.map((c) => [c, `Директоров ${c} Иван`, 'Директор', 'Да', 'Нет', 'Нет', `lpr${c}@client.example`, 'Да', 'Да']),
      ]),
    );
    await until(
      'the baseline of key-person changes',
      async () => (await pool.query(`SELECT 1 FROM signal_baselines WHERE kind = 'key_person_change'`)).rowCount,
    );
    const started = new Date();
    const results: { i: number; ms: number }[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 1; i <= n; i++) {
      const client = clients[i % clients.length] as number;
      const name = `Новиков${i} Сергей Петрович`;
      const t0 = Date.now();
      drop(
        'contacts',
        `contacts-${String(i).padStart(2, '0')}.tsv`,
        tsv([HEADER, [client, name, 'Директор', 'Да', 'Нет', 'Нет', `new${i}@client.example`, 'Да', 'Да']]),
      );
      waits.push(
        until(`the alert of drop ${i}`, () => sink.arrivals.find((a) => a.text.includes(name))).then((a) => {
          results.push({ i, ms: a.at - t0 });
        }),
      );
      if (i < n) await sleep(gapMs);
    }
    await Promise.all(waits).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await whereItStopped()}\nservice log (tail):\n${log.slice(-4000)}`);
    });
    const durations = async (job: string, extra = '') =>
      (
        await pool.query<{ ms: number }>(
          `SELECT extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM job_runs
            WHERE job = $1 AND state = 'completed' AND started_at >= $2${extra}`,
          [job, started],
        )
      ).rows.map((r) => Number(r.ms));
    return {
      reactions: results.sort((a, b) => a.i - b.i).map((r) => r.ms),
      imports: await durations('import-inbox', ` AND (stats->>'imported')::int > 0`),
      scans: await durations('signals-scan'),
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await sink.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 20);
  const varDir = mkdtempSync(join(tmpdir(), 'cg-bench-reaction-'));
  const ctx = await benchContext({ VAR_DIR: varDir });
  try {
    const { reactions, imports, scans } = await reactionScenario({ app: ctx.app, env: ctx.env, varDir }, n);
    const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
    const row = (what: string, xs: number[]) =>
      `| ${what} | ${xs.length} | ${s(percentile(xs, 0.5))} | ${s(percentile(xs, 0.9))} | ${s(Math.max(...xs))} |`;
    const p90 = percentile(reactions, 0.9) ?? Number.POSITIVE_INFINITY;
    const body = `${n} contacts exports, each with a key-person change (a client's new ЛПР), dropped by atomic rename into \`var/inbox/contacts/\` of a running service (\`src/main.ts\`, roles scheduler and worker, its own process) ${GAP_MS / 1000} s apart; the alert e-mails go to a real SMTP server (smtp-server over TCP, in the bench process). Reaction = drop → the alert accepted by the SMTP server. The inbox is watched by file-system events (settle check ${ctx.app.config.imports.inboxSettleMs} ms); the scan and the import runs are the service's own (job_runs). The same scenario with 2 drops is a test (\`test/health/reaction.test.ts\`).

| what | runs | p50 | p90 | max |
|---|---|---|---|---|
${row('drop → alert accepted by SMTP (reaction)', reactions)}
${row('import-inbox run that imported a file', imports)}
${row('signals-scan run (the scan’s own duration)', scans)}

Reaction p90 **${s(p90)}** (goal < 60 s)${p90 < 60_000 ? '' : ' — goal missed'}. Of the reaction, ${ctx.app.config.imports.inboxSettleMs} ms is the settle check (a file must keep its size and mtime that long). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end.`;
    writeSection('reaction', body);
    process.stdout.write(`${body}\n`);
  } finally {
    await ctx.close();
  }
}
