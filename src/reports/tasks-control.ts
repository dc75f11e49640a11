/**
 * «Анализ проблем, рекомендаций и заданий» for a competitor-diagnostics campaign: per
 * department, specialist and segment — tasks, done, overdue (open past the due date now),
 * competitors found, percent done — with the totals, then the totals per segment; the charts
 * show each specialist's progress, now and week by week over the campaign.
 */

import { now } from '../clock.js';
import { type ControlRow, controlRows } from '../db/diagnostics.js';
import { DIAGNOSTICS_TITLE, SEGMENT_NAMES, type Segment, sumFigures } from '../domain/diagnostics.js';
import { ruDateTime } from '../domain/formats.js';
import { UsageError } from '../domain/options.js';
import { PeriodError, periodName, periodOf, periodRange } from '../domain/periods.js';
import { dmy } from '../domain/ru-dates.js';
import type { HBarsChart } from './charts/types.js';
import { diagnosticsProgressChart } from './diagnostics-progress.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

/** `--period 2024-H2` (default: the current half-year). */
export function halfYearOption(value: unknown, tz: string): string {
  const period = typeof value === 'string' ? value : periodOf('halfyear', now(), tz);
  try {
    periodRange('halfyear', period);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--period: ${err.message}`);
    throw err;
  }
  return period;
}

const FIGURES: ReportColumn[] = [
  { key: 'tasks', header: 'Заданий', type: 'int' },
  { key: 'done', header: 'Выполнено', type: 'int' },
  { key: 'overdue', header: 'Просрочено', type: 'int' },
  { key: 'found', header: 'Выявлено конкурентов', type: 'int' },
  { key: 'share', header: '% выполнения', type: 'percent' },
];

function figures(rows: readonly ControlRow[]): ReportRow {
  const f = sumFigures(rows);
  return { tasks: f.tasks, done: f.done, overdue: f.overdue, found: f.found, share: f.shareDone };
}

const segmentName = (s: string) => SEGMENT_NAMES[s as Segment] ?? s;

/** Each specialist's share of the campaign's tasks done. */
function progressChart(rows: readonly ControlRow[]): HBarsChart {
  const bySpecialist = new Map<string, ControlRow[]>();
  for (const r of rows) bySpecialist.set(r.employee ?? 'не назначен', [...(bySpecialist.get(r.employee ?? 'не назначен') ?? []), r]);
  return {
    kind: 'hbars',
    title: 'Выполнение диагностики по специалистам',
    items: [...bySpecialist].map(([label, list]) => {
      const f = sumFigures(list);
      return { label, value: f.shareDone ?? 0, note: `${f.done} из ${f.tasks}${f.overdue ? `, просрочено ${f.overdue}` : ''}` };
    }),
    valueTitle: 'Доля выполненных заданий',
    format: 'percent',
    max: 1,
    color: 'green',
  };
}

export const tasksControlReport: ReportDefinition = {
  name: 'tasks-control',
  title: 'Анализ проблем, рекомендаций и заданий',
  description: 'Анализ проблем, рекомендаций и заданий: the competitor-diagnostics campaign per department, specialist and segment',
  usage: 'report tasks-control [--period 2024-H2]',
  options: { period: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const period = halfYearOption(values.period, tz);
    const at = now();
    const rows = await controlRows(app.pool, period, at);
    const { start, end } = periodRange('halfyear', period);
    return {
      name: 'tasks-control',
      title: 'Анализ проблем, рекомендаций и заданий',
      subtitle: `${app.config.ric.code}, «${DIAGNOSTICS_TITLE}», ${periodName(period)} (с ${dmy(start)} по ${dmy(end)}); на ${ruDateTime(at, tz).slice(0, 16)}`,
      charts: rows.length ? [progressChart(rows), ...[await diagnosticsProgressChart(app, period, at)].filter((c) => c !== null)] : [],
      sections: [
        {
          columns: [
            { key: 'department', header: 'Подразделение' },
            { key: 'employee', header: 'Сотрудник (упр)' },
            { key: 'segment', header: 'Сегмент' },
            ...FIGURES,
          ],
          rows: rows.map((r) => ({
            department: r.department ?? '',
            employee: r.employee ?? 'не назначен',
            segment: segmentName(r.segment),
            ...figures([r]),
          })),
          totals: { department: `Итого: (${new Set(rows.map((r) => r.employee_id)).size})`, ...figures(rows) },
          notes: rows.length ? [] : [`Задач кампании за ${periodName(period)} нет.`],
        },
        {
          title: 'По сегментам',
          columns: [{ key: 'segment', header: 'Сегмент' }, ...FIGURES],
          rows: (['small_medium', 'large'] as const)
            .filter((s) => rows.some((r) => r.segment === s))
            .map((s) => ({
              segment: SEGMENT_NAMES[s],
              ...figures(rows.filter((r) => r.segment === s)),
            })),
          totals: { segment: 'Итого', ...figures(rows) },
        },
      ],
    };
  },
};
