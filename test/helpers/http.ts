/** The service's HTTP server (every route) on a free loopback port, for one test file. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';

export async function serve(app: App): Promise<{ server: FastifyInstance; base: string }> {
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('the server has no TCP address');
  return { server, base: `http://127.0.0.1:${addr.port}` };
}
