/**
 * The queue dashboard (Bull Board) at `/admin/queues`, behind the admin token; read-only
 * (Bull Board's readOnlyMode: no retry, promote, clean, pause, obliterate, add or edit) unless
 * BOARD_WRITE=true.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { JOBS } from '../jobs/index.js';
import { adminGuard } from './auth.js';

export const BOARD_PATH = '/admin/queues';

export async function boardRoutes(server: FastifyInstance, app: App): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: JOBS.map((j) => new BullMQAdapter(app.queues.get(j.name), { readOnlyMode: !app.config.env.boardWrite })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'churnguard' } },
  });
  await server.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(app.config.env.adminToken, { basicRealm: 'churnguard' }));
    await scope.register(adapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}
