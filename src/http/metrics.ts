/**
 * `GET /metrics`, Prometheus text: runs completed / failed per job and their durations (from
 * PostgreSQL, so every process reports the same), queue depths (from Redis), outbox states,
 * and this process's own counters.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { runTotals } from '../db/job-runs.js';
import { messageStateCounts } from '../db/messages.js';
import { JOBS } from '../jobs/index.js';
import { formatFamily, renderProcessMetrics } from '../metrics.js';
import { metricsGuard } from './auth.js';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export async function renderMetrics(app: App): Promise<string> {
  const parts: string[] = [];
  // While PostgreSQL is away the page still answers with what does not need it (queue depths,
  // this process's counters: held outcomes, paused time), so an outage can be watched.
  try {
    parts.push(...(await databaseFamilies(app)));
  } catch (err) {
    app.log.warn({ err }, 'metrics: PostgreSQL figures left out');
  }
  const depths: { labels: Record<string, string>; value: number }[] = [];
  for (const def of JOBS) {
    const counts = await app.queues.get(def.name).getJobCounts(...QUEUE_STATES);
    for (const s of QUEUE_STATES) depths.push({ labels: { queue: def.name, state: s }, value: counts[s] ?? 0 });
  }
  parts.push(formatFamily('churnguard_queue_jobs', 'Jobs in each queue by state.', 'gauge', depths));
  const own = renderProcessMetrics();
  if (own) parts.push(own);
  return `${parts.join('\n')}\n`;
}

async function databaseFamilies(app: App): Promise<string[]> {
  const parts: string[] = [];
  const totals = await runTotals(app.pool);
  parts.push(
    formatFamily(
      'churnguard_job_runs_total',
      'Runs of periodic jobs by final state.',
      'counter',
      totals.map((t) => ({ labels: { job: t.job, state: t.state }, value: t.count })),
    ),
  );
  const finished = totals.filter((t) => t.state !== 'running');
  parts.push(
    formatFamily('churnguard_job_run_duration_seconds', 'Duration of finished runs.', 'summary', [
      ...finished.map((t) => ({ labels: { job: t.job, state: t.state }, value: t.duration_sum, suffix: '_sum' })),
      ...finished.map((t) => ({ labels: { job: t.job, state: t.state }, value: t.count, suffix: '_count' })),
    ]),
  );
  const { rows } = await app.pool.query<{ state: string; count: number }>(
    `SELECT state, count(*)::int AS count FROM notifications GROUP BY state`,
  );
  parts.push(
    formatFamily(
      'churnguard_notifications',
      'Internal e-mails in the outbox by state.',
      'gauge',
      rows.map((r) => ({ labels: { state: r.state }, value: r.count })),
    ),
  );
  const messages = await messageStateCounts(app.pool);
  parts.push(
    formatFamily(
      'churnguard_mailing_messages',
      'Mailing messages by state (unknown: cut off mid-send, re-sent only on request).',
      'gauge',
      Object.entries(messages).map(([state, value]) => ({ labels: { state }, value })),
    ),
  );
  return parts;
}

export async function metricsRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/metrics', { onRequest: metricsGuard(app.config.env.metricsToken) }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return renderMetrics(app);
  });
}
