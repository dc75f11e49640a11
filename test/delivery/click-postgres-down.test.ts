import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/log.js';
import { clickToken } from '../../src/mail/tracking.js';
import { counter } from '../../src/metrics.js';
import { serve } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { addLink, addMailing, addMessage, addRecipient } from './mailing.js';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.js';

const events = counter('churnguard_click_events_total', '');
const flushFailures = counter('churnguard_click_flush_failures_total', '');
let pgServer: PrivatePostgres;
let app: App;
let server: FastifyInstance;
let base: string;
let varDir: string;
const SECRET = 'pg-down-test-secret-0123456789';

beforeAll(async () => {
  pgServer = await startPrivatePostgres();
  await pgServer.createDatabase('clicks');
  varDir = mkdtempSync(join(tmpdir(), 'cg-test-'));
  const config = loadConfig({
    env: {
      ...process.env,
      DATABASE_URL: pgServer.url('clicks'),
      TRACKING_SECRET: SECRET,
      VAR_DIR: varDir,
      LOG_LEVEL: 'silent',
      CONFIG_FILE: '',
    },
    overrides: { clicks: { lookupTimeoutMs: 500, retryMaxMs: 500, flushIntervalMs: 100, bufferSize: 40 } },
  });
  app = createApp(config, { log: createLogger('silent') });
  await migrate(app.pool);
  ({ server, base } = await serve(app));
}, 180_000);
afterAll(async () => {
  await server?.close().catch(() => {});
  await app?.close().catch(() => {});
  pgServer?.destroy();
  if (varDir) rmSync(varDir, { recursive: true, force: true });
});

async function clicks(): Promise<number> {
  const { rows } = await app.pool.query('SELECT count(*)::int AS n FROM clicks');
  return rows[0].n;
}

describe('clicks while PostgreSQL is stopped', () => {
  it('keeps redirecting known links, buffers the events (counting what overflows), and writes them once PostgreSQL is back', async () => {
    const r = await addRecipient(app.pool);
    const mailingId = await addMailing(app.pool);
    const known = await addLink(app.pool, mailingId, { url: 'https://www.consultant.ru/known', position: 1 });
    const unseen = await addLink(app.pool, mailingId, { url: 'https://www.consultant.ru/unseen', position: 2 });
    const m = await addMessage(app.pool, { mailingId, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
    const first = await fetch(`${base}/c/${clickToken(SECRET, m, known)}`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    await waitFor('the first click written', async () => (await clicks()) === 1);

    pgServer.stop();
    await expect(app.pool.query('SELECT 1')).rejects.toThrow();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${base}/c/${clickToken(SECRET, m, known)}`, { redirect: 'manual' }).then((res) => res.status),
      ),
    );
    expect(statuses.every((s) => s === 302)).toBe(true);
    // A link never seen before cannot be looked up now: "try again in a minute", nothing recorded.
    const unknown = await fetch(`${base}/c/${clickToken(SECRET, m, unseen)}`, { redirect: 'manual' });
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('30');
    expect(await unknown.text()).toMatch(/Сервис временно недоступен/);
    // Flush attempts fail while the database is down.
    const failuresBefore = flushFailures.get();
    await waitFor('a flush attempt to fail', () => flushFailures.get() > failuresBefore);
    // The buffer holds 40; the other 10 redirects were answered all the same, their events counted as overflow.
    expect(events.get({ outcome: 'overflow' })).toBe(10);

    pgServer.start();
    await waitFor('the 40 buffered clicks written after the restart', async () => (await clicks()) === 41, 30_000, 200);
    const { rows } = await app.pool.query('SELECT count(*)::int AS n FROM clicks WHERE link_id = $1', [unseen]);
    expect(rows[0].n).toBe(0);
    // And the unseen link works again.
    const later = await fetch(`${base}/c/${clickToken(SECRET, m, unseen)}`, { redirect: 'manual' });
    expect(later.status).toBe(302);
    await waitFor('the click on the formerly unseen link', async () => (await clicks()) === 42);
  });
});
