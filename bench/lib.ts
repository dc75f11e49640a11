/**
 * Benchmark helpers: a scratch database and Redis prefix per run, timing, and writing the
 * figures into BENCHMARKS.md (the section headed `## <name>` is replaced).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type App, createApp } from '../src/app.js';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { deleteQueueKeys } from '../src/queue/queues.js';

export interface BenchContext {
  app: App;
  db: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

const PG_BASE = 'postgres://root@127.0.0.1:5432';

/** A fresh migrated database and queue prefix for one benchmark run. */
export async function benchContext(overrides: Record<string, string> = {}): Promise<BenchContext> {
  const db = `cg_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  // Benchmarks are not production: they may use the development key (src/config.ts, RunKind).
  const env = {
    CHURNGUARD_RUN: 'test',
    DATABASE_URL: `${PG_BASE}/${db}`,
    QUEUE_PREFIX: `{cgb-${db.slice(-8)}}`,
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const config = loadConfig({ envOverrides: env });
  const app = createApp(config, { log: createLogger('warn', 2), poolSize: 20 });
  await migrate(app.pool);
  return {
    app,
    db,
    env,
    async close() {
      await deleteQueueKeys(app.queues.redis(), config.env.queuePrefix);
      await app.close();
      const c = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Replace (or append) the `## <name>` section of BENCHMARKS.md. */
export function writeSection(name: string, body: string): void {
  const file = join(PROJECT_ROOT, 'BENCHMARKS.md');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nFigures written by `npm run bench -- <name>`; each compares against a baseline measured in the same run.\n';
  }
  const section = `## ${name}\n\n${body.trim()}\n`;
  const re = new RegExp(`## ${name}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
