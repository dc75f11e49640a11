/**
 * Demo step of client health: the weekly risk indicator and the signals scan run through the
 * queue like the scheduler would run them on Monday morning; then the top 10 rows of
 * «Фиксация отклонений» and the signal alerts sent to field support.
 */
import { QueueEvents } from 'bullmq';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { signalTitle } from '../health/alert-email.js';
import { riskScore } from '../jobs/risk-score.js';
import { signalsScan } from '../jobs/signals-scan.js';
import type { PeriodicJob } from '../jobs/types.js';
import { enqueueRun } from '../queue/enqueue.js';
import { redisConnection, waitUntilIdle } from '../queue/queues.js';
import { periodForFire } from '../queue/schedules.js';
import { deviationsReport } from '../reports/deviations.js';
import { formatTable, renderText } from '../reports/render.js';
import type { DemoStep } from './types.js';

/**
 * Run a job for the period a tick would give it now, through the queue, and wait for it.
 * `fresh`: run even when that period already ran (the scans the imports asked for ran on part
 * of the data); first let any scan in flight finish.
 */
async function runQueued(app: App, def: PeriodicJob<unknown>, fresh = false): Promise<{ period: string; result: Record<string, unknown> }> {
  const period = periodForFire(app, def, now());
  const queue = app.queues.get(def.name);
  await waitUntilIdle(queue, 60_000);
  const events = new QueueEvents(def.name, { connection: redisConnection(app.config.env.redisUrl), prefix: app.config.env.queuePrefix });
  try {
    await events.waitUntilReady();
    const { jobId } = await enqueueRun(app, def, period, 'schedule', { force: fresh });
    const job = await queue.getJob(jobId);
    return { period, result: (await job?.waitUntilFinished(events, 120_000)) ?? {} };
  } finally {
    await events.close();
  }
}

const SHOWN_SIGNALS = 10;

interface SentAlert {
  id: number;
  notification_id: number | null;
  client: string;
  kind: string;
  to_email: string;
  state: string;
  reaction_s: number | null;
}

async function alerts(app: App): Promise<SentAlert[]> {
  const { rows } = await app.pool.query<SentAlert>(
    `SELECT s.id, s.notification_id, lpad(c.number::text, 6, '0') || ' - ' || c.name AS client, s.kind, n.to_email, n.state,
            round(extract(epoch FROM s.emailed_at - s.detected_at)::numeric, 1)::float8 AS reaction_s
       FROM signals s JOIN clients c ON c.id = s.client_id LEFT JOIN notifications n ON n.id = s.notification_id
      WHERE NOT s.baseline
      ORDER BY s.id`,
  );
  return rows;
}

export const healthStep: DemoStep = {
  title: 'Client health: the weekly risk indicator (Фиксация отклонений) and worsening signals to field support',
  async run({ app, say, facts }) {
    const risk = await runQueued(app, riskScore);
    const r = risk.result;
    say(
      `  risk-score ${risk.period}: ${r.clients ?? 0} clients scored, zones ${JSON.stringify(r.zones ?? {})}, tasks ${JSON.stringify(r.tasks ?? {})}`,
    );
    const stale = Object.entries((r.stale as Record<string, string> | undefined) ?? {});
    for (const [component, why] of stale) say(`    ${component}: ${why}`);
    const scan = await runQueued(app, signalsScan, true);
    const s = scan.result;
    say(
      `  signals-scan ${scan.period}: ${s.detected ?? 0} detected, ${s.raised ?? 0} new (${s.suppressed ?? 0} already raised by the scans after the imports), ${s.emailed ?? 0} e-mailed`,
    );
    // No flood: what already held when each source was first scanned is the baseline (tasks
    // planned over the next working days, no e-mail); only what became true since is alerted.
    const { rows: base } = await app.pool.query<{ n: number; tasks: number; days: number }>(
      `SELECT count(*)::int AS n, count(t.id)::int AS tasks, count(DISTINCT (t.planned_at AT TIME ZONE $1)::date)::int AS days
         FROM signals s LEFT JOIN tasks t ON t.id = s.task_id WHERE s.baseline`,
      [app.config.ric.timeZone],
    );
    say(
      `  baseline (conditions already true on the first scan of their source): ${base[0]?.n ?? 0} signals, no e-mails; ${base[0]?.tasks ?? 0} tasks planned over ${base[0]?.days ?? 0} working days (admin report signals --baseline)`,
    );
    const report = await deviationsReport.build(app, { week: risk.period, limit: '10' });
    say('');
    for (const line of renderText(report, app.config.ric.timeZone).trimEnd().split('\n')) say(`  ${line}`);
    // The alerts go out through send-email; give them a moment to reach the SMTP sink.
    const deadline = Date.now() + 20_000;
    let sent = await alerts(app);
    while (sent.some((a) => a.state === 'queued' || a.state === 'sending' || a.state === 'retry') && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      sent = await alerts(app);
    }
    say('');
    if (!sent.length) say('  signals alerted: none beyond the baseline (no condition became true since the first scan)');
    else {
      const byKind = new Map<string, number>();
      for (const a of sent) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
      const accepted = sent.filter((a) => a.state === 'sent').length;
      const mails = new Set(sent.map((a) => a.notification_id).filter(Boolean)).size;
      say(
        `  signals alerted to field support (new since the baseline): ${sent.length}, in ${mails} e-mail(s); signals whose e-mail SMTP accepted: ${accepted}`,
      );
      for (const [kind, n] of [...byKind].sort((a, b) => b[1] - a[1])) say(`    ${signalTitle(kind)}: ${n}`);
      say(`  the first ${Math.min(SHOWN_SIGNALS, sent.length)} (all: admin report signals):`);
      const table = formatTable(
        [
          { key: 'id', header: '№', type: 'int' },
          { key: 'client', header: 'Клиент' },
          { key: 'kind', header: 'Сигнал' },
          { key: 'to_email', header: 'Кому' },
          { key: 'state', header: 'Письмо' },
          { key: 'reaction_s', header: 'Реакция, с', type: 'number' },
        ],
        sent.slice(0, SHOWN_SIGNALS).map((a) => ({ ...a, kind: signalTitle(a.kind) })),
      );
      for (const line of table.split('\n')) say(`  ${line}`);
    }
    facts.health = { week: risk.period, clients: r.clients ?? 0, signals: sent.length };
  },
};
