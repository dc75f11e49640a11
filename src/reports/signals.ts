/**
 * «Сигналы ТС»: the worsening signals of a period — detected, kind, client, field specialist,
 * e-mailed (SMTP acceptance), acknowledged, reaction time — with the median and the 90th
 * percentile of the reaction time at the bottom.
 */

import type { App } from '../app.js';
import { now } from '../clock.js';
import { latestScoredWeek } from '../db/risk-scores.js';
import { listSignals } from '../db/signals.js';
import { addDays, type IsoDate, localDate, parseIsoDate, zonedTime } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { dmy } from '../domain/ru-dates.js';
import { median, percentile } from '../domain/stats.js';
import { clientLabel, signalTitle } from '../health/alert-email.js';
import type { HBarsChart } from './charts/types.js';
import { intervals, loadReaction, reactionChart, reactionSections } from './signal-reaction.js';
import { storedShareCounts, thresholdSection } from './threshold-shares.js';
import type { Report, ReportDefinition } from './types.js';

function dateOption(values: Record<string, unknown>, key: string): IsoDate | null {
  const v = values[key];
  if (typeof v !== 'string') return null;
  try {
    parseIsoDate(v);
  } catch (err) {
    throw new UsageError(`--${key}: ${(err as Error).message}`);
  }
  return v;
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

export function minutesText(m: number | null): string {
  if (m === null) return '—';
  const s = Math.round(m * 60);
  return s < 60
    ? `${s} с`
    : s < 3600
      ? `${Math.floor(s / 60)} мин ${s % 60} с`
      : `${Math.floor(s / 3600)} ч ${Math.floor((s % 3600) / 60)} мин`;
}

/** Signals of the period by kind, most frequent first. */
function kindsChart(kinds: string[]): HBarsChart {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return {
    kind: 'hbars',
    title: 'Сигналы по видам',
    items: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => ({ label: signalTitle(k), value: n })),
    valueTitle: 'Сигналов',
    color: 'red',
  };
}

export const signalsReport: ReportDefinition = {
  name: 'signals',
  title: 'Сигналы об ухудшении ситуации с клиентом',
  description: 'worsening signals handed to field support, with reaction times (median, 90th percentile)',
  usage: 'report signals [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--baseline]',
  options: { from: { type: 'string' }, to: { type: 'string' }, baseline: { type: 'boolean' } },
  forSpecialists: true,
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const to = dateOption(values, 'to') ?? localDate(now(), tz);
    const from = dateOption(values, 'from') ?? addDays(to, -30);
    if (from > to) throw new UsageError(`--from: ${from} позже --to ${to}`);
    const range = { from: zonedTime(from, 0, 0, tz), to: zonedTime(addDays(to, 1), 0, 0, tz) };
    if (values.baseline === true) return baselineReport(app, range, `${app.config.ric.code}, с ${dmy(from)} по ${dmy(to)}`);
    const rows = await listSignals(app.pool, { ...range, baseline: false });
    const reaction = await loadReaction(app.pool, range.from, range.to);
    const byId = new Map(reaction.map((r) => [r.id, intervals(r)]));
    const reactions = rows.flatMap((r) => (r.emailed_at ? [minutes(r.emailed_at.getTime() - r.detected_at.getTime())] : []));
    const med = median(reactions);
    const p90 = percentile(reactions, 0.9);
    return {
      name: 'signals',
      title: 'Сигналы об ухудшении ситуации с клиентом',
      subtitle: `${app.config.ric.code}, с ${dmy(from)} по ${dmy(to)}`,
      charts: rows.length ? [kindsChart(rows.map((r) => r.kind)), reactionChart(reaction, tz)] : [],
      sections: [
        {
          columns: [
            { key: 'id', header: '№', type: 'int' },
            { key: 'detected_at', header: 'Обнаружен', type: 'datetime' },
            { key: 'kind', header: 'Сигнал' },
            { key: 'client', header: 'Клиент' },
            { key: 'field', header: 'Специалист ТС' },
            { key: 'emailed_at', header: 'Письмо принято', type: 'datetime' },
            { key: 'acknowledged_at', header: 'Подтверждён', type: 'datetime' },
            { key: 'reaction', header: 'Время реакции, мин', type: 'number' },
            { key: 'escalated_at', header: 'Эскалация', type: 'datetime' },
            { key: 'acknowledged_by', header: 'Кем принят' },
            { key: 'person', header: 'Письмо → принято в работу, мин', type: 'number' },
            { key: 'work', header: 'Принято → контакт или задача закрыта, мин', type: 'number' },
          ],
          rows: rows.map((r) => ({
            id: r.id,
            detected_at: r.detected_at,
            kind: signalTitle(r.kind),
            client: clientLabel({ number: r.client_number, name: r.client_name }),
            field: r.field_name ?? '',
            emailed_at: r.emailed_at,
            acknowledged_at: r.acknowledged_at,
            reaction: r.emailed_at ? minutes(r.emailed_at.getTime() - r.detected_at.getTime()) : null,
            escalated_at: r.escalated_at,
            acknowledged_by: r.acknowledged_by ?? '',
            person: byId.get(r.id)?.person ?? null,
            work: byId.get(r.id)?.work ?? null,
          })),
          totals: { id: `Итого: (${rows.length})` },
        },
        {
          title: 'Время реакции (от обнаружения до приёма письма SMTP-сервером)',
          columns: [
            { key: 'measure', header: 'Показатель' },
            { key: 'minutes', header: 'Минут', type: 'number' },
            { key: 'text', header: 'Значение' },
          ],
          rows: [
            { measure: 'Медиана', minutes: med, text: minutesText(med) },
            { measure: '90-й процентиль', minutes: p90, text: minutesText(p90) },
            { measure: 'Писем принято', minutes: null, text: `${reactions.length} из ${rows.length}` },
          ],
        },
        ...reactionSections(reaction),
      ],
    };
  },
};

