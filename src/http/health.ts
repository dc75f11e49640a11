/**
 * `GET /healthz`: 200 when PostgreSQL and Redis answer, 503 naming the one that does not —
 * `ok` or `down` only: the reason (hosts, users, driver messages) goes to the log, not to
 * whoever asks.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type DependencyState = 'ok' | 'down';

export async function checkHealth(app: App): Promise<{ ok: boolean; postgres: DependencyState; redis: DependencyState }> {
  const [pg, redis] = await Promise.allSettled([within(2000, app.pool.query('SELECT 1')), within(2000, app.queues.redis().ping())]);
  const state = (name: string, r: PromiseSettledResult<unknown>): DependencyState => {
    if (r.status === 'fulfilled') return 'ok';
    app.log.warn({ dependency: name, err: r.reason }, 'health check: dependency down');
    return 'down';
  };
  const postgres = state('postgres', pg);
  const r = state('redis', redis);
  return { ok: postgres === 'ok' && r === 'ok', postgres, redis: r };
}

export async function healthRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/healthz', async (_req, reply) => {
    const h = await checkHealth(app);
    return reply.code(h.ok ? 200 : 503).send(h);
  });
}
