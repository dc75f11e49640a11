import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { lastCrmExport } from '../../db/crm-exports.js';
import { lastRuns } from '../../db/job-runs.js';
import { messageFailureReasons, messageStateCounts } from '../../db/messages.js';
import { lastOutage } from '../../db/outages.js';
import { ruDateTime } from '../../domain/formats.js';
import { jobName, runStateName, triggerName } from '../../domain/job-names.js';
import { periodName } from '../../domain/periods.js';
import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
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
    crmExport: await collectCrmExport(app),
  };
}

/** The last day the daily `crm-export` wrote: its date, files and rows (null: never). */
async function collectCrmExport(app: App) {
  const files = await lastCrmExport(app.pool);
  const first = files[0];
  if (!first) return null;
  return {
    date: first.day,
    writtenAt: new Date(Math.max(...files.map((f) => f.written_at.getTime()))).toISOString(),
    files: files.map((f) => ({ kind: f.kind, file: f.file, rows: f.rows })),
    rows: files.reduce((n, f) => n + f.rows, 0),
  };
}

const CRM_EXPORT_KINDS: Readonly<Record<string, string>> = { 'contact-events': 'работы', tasks: 'задачи' };

/** «Выгрузка для КИС: за 03.06.2024 (записана 04.06.2024 06:00) — работы 12 строк, задачи 30 строк; папка …». */
export function formatCrmExport(e: Status['crmExport'], tz: string): string {
  if (!e) return 'Выгрузка для КИС: ещё не было';
  const parts = e.files.map((f) => `${CRM_EXPORT_KINDS[f.kind] ?? f.kind} ${count(f.rows, ROWS)} (${f.file})`);
  return `Выгрузка для КИС: за ${dmy(e.date)} (записана ${ruDateTime(e.writtenAt, tz)}) — ${parts.join(', ')}`;
}

export type Status = Awaited<ReturnType<typeof collectStatus>>;

const NOTIFICATION_STATES: Readonly<Record<string, string>> = {
  queued: 'в очереди',
  sending: 'отправляется',
  retry: 'повтор',
  sent: 'отправлено',
  failed: 'ошибка',
  unknown: 'судьба неизвестна',
  bounced: 'не доставлено',
  cancelled: 'отменено',
};
const stateCounts = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${NOTIFICATION_STATES[k] ?? k} ${v}`)
    .join(', ');
const LETTERS: [string, string, string] = ['письмо', 'письма', 'писем'];
const ROWS: [string, string, string] = ['строка', 'строки', 'строк'];

export function formatStatus(s: Status): string {
  const out = [`${s.ric}, ${s.timeZone}, ${ruDateTime(s.now, s.timeZone)}`, '', 'Очереди'];
  out.push(
    formatTable(
      [
        { key: 'queue', header: 'Очередь' },
        { key: 'waiting', header: 'Ждут', type: 'int' },
        { key: 'active', header: 'Выполняются', type: 'int' },
        { key: 'delayed', header: 'Отложены', type: 'int' },
        { key: 'failed', header: 'С ошибкой', type: 'int' },
      ],
      s.queues.map((q) => ({ ...q, queue: `${jobName(q.queue)} (${q.queue})` })),
    ),
    '',
    `Расписание (следующий запуск, ${s.timeZone})`,
    formatTable(
      [
        { key: 'job', header: 'Задание' },
        { key: 'cron', header: 'Расписание' },
        { key: 'nextLocal', header: 'Следующий запуск' },
      ],
      s.schedules.map((x) => ({ ...x, job: `${jobName(x.job)} (${x.job})` })),
    ),
    '',
    'Последние запуски',
    s.lastRuns.length
      ? formatTable(
          [
            { key: 'job', header: 'Задание' },
            { key: 'period', header: 'Период' },
            { key: 'state', header: 'Состояние' },
            { key: 'trigger', header: 'Запуск' },
            { key: 'finishedAt', header: 'Окончание', type: 'datetime' },
            { key: 'error', header: 'Ошибка' },
            { key: 'outage', header: 'Сбой PostgreSQL' },
          ],
          s.lastRuns.map((r) => ({
            ...r,
            job: `${jobName(r.job)} (${r.job})`,
            period: `${periodName(r.period)} (${r.period})`,
            state: runStateName(r.state),
            trigger: triggerName(r.trigger),
          })),
          s.timeZone,
        )
      : '(запусков ещё не было)',
  );
  out.push('', formatLastOutage(s.lastOutage, s.timeZone));
  out.push('', `Очередь уведомлений: ${Object.keys(s.notifications).length ? stateCounts(s.notifications) : 'пуста'}`);
  if (s.notifications.unknown)
    out.push(`  ${count(s.notifications.unknown, LETTERS)} с неизвестной судьбой: проверьте, затем "retry send-email --unknown"`);
  out.push(`Письма рассылки: ${Object.keys(s.messages).length ? stateCounts(s.messages) : 'нет'}`);
  if (s.messages.unknown)
    out.push(
      `  ${count(s.messages.unknown, LETTERS)} с неизвестной судьбой (отправка прервана): проверьте, затем "retry lpr-monthly --unknown"`,
    );
  for (const f of s.messageFailures) out.push(`  не отправлено ${f.count}: ${f.reason}`);
  out.push(formatMailboxStatus(s.mailbox, s.timeZone));
  out.push(formatCrmExport(s.crmExport, s.timeZone));
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
  summary: 'очереди, следующие запуски по расписанию, последний запуск каждого задания, очередь отправки',
  usage: 'status [--json]',
  async run(ctx) {
    const s = await collectStatus(ctx.app());
    emit(ctx, s, () => formatStatus(s));
    return 0;
  },
};
