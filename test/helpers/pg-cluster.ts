/**
 * A private PostgreSQL cluster for the outage tests (issue 25): `initdb` into a temporary folder,
 * its own port on 127.0.0.1, trust for the role `root`, so a test may stop it in immediate mode
 * (a crash, as far as clients can tell) and start it again without touching the shared server.
 *
 * The server binaries are found without guessing a version: `PG_BIN_DIR`, then `pg_config
 * --bindir`, then `initdb` on PATH, then the newest `/usr/lib/postgresql/<version>/bin`. initdb
 * and postgres refuse to run as root: under root (CI) they run as the `postgres` user, which the
 * Debian package creates. Nothing here skips: a machine without the binaries fails the test,
 * naming what to install (`.ci/run` installs them).
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { freePort } from '../../src/net.js';

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const hasServer = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((b) => isExecutable(join(dir, b)));

/** The directory holding initdb, pg_ctl and postgres. */
export function findPgBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on PATH: look further
  }
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d && isExecutable(join(d, 'initdb'))) candidates.push(d);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(root, v, 'bin'));
  }
  const found = candidates.find(hasServer);
  if (!found)
    throw new Error(
      `the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found (looked in: ${candidates.join(', ') || 'nothing'}); ` +
        `install them (Debian: apt-get install -y postgresql, as .ci/run does) or set PG_BIN_DIR`,
    );
  return found;
}

/** The user the server runs as: ourselves, or `postgres` when we are root. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, and there is no "postgres" user to run initdb and postgres as (initdb refuses root)');
  }
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | null, cwd: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ?? {}),
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${bin} ${args.join(' ')} ended with ${code ?? signal}:\n${out.slice(-3000)}`));
    });
  });
}

export interface PrivateCluster {
  port: number;
  /** `postgres://root@127.0.0.1:<port>/<db>` */
  url(db: string): string;
  /** Stop the server: `immediate` is a crash as the clients see it (no checkpoint, connections cut). */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** A fresh database cloned from the cluster's migrated template. */
  createDatabase(): Promise<string>;
  /** The server's log so far (for a failure's message). */
  log(): string;
  destroy(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = findPgBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'cg-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'root', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], user, dir);
  // Durable commits as in production (fsync on): what a crash keeps is what was committed.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const ctl = (args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, ...args], user, dir);
  const start = () => ctl(['-l', logFile, '-o', opts, '-w', '-t', '60', 'start']).then(() => undefined);
  await start();
  const url = (db: string) => `postgres://root@127.0.0.1:${port}/${db}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url('postgres') });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  // One migrated template per cluster; each test clones it.
  await admin((c) => c.query('CREATE DATABASE cg_template'));
  const pool = createPool(url('cg_template'), 2);
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  let n = 0;
  return {
    port,
    url,
    stop: (mode = 'immediate') => ctl(['-m', mode, '-w', 'stop']).then(() => undefined),
    start,
    async createDatabase() {
      const name = `cg_private_${++n}`;
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE cg_template`));
      return name;
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async destroy() {
      await ctl(['-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
