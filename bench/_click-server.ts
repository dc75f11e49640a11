/**
 * A server for `bench/clicks.ts`, in its own process so the load generator does not share its
 * event loop: `bare` is a plain node:http server answering 302; `churnguard` is the service's
 * HTTP server (click route with link cache and batched click recording) on DATABASE_URL.
 * Prints `PORT <n>` when listening; SIGTERM closes it (flushing the click buffer).
 */
import { createServer } from 'node:http';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';

const mode = process.argv[2];
if (mode === 'bare') {
  const server = createServer((_req, res) => {
    res.writeHead(302, { location: 'https://www.consultant.ru/document/cons_doc_LAW_34683/', 'cache-control': 'no-store' });
    res.end();
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  const config = loadConfig({ envOverrides: { CHURNGUARD_RUN: 'test' } });
  const app = createApp(config, { log: createLogger('warn') });
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`PORT ${(server.server.address() as { port: number }).port}\n`);
  process.once('SIGTERM', async () => {
    await server.close();
    await app.close();
    process.exit(0);
  });
}
