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
const SECRET = 'bench-tracking-secret-0123456789';

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

async function load(url: string, seconds: number): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
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
    await load(`http://127.0.0.1:${bare.port}/c/${token}`, 2);
    const baseline = await load(`http://127.0.0.1:${bare.port}/c/${token}`, SECONDS);
    await stop(bare.proc);

    const ours = await startServer('churnguard', env);
    await load(`http://127.0.0.1:${ours.port}/c/${token}`, 2);
    const before = Number((await db.query('SELECT count(*) AS n FROM clicks')).rows[0].n);
    const tracked = await load(`http://127.0.0.1:${ours.port}/c/${token}`, SECONDS);
    await stop(ours.proc);
    const recorded = Number((await db.query('SELECT count(*) AS n FROM clicks')).rows[0].n) - before;

    const ratio = tracked.rps / baseline.rps;
    const row = (name: string, l: Load) =>
      `| ${name} | ${Math.round(l.rps)} | ${l.p50} ms | ${l.p99} ms | ${l.requests} | ${l.non3xx + l.errors} |`;
    const lines = [
      `\`GET /c/<token>\` at ${CONNECTIONS} concurrent connections for ${SECONDS} s each (autocannon, after a 2 s warm-up), each server in its own process.`,
      '',
      '| server | requests/s | p50 | p99 | requests | errors / non-302 |',
      '|---|---|---|---|---|---|',
      row('bare node:http answering 302 (baseline)', baseline),
      row('churnguard `/c/<token>`: verify HMAC, cached link, buffered click event', tracked),
      '',
      `Ratio (churnguard / baseline requests/s): **${ratio.toFixed(2)}** (target ≥ 0.5); p99 **${tracked.p99} ms** (target < 20 ms). ` +
        `Click rows written by the batched recorder: ${recorded} of ${tracked.requests} requests answered (the rest are the warm-up's, or were still buffered at the bench's cut-off: none may be lost at shutdown).`,
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load generator and server share the 2 cores.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('clicks', lines.join('\n'));
  } finally {
    await ctx.close();
  }
}
