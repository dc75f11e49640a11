/**
 * `npm start`: runs the roles in ROLES (scheduler, worker, http; all by default) in one
 * process. SIGTERM/SIGINT: stop ticking and taking jobs, let active jobs finish within
 * `shutdown.graceMs`, close the server and connections, exit 0.
 */
import { createApp } from './app.js';
import { setClock } from './clock.js';
import { type AppConfig, ConfigError, loadConfig } from './config.js';
import { ensureDatabase, migrate } from './db/migrate.js';
import { createLogger } from './log.js';
import { validateSchedules } from './queue/schedules.js';
import { startService, stopOnSignals } from './service.js';

function configOrExit(): AppConfig {
  try {
    const config = loadConfig();
    validateSchedules(config);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`churnguard: ${err.message}\n`);
    process.exit(2);
  }
}

const config = configOrExit();
if (config.env.now) setClock(config.env.now);
const log = createLogger(config.env.logLevel);
await ensureDatabase(config.env.databaseUrl);
const app = createApp(config, { log });
const migrated = await migrate(app.pool);
if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrations applied');
stopOnSignals(await startService(app));
