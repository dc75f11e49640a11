/**
 * Databases for tests: a template migrated once per set of migration files
 * (`cg_tpl_<fingerprint>`), and per test file a database cloned from it — fast, isolated
 * (graphile-worker's helpers pattern).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, migrationsFingerprint } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';

export const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432';

export function dbUrl(name: string): string {
  return `${PG_BASE}/${name}`;
}

export function templateName(): string {
  return `cg_tpl_${migrationsFingerprint()}`;
}

async function adminClient(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: dbUrl('postgres') });
  await c.connect();
  return c;
}

/** Create the migrated template unless it exists; safe from concurrent test runs. */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  const c = await adminClient();
  try {
    await c.query('SELECT pg_advisory_lock(7303241002)');
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const tmp = `${name}_build`;
      await c.query(`DROP DATABASE IF EXISTS ${tmp} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${tmp}`);
      const pool = createPool(dbUrl(tmp), 2);
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
      await c.query(`ALTER DATABASE ${tmp} RENAME TO ${name}`);
    }
    // Leftovers of crashed runs: test databases are named cg_t_<unix seconds>_…
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'cg\\_t\\_%'`);
    const cutoff = Date.now() / 1000 - 6 * 3600;
    for (const r of rows) {
      const ts = Number(r.datname.split('_')[2]);
      if (ts && ts < cutoff) await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(r.datname)} WITH (FORCE)`).catch(() => {});
    }
    return name;
  } finally {
    await c.query('SELECT pg_advisory_unlock(7303241002)').catch(() => {});
    await c.end();
  }
}

/** A fresh database cloned from the template; `empty` gives one with no schema at all. */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<string> {
  const name = `cg_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const c = await adminClient();
  try {
    await c.query(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
  } finally {
    await c.end();
  }
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  const c = await adminClient();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
