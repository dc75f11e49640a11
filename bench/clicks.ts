/**
 * `npm run bench -- clicks`: requests per second and latency (p50 / p99) of `GET /c/<token>`
 * with click recording, at 256 concurrent connections, next to a bare node:http server
 * answering 302 in the same run. Each server runs in a process of its own; autocannon drives
 * both from this one. Target: ratio ≥ 0.5 and p99 < 20 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../src/config.js';
import { clickToken } from '../src/mail/tracking.js';
import { benchContext, machine, writeSection } from './lib.js';

const CONNECTIONS = 256;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = 2;
/** Few connections: the latency of a click itself rather than of the queue in front of it. */
const FEW = 16;
const SECRET = 'bench-tracking-secret-0123456789';

/** Rounds taken together: mean requests/s, the median of p50s, the worst p99. */
function combine(rounds: Load[]): Load {
  const sum = (f: (l: Load) => number) => rounds.reduce((s, l) => s + f(l), 0);
  const p50s = rounds.map((l) => l.p50).sort((a, b) => a - b);
  return {
    rps: sum((l) => l.rps) / rounds.length,
    p50: p50s[Math.floor((p50s.length - 1) / 2)] as number,
    p99: Math.max(...rounds.map((l) => l.p99)),
    requests: sum((l) => l.requests),
    non3xx: sum((l) => l.non3xx),
    errors: sum((l) => l.errors),
  };
}

function startServer(mode: 'bare' | 'churnguard', env: Record<string, string>): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', '_click-server.ts'), mode], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non3xx: number;
  errors: number;
}

async function load(url: string, seconds: number, connections = CONNECTIONS): Promise<Load> {
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non3xx: r.non2xx - r['3xx'],
    errors: r.errors + r.timeouts,
  };
}

export async function run(): Promise<void> {
  const ctx = await benchContext({ TRACKING_SECRET: SECRET });
  try {
    const db = ctx.app.pool;
    const q = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0].id as number;
    const employee = await q(`INSERT INTO employees (name, role) VALUES ('Бенчмарков Б.Б.', 'remote') RETURNING id`, []);
    const client = await q(
      `INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id) VALUES (205254, 'Лимкорм', 'B', 12000, 'served', $1) RETURNING id`,
      [employee],
    );
    const contact = await q(
      `INSERT INTO contacts (client_id, full_name, email) VALUES ($1, 'Челпанова Анна Сергеевна', 'a@client.example') RETURNING id`,
      [client],
    );
    const mailing = await q(
      `INSERT INTO mailings (kind, period, subject, created_at) VALUES ('bench', '2024-06', 'Бенчмарк', now()) RETURNING id`,
      [],
    );
    const link = await q(
      `INSERT INTO links (mailing_id, url, title) VALUES ($1, 'https://www.consultant.ru/document/cons_doc_LAW_34683/', 'Статья') RETURNING id`,
      [mailing],
    );
    const message = await q(
      `INSERT INTO messages (mailing_id, contact_id, client_id, variant, to_email, state, queued_at, sent_at) VALUES ($1, $2, $3, 'v', 'a@client.example', 'sent', now(), now()) RETURNING id`,
      [mailing, contact, client],
    );
    const token = clickToken(SECRET, message, link);
    const env = { ...ctx.env, TRACKING_SECRET: SECRET, LOG_LEVEL: 'warn' };

    const bare = await startServer('bare', env);
    const ours = await startServer('churnguard', env);
    const bareUrl = `http://127.0.0.1:${bare.port}/c/${token}`;
    const oursUrl = `http://127.0.0.1:${ours.port}/c/${token}`;
    await load(bareUrl, 2);
    await load(oursUrl, 2);
    // Let the warm-up's events reach PostgreSQL before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const before = Number((await db.query('SELECT count(*) AS n FROM clicks')).rows[0].n);
    // Alternating rounds, so a change in the machine's load hits both servers alike.
    const bareRounds: Load[] = [];
    const ourRounds: Load[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bareRounds.push(await load(bareUrl, SECONDS));
      ourRounds.push(await load(oursUrl, SECONDS));
    }
    const bareFew = await load(bareUrl, SECONDS, FEW);
    const ourFew = await load(oursUrl, SECONDS, FEW);
    await stop(bare.proc);
    await stop(ours.proc);
    const recorded = Number((await db.query('SELECT count(*) AS n FROM clicks')).rows[0].n) - before;
    const baseline = combine(bareRounds);
    const tracked = combine(ourRounds);

    const ratio = tracked.rps / baseline.rps;
    const row = (name: string, l: Load) =>
      `| ${name} | ${Math.round(l.rps)} | ${l.p50} ms | ${l.p99} ms | ${l.requests} | ${l.non3xx + l.errors} |`;
    const lines = [
      `\`GET /c/<token>\` at ${CONNECTIONS} concurrent connections, ${ROUNDS} alternating rounds of ${SECONDS} s per server (autocannon, after a 2 s warm-up), each server in its own process; requests/s is the mean of the rounds, p50 their median, p99 the worst.`,
      '',
      '| server | requests/s | p50 | p99 | requests | errors / non-302 |',
      '|---|---|---|---|---|---|',
      row('bare node:http answering 302 (baseline)', baseline),
      row('churnguard `/c/<token>`: verify HMAC, cached link, buffered click event', tracked),
      row(`bare node:http, ${FEW} connections`, bareFew),
      row(`churnguard \`/c/<token>\`, ${FEW} connections`, ourFew),
      '',
      `Ratio (churnguard / baseline requests/s, saturated): **${ratio.toFixed(2)}** (target ≥ 0.5); p99 at ${CONNECTIONS} connections **${tracked.p99} ms**, at ${FEW} connections **${ourFew.p99} ms** (target < 20 ms). ` +
        `Saturated, 256 connections over ${Math.round(tracked.rps)} requests/s queue ${Math.round((CONNECTIONS / tracked.rps) * 1000)} ms on average (Little's law): a p99 under 20 ms at 256 connections needs over 12 800 requests/s. ` +
        `Click rows written by the batched recorder by the server's shutdown: ${recorded}, for ${tracked.requests + ourFew.requests} redirects autocannon counted (requests in flight when a round ends are answered and recorded but not counted).`,
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load generator and server share the 2 cores.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('clicks', lines.join('\n'));
  } finally {
    await ctx.close();
  }
}
