/**
 * Append-only numbered SQL migrations (`migrations/NNNN_name.sql`), each applied in its own
 * transaction under a transaction-level advisory lock, with a ledger row in `migrations`.
 * Safe to run twice and from several processes at once: the lock serialises them and the
 * ledger makes every file apply exactly once. A landed file whose text changed is an error.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isPgError, PG, type Pool } from './pool.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant unique to this application; two processes migrating take turns on it.
const LOCK_KEY = 7_303_241_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        id: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** A hash of all migration files: names the test template database. */
export function migrationsFingerprint(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(`${m.name}:${m.checksum};`);
  return h.digest('hex').slice(0, 12);
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = listMigrations(dir);
  const client = await pool.connect();
  try {
    const applied: string[] = [];
    let already = 0;
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>('SELECT id, name, checksum FROM migrations');
    const done = new Map(rows.map((r) => [r.id, r]));
    for (const m of migrations) {
      const prev = done.get(m.id);
      if (prev) {
        if (prev.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead of editing a landed one`,
          );
        }
        already++;
        continue;
      }
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query('INSERT INTO migrations (id, name, checksum) VALUES ($1, $2, $3)', [m.id, m.name, m.checksum]);
      applied.push(m.name);
    }
    await client.query('COMMIT');
    return { applied, alreadyApplied: already };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Create the database named in `url` when it does not exist (connects to `postgres`). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      return true;
    } catch (err) {
      // Created meanwhile by another process: either error code, depending on timing.
      if (isPgError(err, PG.DUPLICATE_DATABASE) || isPgError(err, PG.UNIQUE_VIOLATION)) return false;
      throw err;
    }
  } finally {
    await client.end();
  }
}
