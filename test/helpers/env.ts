/**
 * A test file's own world: a database cloned from the migrated template, a Redis key prefix
 * of its own, a var/ directory, the configuration and the App built from them, and the
 * environment to hand to child processes so they see the same world.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type App, createApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { deleteQueueKeys } from '../../src/queue/queues.js';
import { createTestDatabase, dbUrl, dropTestDatabase } from './db.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Test defaults: fast retries. Locks, stall detection and run leases keep the service's
 * defaults (config/default.json): tight ones make a busy machine re-deliver jobs that are
 * merely slow, and tests that count attempts then see two.
 */
export const TEST_OVERRIDES = {
  queues: { backoffMs: 200 },
  shutdown: { graceMs: 15000 },
};

/**
 * For the tests about stalls only (a worker killed mid-job): its jobs come back after
 * `stalledIntervalMs` and its run's lease ends after `leaseMs`, in seconds instead of minutes.
 */
export const STALL_OVERRIDES = {
  queues: { lockDurationMs: 3000, stalledIntervalMs: 1000 },
  runs: { leaseMs: 5000, heartbeatMs: 500 },
};

export interface TestEnv {
  db: string;
  prefix: string;
  varDir: string;
  /** Environment for child processes (worker, admin script) of this test file. */
  env: Record<string, string>;
  config: AppConfig;
  app: App;
  /** Another App on the same world (a second scheduler, a second process's view). */
  newApp(): App;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  /** Configuration merged over config/default.json and the test defaults. */
  overrides?: Record<string, unknown>;
  /** Extra environment variables. */
  env?: Record<string, string>;
  emptyDatabase?: boolean;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v)
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export async function createTestEnv(opts: TestEnvOptions = {}): Promise<TestEnv> {
  const db = await createTestDatabase({ empty: opts.emptyDatabase });
  const id = randomBytes(4).toString('hex');
  const prefix = `{cgt-${id}}`;
  const varDir = mkdtempSync(join(tmpdir(), 'cg-test-'));
  const overrides = merge(TEST_OVERRIDES, opts.overrides ?? {});
  const configFile = join(varDir, 'config.test.json');
  writeFileSync(configFile, JSON.stringify(overrides));
  const env: Record<string, string> = {
    // Not production: the tests may run without SMTP_URL and with a development key.
    CHURNGUARD_RUN: 'test',
    DATABASE_URL: dbUrl(db),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    VAR_DIR: varDir,
    CONFIG_FILE: configFile,
    LOG_LEVEL: 'warn',
    TRACKING_SECRET: 'test-tracking-secret-0123456789',
    ADMIN_TOKEN,
    PUBLIC_BASE_URL: 'http://127.0.0.1:3999',
    ...opts.env,
  };
  const config = loadConfig({ env });
  const apps: App[] = [];
  const newApp = () => {
    // TEST_LOG_LEVEL=debug shows the app's log on stderr when a test needs looking into.
    const a = createApp(config, { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 2) });
    apps.push(a);
    return a;
  };
  const app = newApp();
  return {
    db,
    prefix,
    varDir,
    env,
    config,
    app,
    newApp,
    async close() {
      await Promise.all(apps.map((a) => a.close().catch(() => {})));
      await deleteRedisPrefix(prefix);
      await dropTestDatabase(db);
      rmSync(varDir, { recursive: true, force: true });
    },
  };
}

/** Remove every key of a test's prefix (what `obliterate` does, for all its queues). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL);
  try {
    await deleteQueueKeys(r, prefix);
  } finally {
    r.disconnect();
  }
}
