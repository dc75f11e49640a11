/**
 * PostgreSQL access: one pool per process, a transaction helper, and the error codes the
 * code acts on.
 */
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint ids and counts come back as strings by default; ours fit in a double, and
// numeric money/score values are read as numbers (2 decimals, far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// `date` columns stay 'YYYY-MM-DD' strings: a calendar date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  SERIALIZATION_FAILURE: '40001',
  INVALID_CATALOG_NAME: '3D000',
  DUPLICATE_DATABASE: '42P04',
} as const;

export function createPool(connectionString: string, max = 10): Pool {
  // No JIT: the service's statements are short, and a cost estimate above jit_above_cost (a
  // LATERAL over every contact) made PostgreSQL spend 80 ms compiling a 30 ms statement.
  const pool = new pg.Pool({ connectionString, max, application_name: 'churnguard', options: '-c jit=off' });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => {});
  // Nor one checked out by `pool.connect()` (pg-pool takes its listener away meanwhile): its
  // running query fails anyway, and the pool drops it on release as no longer queryable.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * A client of the pool for `fn`, given back after it. pg-pool removes its error listener from a
 * checked-out client, so a connection cut while we hold one (PostgreSQL restarted) would be an
 * unhandled 'error' that ends the process; here it is listened to — the running query fails
 * anyway — and the broken client is destroyed instead of going back to the pool.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server going away: admin/crash shutdown, cannot connect now (starting up), too many connections. */
const GONE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const GONE_MESSAGES =
  /Connection terminated|connection error and is not queryable|not queryable|timeout exceeded when trying to connect|Connection ended|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;

/**
 * Whether an error means PostgreSQL did not answer (down, restarting, the connection cut) rather
 * than that it refused what was asked: what is worth waiting for and trying again unchanged.
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || GONE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && GONE_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return e.cause !== undefined && isConnectionError(e.cause, depth + 1);
}

export function isPgError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === code;
}
