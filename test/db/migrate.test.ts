import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, listMigrations, migrate } from '../../src/db/migrate.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createTestDatabase, dbUrl, dropTestDatabase } from '../helpers/db.js';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../src/db/migrations');

describe('migrations', () => {
  let db: string;
  let pools: Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    pools = Array.from({ length: 5 }, () => createPool(dbUrl(db), 2));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await dropTestDatabase(db);
  });

  it('applies every file once when five processes migrate at the same time', async () => {
    const results = await Promise.all(pools.map((p) => migrate(p)));
    const applied = results.flatMap((r) => r.applied);
    const files = listMigrations().map((m) => m.name);
    expect(applied.sort()).toEqual(files.sort());
    const { rows } = await pools[0]!.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(files);
    const tables = await pools[0]!.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('clients', 'job_runs', 'messages', 'tasks')`,
    );
    expect(tables.rows[0].n).toBe(4);
  });

  it('does nothing when run again', async () => {
    const res = await migrate(pools[1]!);
    expect(res.applied).toEqual([]);
    expect(res.alreadyApplied).toBe(listMigrations().length);
  });

  it('refuses a landed migration whose text changed, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-mig-'));
    try {
      cpSync(MIGRATIONS, dir, { recursive: true });
      const first = listMigrations(dir)[0]!;
      writeFileSync(join(dir, `${first.name}.sql`), `${first.sql}\n-- edited\n`);
      writeFileSync(join(dir, '9999_extra.sql'), 'CREATE TABLE should_not_exist (id int);');
      await expect(migrate(pools[2]!, dir)).rejects.toThrow(/0001_init was changed after it was applied/);
      const { rowCount } = await pools[2]!.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'should_not_exist'`);
      expect(rowCount).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates the database named in the URL when it does not exist, once', async () => {
    const name = `cg_t_${Math.floor(Date.now() / 1000)}_ensure`;
    try {
      const created = await Promise.all([ensureDatabase(dbUrl(name)), ensureDatabase(dbUrl(name))]);
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await ensureDatabase(dbUrl(name))).toBe(false);
    } finally {
      await dropTestDatabase(name);
    }
  });
});
