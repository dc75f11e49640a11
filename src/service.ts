/** The roles of one process, started and stopped together. */
import type { FastifyInstance } from 'fastify';
import type { App } from './app.js';
import { startServer } from './http/server.js';
import { InboxWatcher } from './imports/inbox-watch.js';
import { requestInboxImport } from './jobs/import-inbox.js';
import { JOBS } from './jobs/index.js';
import type { AnyJob } from './jobs/types.js';
import { warnDkimAlignment } from './mail/dns-records.js';
import { warnPlaintext } from './mail/tls.js';
import { Scheduler } from './queue/scheduler.js';
import { JobWorkers } from './queue/worker.js';

export interface Service {
  app: App;
  server: FastifyInstance | null;
  scheduler: Scheduler | null;
  stop(): Promise<void>;
}

export async function startService(app: App, jobs: readonly AnyJob[] = JOBS): Promise<Service> {
  const { roles } = app.config.env;
  warnPlaintext(app.config, app.log);
  warnDkimAlignment(app.config, app.log);
  const scheduler = roles.includes('scheduler') ? new Scheduler(app, jobs) : null;
  const workers = roles.includes('worker') ? new JobWorkers(app, jobs) : null;
  workers?.start();
  await scheduler?.start();
  // The inbox by file-system events, beside the schedule's fallback scan.
  const inboxWatch =
    scheduler && app.config.imports.inboxWatchDebounceMs > 0 && jobs.some((j) => j.name === 'import-inbox')
      ? new InboxWatcher(app, () => requestInboxImport(app))
      : null;
  await inboxWatch?.start();
  const server = roles.includes('http') ? await startServer(app) : null;
  app.log.info({ roles, port: server ? app.config.env.port : undefined }, 'churnguard started');
  let stopping: Promise<void> | null = null;
  return {
    app,
    server,
    scheduler,
    stop() {
      stopping ??= (async () => {
        app.log.info('stopping: no new jobs; waiting for active ones');
        inboxWatch?.stop();
        await scheduler?.stop();
        await workers?.close(app.config.shutdown.graceMs);
        await server?.close();
        await app.close();
        app.log.info('stopped');
      })();
      return stopping;
    },
  };
}

/** SIGTERM / SIGINT: a graceful stop, then exit 0 (1 if the stop itself failed). */
export function stopOnSignals(service: Service): void {
  const onSignal = (signal: string) => {
    service.app.log.info({ signal }, 'signal received');
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.app.log.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
