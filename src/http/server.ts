/**
 * The `http` role: a Fastify server with health, metrics and the queue board; later
 * capabilities register their routes here (click redirect, unsubscribe, task API, diary).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { ackRoutes } from './ack.js';
import { boardRoutes } from './board.js';
import { clickRoutes } from './click.js';
import { diaryRoutes } from './diary/routes.js';
import { findingsApiRoutes } from './findings-api.js';
import { healthRoutes } from './health.js';
import { badRequestText } from './input-text.js';
import { metricsRoutes } from './metrics.js';
import { clientErrorHandler, securityHeaders } from './security-headers.js';
import { tasksApiRoutes } from './tasks-api.js';
import { unsubscribeRoutes } from './unsubscribe.js';

/** Each server's routes as registered (method and URL pattern): the language check walks every page. */
const ROUTES = new WeakMap<FastifyInstance, { methods: string[]; url: string }[]>();

export function registeredRoutes(server: FastifyInstance): readonly { methods: string[]; url: string }[] {
  return ROUTES.get(server) ?? [];
}

export async function buildServer(app: App): Promise<FastifyInstance> {
  // Tracked links are the one hot path: answered before Fastify's routing when they can be.
  let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const server = Fastify({
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (fastPath?.(req, res)) return;
        handler(req, res);
      }),
    logger: false,
    trustProxy: app.config.env.trustProxy,
    bodyLimit: 1024 * 1024,
    // Long-lived keep-alive from a proxy must not keep a stopping process alive.
    forceCloseConnections: 'idle',
    clientErrorHandler,
  });
  // Before any route: every response (pages, JSON, errors, 404s) carries the security headers.
  securityHeaders(server);
  const routes: { methods: string[]; url: string }[] = [];
  ROUTES.set(server, routes);
  server.addHook('onRoute', (r) => {
    routes.push({ methods: [r.method].flat().map(String), url: r.url ?? r.path });
  });
  server.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    // The route's pattern (`/diary/login`), never the URL: a query string may carry a token.
    if (status >= 500) app.log.error({ err, method: req.method, route: req.routeOptions.url ?? '(no route)' }, 'request failed');
    reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  // The task API: text with NUL, control characters or lone surrogates is refused, naming the field.
  server.addHook('preValidation', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const bad = badRequestText(req);
    if (bad) return reply.code(400).send({ error: `${bad.field}: ${bad.problem}` });
  });
  await healthRoutes(server, app);
  await metricsRoutes(server, app);
  await boardRoutes(server, app);
  await tasksApiRoutes(server, app);
  await findingsApiRoutes(server, app);
  fastPath = (await clickRoutes(server, app)).fastPath;
  await unsubscribeRoutes(server, app);
  await ackRoutes(server, app);
  await diaryRoutes(server, app);
  return server;
}

/** Listens on HOST (default 127.0.0.1: put a proxy in front, or set HOST=0.0.0.0 in a container). */
export async function startServer(app: App, port = app.config.env.port, host = app.config.env.host): Promise<FastifyInstance> {
  const server = await buildServer(app);
  await server.listen({ port, host });
  return server;
}
