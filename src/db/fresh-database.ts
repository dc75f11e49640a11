/** Drop and create a database the caller owns outright (the demo's, the simulation's; never DATABASE_URL's). */
import pg from 'pg';

/**
 * `disposable`: a database thrown away after the run (the simulation's) commits without waiting
 * for its WAL to reach the disk (`synchronous_commit = off`). What a transaction sees and when
 * is unchanged; only a crash of the server could lose the last moments' commits, and a crashed
 * simulation is run again from the start anyway.
 */
export async function freshDatabase(url: string, opts: { disposable?: boolean } = {}): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    if (opts.disposable) await c.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} SET synchronous_commit = off`);
  } finally {
    await c.end();
  }
}