/**
 * `--baseline`: the conditions that already held when their source was first scanned —
 * recorded without e-mails, each a task planned over the next working days.
 */
async function baselineReport(app: App, range: { from: Date; to: Date }, subtitle: string): Promise<Report> {
  const rows = await listSignals(app.pool, { ...range, baseline: true });
  return {
    name: 'signals',
    title: 'Сигналы: исходное состояние (без писем)',
    subtitle,
    charts: rows.length ? [kindsChart(rows.map((r) => r.kind))] : [],
    sections: [
      {
        columns: [
          { key: 'id', header: '№', type: 'int' },
          { key: 'detected_at', header: 'Зафиксирован', type: 'datetime' },
          { key: 'kind', header: 'Сигнал' },
          { key: 'summary', header: 'Описание' },
          { key: 'client', header: 'Клиент' },
          { key: 'field', header: 'Специалист ТС' },
          { key: 'planned_at', header: 'Задача запланирована', type: 'datetime' },
          { key: 'task_state', header: 'Состояние задачи' },
        ],
        rows: rows.map((r) => ({
          id: r.id,
          detected_at: r.detected_at,
          kind: signalTitle(r.kind),
          summary: r.summary,
          client: clientLabel({ number: r.client_number, name: r.client_name }),
          field: r.field_name ?? '',
          planned_at: r.task_planned_at,
          task_state: r.task_state === 'open' ? 'Запланирована' : r.task_state === 'done' ? 'Выполнено' : (r.task_state ?? ''),
        })),
        totals: { id: `Итого: (${rows.length})` },
        notes: [
          'Условия, выполнявшиеся при первой проверке источника: письма не отправлялись, задачи распределены по ближайшим рабочим дням.',
        ],
      },
      thresholdSection(
        app.config,
        await storedShareCounts(app.pool, (await latestScoredWeek(app.pool)) ?? ''),
        'Сигналы — условия, выполнявшиеся при последней проверке, по обслуживаемым клиентам; категории — по последней рассчитанной неделе. Пороги задаёт администратор в настройках службы.',
      ),
    ],
  };
}
