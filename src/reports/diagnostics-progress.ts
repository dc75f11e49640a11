/**
 * The competitor-diagnostics campaign's progress over time: per specialist, the share of their
 * campaign tasks done by the end of each week since the campaign began (the "diagnostics
 * progress per specialist over the campaign"), for «Анализ проблем, рекомендаций и заданий».
 * Drawn from the second week on; a campaign of one week has nothing to show over time.
 */
import type { App } from '../app.js';
import { addDays, localDate, weekdayOf, zonedTime } from '../domain/dates.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import { periodRange } from '../domain/periods.js';
import type { LinesChart } from './charts/types.js';

/** Weeks drawn at most (a half-year). */
const MAX_WEEKS = 27;

export async function diagnosticsProgressChart(app: App, period: string, at: Date): Promise<LinesChart | null> {
  const tz = app.config.ric.timeZone;
  const { rows: first } = await app.pool.query<{ started: Date | null }>(
    `SELECT min(created_at) AS started FROM tasks WHERE kind = $2 AND payload ->> 'period' = $1 AND state <> 'cancelled'`,
    [period, DIAGNOSTICS_KIND],
  );
  const started = first[0]?.started;
  if (!started) return null;
  const startDay = localDate(started, tz);
  const monday = addDays(startDay, 1 - weekdayOf(startDay));
  const last = addDays(periodRange('halfyear', period).end, 1);
  const weeks: { label: string; end: Date }[] = [];
  for (let d = monday; weeks.length < MAX_WEEKS; d = addDays(d, 7)) {
    const next = addDays(d, 7);
    const periodEnds = next >= last;
    const end = zonedTime(periodEnds ? last : next, 0, 0, tz);
    const reachesNow = end.getTime() >= at.getTime();
    weeks.push({ label: `${d.slice(8, 10)}.${d.slice(5, 7)}`, end: reachesNow ? at : end });
    if (reachesNow || periodEnds) break;
  }
  if (weeks.length < 2) return null;
  const { rows } = await app.pool.query<{ employee: string | null; n: number; tasks: number; done: number }>(
    `WITH t AS (SELECT assignee_id, created_at, closed_at, state FROM tasks
                 WHERE kind = $2 AND payload ->> 'period' = $1 AND state <> 'cancelled'),
          w AS (SELECT * FROM unnest($3::timestamptz[]) WITH ORDINALITY AS w(week_end, n))
     SELECT e.name AS employee, w.n::int AS n,
            count(*) FILTER (WHERE t.created_at < w.week_end)::int AS tasks,
            count(*) FILTER (WHERE t.state = 'done' AND t.closed_at < w.week_end)::int AS done
       FROM t CROSS JOIN w LEFT JOIN employees e ON e.id = t.assignee_id
      GROUP BY e.name, w.n`,
    [period, DIAGNOSTICS_KIND, weeks.map((w) => w.end)],
  );
  const people = [...new Set(rows.map((r) => r.employee ?? 'не назначен'))].sort((a, b) => a.localeCompare(b, 'ru'));
  return {
    kind: 'lines',
    title: 'Выполнение диагностики по неделям кампании',
    categories: weeks.map((w) => w.label),
    series: people.map((name) => ({
      name,
      values: weeks.map((_w, i) => {
        const r = rows.find((x) => (x.employee ?? 'не назначен') === name && x.n === i + 1);
        return r?.tasks ? r.done / r.tasks : null;
      }),
    })),
    xTitle: 'Неделя (с понедельника)',
    yTitle: 'Доля выполненных заданий',
    format: 'percent',
    yMax: 1,
  };
}
