/**
 * Reaction where people act («Важна скорость реакции на сигнал двух отделов!!!»): for each
 * signal (not the baseline) three intervals —
 * - the mailer: detected → alert accepted by the SMTP server;
 * - the person: accepted → acknowledged («Принято в работу», the admin script, or the task closed);
 * - the work: acknowledged → the first held contact with the client after it, or the task closed;
 * with the median and 90th percentile per department and per field specialist, and week by week.
 */
import type { Queryable } from '../db/pool.js';
import { periodOf, periodRange } from '../domain/periods.js';
import { median, percentile } from '../domain/stats.js';
import type { LinesChart } from './charts/types.js';
import type { ReportSection } from './types.js';

export interface ReactionRow {
  id: number;
  detected_at: Date;
  emailed_at: Date | null;
  acknowledged_at: Date | null;
  work_at: Date | null;
  department: string | null;
  field_name: string | null;
}

/** Minutes from `a` to `b`, or null when either is missing (or `b` is before `a`: the order is the point). */
export function minutesBetween(a: Date | null, b: Date | null): number | null {
  if (!a || !b || b.getTime() < a.getTime()) return null;
  return Math.round(((b.getTime() - a.getTime()) / 60_000) * 100) / 100;
}

export function intervals(r: ReactionRow): { mailer: number | null; person: number | null; work: number | null } {
  return {
    mailer: minutesBetween(r.detected_at, r.emailed_at),
    person: minutesBetween(r.emailed_at, r.acknowledged_at),
    work: minutesBetween(r.acknowledged_at, r.work_at),
  };
}

export async function loadReaction(db: Queryable, from: Date, to: Date): Promise<ReactionRow[]> {
  const { rows } = await db.query<ReactionRow>(
    `SELECT s.id, s.detected_at, s.emailed_at, s.acknowledged_at,
            least(t.closed_at, (SELECT min(ce.occurred_at) FROM contact_events ce
                                 WHERE ce.client_id = s.client_id AND ce.outcome IN ('held', 'held_with_login')
                                   AND ce.occurred_at >= s.acknowledged_at)) AS work_at,
            d.name AS department, e.name AS field_name
       FROM signals s
       JOIN clients c ON c.id = s.client_id
       LEFT JOIN tasks t ON t.id = s.task_id
       LEFT JOIN employees e ON e.id = coalesce(t.assignee_id, c.field_specialist_id)
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE s.detected_at >= $1 AND s.detected_at < $2 AND NOT s.baseline
      ORDER BY s.detected_at, s.id`,
    [from, to],
  );
  return rows;
}

const KEYS = ['mailer', 'person', 'work'] as const;

function stats(list: ReactionRow[]) {
  const out: Record<string, number | null> = {};
  for (const k of KEYS) {
    const xs = list.flatMap((r) => {
      const v = intervals(r)[k];
      return v === null ? [] : [v];
    });
    out[`${k}_med`] = median(xs);
    out[`${k}_p90`] = percentile(xs, 0.9);
  }
  return out;
}

const COLUMNS = [
  { key: 'mailer_med', header: 'Обнаружен → письмо принято, медиана, мин', type: 'number' as const },
  { key: 'mailer_p90', header: '… 90-й процентиль, мин', type: 'number' as const },
  { key: 'person_med', header: 'Письмо → принято в работу, медиана, мин', type: 'number' as const },
  { key: 'person_p90', header: '… 90-й процентиль, мин', type: 'number' as const },
  { key: 'work_med', header: 'Принято → контакт состоялся или задача закрыта, медиана, мин', type: 'number' as const },
  { key: 'work_p90', header: '… 90-й процентиль, мин', type: 'number' as const },
];

/** Per department and per field specialist: count, then median and p90 of each interval. */
export function reactionSections(rows: ReactionRow[]): ReportSection[] {
  const by = (key: (r: ReactionRow) => string) => {
    const groups = new Map<string, ReactionRow[]>();
    for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups]
      .sort((a, b) => a[0].localeCompare(b[0], 'ru'))
      .map(([name, list]) => ({ name, signals: list.length, ...stats(list) }));
  };
  return [
    {
      title: 'Скорость реакции двух отделов по подразделениям',
      columns: [{ key: 'name', header: 'Подразделение' }, { key: 'signals', header: 'Сигналов', type: 'int' }, ...COLUMNS],
      rows: by((r) => r.department ?? 'не указано'),
      totals: { name: 'Итого', signals: rows.length, ...stats(rows) },
    },
    {
      title: 'Скорость реакции по специалистам ТС',
      columns: [{ key: 'name', header: 'Специалист ТС' }, { key: 'signals', header: 'Сигналов', type: 'int' }, ...COLUMNS],
      rows: by((r) => r.field_name ?? 'не назначен'),
    },
  ];
}

/** Week by week: the median of each interval, in hours. */
export function reactionChart(rows: ReactionRow[], tz: string): LinesChart {
  const weeks = new Map<string, ReactionRow[]>();
  for (const r of rows) {
    const w = periodOf('isoweek', r.detected_at, tz);
    weeks.set(w, [...(weeks.get(w) ?? []), r]);
  }
  const ordered = [...weeks].sort((a, b) => a[0].localeCompare(b[0]));
  const hours = (m: number | null) => (m === null ? null : Math.round((m / 60) * 100) / 100);
  const series = (k: (typeof KEYS)[number], name: string, color: 'blue' | 'amber' | 'green') => ({
    name,
    color,
    values: ordered.map(([, list]) => hours(stats(list)[`${k}_med`] ?? null)),
  });
  return {
    kind: 'lines',
    title: 'Скорость реакции на сигнал по неделям (медиана, часов)',
    // The week's Monday, as the deviations charts label their weeks.
    categories: ordered.map(([w]) => {
      const start = periodRange('isoweek', w).start;
      return `${start.slice(8, 10)}.${start.slice(5, 7)}`;
    }),
    series: [
      series('mailer', 'Письмо принято', 'blue'),
      series('person', 'Принято в работу', 'amber'),
      series('work', 'Контакт или задача закрыта', 'green'),
    ],
    xTitle: 'Неделя (с понедельника)',
    yTitle: 'Часов',
    format: 'number',
  };
}
