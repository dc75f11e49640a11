/**
 * The application context every role, job, command and route receives: configuration,
 * logger, PostgreSQL pool, queues and the mailer, created once per process.
 */
import type { AppConfig } from './config.js';
import { createPool, type Pool } from './db/pool.js';
import { Calendar } from './domain/calendar.js';
import { createLogger, type Logger } from './log.js';
import { createMailer, type Mailer } from './mail/transport.js';
import { Queues } from './queue/queues.js';

export interface App {
  config: AppConfig;
  log: Logger;
  pool: Pool;
  calendar: Calendar;
  queues: Queues;
  /** Created on first use: the embedded sink starts only in processes that send. */
  mailer(): Promise<Mailer>;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  log?: Logger;
  poolSize?: number;
}

export function createApp(config: AppConfig, opts: CreateAppOptions = {}): App {
  const log = opts.log ?? createLogger(config.env.logLevel);
  const pool = createPool(config.env.databaseUrl, opts.poolSize ?? 10);
  const queues = new Queues(config);
  let mailer: Promise<Mailer> | null = null;
  return {
    config,
    log,
    pool,
    calendar: new Calendar(config.calendar),
    queues,
    mailer() {
      mailer ??= createMailer(config, log);
      return mailer;
    },
    async close() {
      await queues.close();
      if (mailer) await (await mailer).close();
      await pool.end();
    },
  };
}
