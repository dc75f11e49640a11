import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { lastRuns } from '../../db/job-runs.js';
import { messageFailureReasons, messageStateCounts } from '../../db/messages.js';
import { lastOutage } from '../../db/outages.js';
import { ruDateTime } from '../../domain/formats.js';
import { count } from '../../domain/ru.js';
import { JOBS } from '../../jobs/index.js';
import { nextRun, scheduledJobs } from '../../queue/schedules.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit } from '../command.js';
import { collectMailboxStatus, formatMailboxStatus } from '../mailbox-status.js';
import { outageNote } from './runs.js';

export async function collectStatus(app: App) {
  const tz = app.config.ric.timeZone;
  const queues = [];
  for (const def of JOBS) {
    const c = await app.queues.get(def.name).getJobCounts('waiting', 'active', 'delayed', 'failed');
    queues.push({ queue: def.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 });
  }
  const at = now();
  const schedules = scheduledJobs(app).map((s) => {
    const next = nextRun(app, s, at);
    return { job: s.def.name, cron: s.expr, next: next?.toISOString() ?? null, nextLocal: next ? ruDateTime(next, tz) : null };
  });
  const runs = await lastRuns(app.pool);
  const { rows: outbox } = await app.pool.query<{ state: string; count: number }>(
    `SELECT state, count(*)::int AS count FROM notifications GROUP BY state ORDER BY state`,
  );
  return {
    ric: app.config.ric.code,
    timeZone: tz,
    now: at.toISOString(),
    queues,
    schedules,
    lastRuns: runs.map((r) => ({
      job: r.job,
      period: r.period,
      state: r.state,
      trigger: r.trigger,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
      interruptedAt: r.interrupted_at,
      interruptions: r.interruptions,
      retriedAt: r.retried_at,
      outage: outageNote(r, tz),
    })),
    lastOutage: await lastOutage(app.pool),
    notifications: Object.fromEntries(outbox.map((r) => [r.state, r.count])),
    messages: await messageStateCounts(app.pool),
    messageFailures: await messageFailureReasons(app.pool),
    mailbox: await collectMailboxStatus(app),
  };
}

export type Status = Awaited<ReturnType<typeof collectStatus>>;

export function formatStatus(s: Status): string {
  const out = [`${s.ric}, ${s.timeZone}, ${ruDateTime(s.now, s.timeZone)}`, '', 'Queues'];
  out.push(
    formatTable(
      [
        { key: 'queue', header: 'queue' },
        { key: 'waiting', header: 'waiting', type: 'int' },
        { key: 'active', header: 'active', type: 'int' },
        { key: 'delayed', header: 'delayed', type: 'int' },
        { key: 'failed', header: 'failed', type: 'int' },
      ],
      s.queues,
    ),
    '',
    `Schedules (next run, ${s.timeZone})`,
    formatTable(
      [
        { key: 'job', header: 'job' },
        { key: 'cron', header: 'cron' },
        { key: 'nextLocal', header: 'next run' },
      ],
      s.schedules,
    ),
    '',
    'Last runs',
    s.lastRuns.length
      ? formatTable(
          [
            { key: 'job', header: 'job' },
            { key: 'period', header: 'period' },
            { key: 'state', header: 'state' },
            { key: 'trigger', header: 'trigger' },
            { key: 'finishedAt', header: 'finished', type: 'datetime' },
            { key: 'error', header: 'error' },
            { key: 'outage', header: 'сбой PostgreSQL' },
          ],
          s.lastRuns,
          s.timeZone,
        )
      : '(no runs yet)',
  );
  out.push('', formatLastOutage(s.lastOutage, s.timeZone));
  const n = Object.entries(s.notifications);
  out.push('', `Notifications outbox: ${n.length ? n.map(([k, v]) => `${k} ${v}`).join(', ') : 'empty'}`);
  if (s.notifications.unknown)
    out.push(`  ${s.notifications.unknown} e-mail(s) in state "unknown": check them, then "retry send-email --unknown"`);
  const m = Object.entries(s.messages);
  out.push(`Mailing messages: ${m.length ? m.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
  if (s.messages.unknown)
    out.push(`  ${s.messages.unknown} message(s) in state "unknown" (cut off mid-send): check them, then "retry lpr-monthly --unknown"`);
  for (const f of s.messageFailures) out.push(`  failed ${f.count}: ${f.reason}`);
  out.push(formatMailboxStatus(s.mailbox, s.timeZone));
  return `${out.join('\n')}\n`;
}

/** The last PostgreSQL outage the workers paused for, in the desk's words. */
export function formatLastOutage(o: Status['lastOutage'], tz: string): string {
  if (!o) return 'Сбоев PostgreSQL не было';
  const seconds = Math.max(1, Math.round(o.seconds));
  const parts = [
    `Последний сбой PostgreSQL: ${ruDateTime(o.started_at, tz)} — ${ruDateTime(o.ended_at, tz)} (${count(seconds, ['секунда', 'секунды', 'секунд'])})`,
    `  удержано ответов почтового сервера до записи: ${o.held_outcomes}; прервано прогонов: ${o.interrupted_runs}, перезапущено: ${o.retried_runs}`,
  ];
  return parts.join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'queues, next scheduled runs, last run of each job, outbox',
  usage: 'status [--json]',
  async run(ctx) {
    const s = await collectStatus(ctx.app());
    emit(ctx, s, () => formatStatus(s));
    return 0;
  },
};
