/**
 * «Результаты проработки ЛПР/ЛВПР» (the seed's closing chart): per department and month, the
 * share of served clients with a held contact with an ЛПР in the three months up to the month's
 * end — what the risk indicator's «Контакт с ЛПР» counts — and per month the outcomes of the
 * calls to ЛПР and ЛВПР. Contact events name the person by id, or (older exports) by name.
 */

import { now } from '../clock.js';
import { addDays, addMonths, localDate, zonedTime } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { monthTitle } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import type { LinesChart, StackedBarsChart } from './charts/types.js';
import { lastMonths, monthsOption } from './months.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

/** The window of "a held contact with an ЛПР", as the risk component's. */
const WINDOW_MONTHS = 3;
const NO_DEPARTMENT = 'Без подразделения';

const OUTCOMES = [
  { key: 'held_with_login', name: 'Контакт состоялся с входом', color: 'green' },
  { key: 'held', name: 'Контакт состоялся', color: 'teal' },
  { key: 'not_held', name: 'Не состоялся', color: 'amber' },
  { key: 'refused', name: 'Отказ от контакта', color: 'red' },
] as const;

/** Held contacts with the client's ЛПР (or also ЛВПР), by the person's id or name. */
function keyPersonEvents(roles: string): string {
  return `
    SELECT e.client_id, e.occurred_at, e.outcome FROM contact_events e JOIN contacts k ON k.id = e.contact_id AND (${roles})
     WHERE e.occurred_at IS NOT NULL
    UNION ALL
    SELECT e.client_id, e.occurred_at, e.outcome FROM contact_events e
      JOIN contacts k ON k.client_id = e.client_id AND lower(k.full_name) = lower(e.contact_name) AND (${roles})
     WHERE e.contact_id IS NULL AND e.occurred_at IS NOT NULL`;
}

export const lprWorkReport: ReportDefinition = {
  name: 'lpr-work',
  title: 'Результаты проработки ЛПР/ЛВПР',
  description: 'work with decision makers: share of clients with a held ЛПР contact in 3 months per department and month; call outcomes',
  usage: 'report lpr-work [--months N] [--department D]',
  options: { months: { type: 'string' }, department: { type: 'string' } },
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const months = lastMonths(monthsOption(values.months, 6), tz);
    // The window of a month ends with it — the current month's, today — and starts 3 months earlier.
    const at = now();
    const today = localDate(at, tz);
    const windows = months.map((m) =>
      m.to.getTime() > at.getTime()
        ? { from: zonedTime(addMonths(today, -WINDOW_MONTHS), 0, 0, tz), to: at }
        : { from: zonedTime(addMonths(m.endDate, -WINDOW_MONTHS), 0, 0, tz), to: m.to },
    );
    const department = typeof values.department === 'string' ? values.department : null;
    if (department !== null) {
      const { rows } = await app.pool.query('SELECT 1 FROM departments WHERE name = $1', [department]);
      if (!rows.length) throw new UsageError(`--department: подразделения «${department}» нет`);
    }
    const { rows: shares } = await app.pool.query<{ period: string; department: string; clients: number; reached: number }>(
      `WITH m AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::date[]) AS m(period, win_from, win_to, month_end)),
            ev AS (${keyPersonEvents('k.is_lpr')}),
            held AS (SELECT client_id, occurred_at FROM ev WHERE outcome IN ('held', 'held_with_login')),
            base AS (SELECT c.id, coalesce(d.name, $5) AS department, c.connected_on, c.state, c.disconnected_on
                       FROM clients c LEFT JOIN employees r ON r.id = c.remote_specialist_id LEFT JOIN departments d ON d.id = r.department_id
                      WHERE $6::text IS NULL OR d.name = $6)
       SELECT m.period, b.department, count(*)::int AS clients,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM held h WHERE h.client_id = b.id AND h.occurred_at >= m.win_from AND h.occurred_at < m.win_to))::int AS reached
         FROM m JOIN base b ON (b.connected_on IS NULL OR b.connected_on < m.month_end)
                           AND (b.state <> 'disconnected' OR b.disconnected_on >= m.month_end)
        GROUP BY m.period, b.department`,
      [
        months.map((m) => m.period),
        windows.map((w) => w.from),
        windows.map((w) => w.to),
        months.map((m) => m.endDate),
        NO_DEPARTMENT,
        department,
      ],
    );
    // A month whose window holds no contact event at all has no data (the export reaches no further back).
    const { rows: covered } = await app.pool.query<{ period: string }>(
      `SELECT m.period FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS m(period, win_from, win_to)
        WHERE EXISTS (SELECT 1 FROM contact_events e WHERE e.occurred_at >= m.win_from AND e.occurred_at < m.win_to)`,
      [months.map((m) => m.period), windows.map((w) => w.from), windows.map((w) => w.to)],
    );
    const hasData = new Set(covered.map((c) => c.period));
    const { rows: calls } = await app.pool.query<{ period: string; outcome: string; n: number }>(
      `WITH ev AS (${keyPersonEvents('k.is_lpr OR k.is_lvpr')})
       SELECT to_char(occurred_at AT TIME ZONE $3, 'YYYY-MM') AS period, outcome, count(*)::int AS n
         FROM ev WHERE occurred_at >= $1 AND occurred_at < $2 AND outcome <> 'planned'
        GROUP BY 1, 2`,
      [months[0]?.from, months.at(-1)?.to, tz],
    );
    const departments = [...new Set(shares.map((s) => s.department))].sort((a, b) =>
      a === NO_DEPARTMENT ? 1 : b === NO_DEPARTMENT ? -1 : a.localeCompare(b, 'ru'),
    );
    const cell = (period: string, dep: string | null) => {
      const rows = shares.filter((s) => s.period === period && (dep === null || s.department === dep));
      const clients = rows.reduce((s, r) => s + r.clients, 0);
      return { clients, reached: rows.reduce((s, r) => s + r.reached, 0) };
    };
    const share = (c: { clients: number; reached: number }, period: string) =>
      c.clients && hasData.has(period) ? c.reached / c.clients : null;
    const key = (period: string) => `m${period.replace('-', '_')}`;
    const last = months.at(-1)?.period as string;
    const shareColumns: ReportColumn[] = [
      { key: 'department', header: 'Подразделение' },
      ...months.map((m): ReportColumn => ({ key: key(m.period), header: monthTitle(m.period), type: 'percent' })),
      { key: 'clients', header: `Клиентов (${monthTitle(last)})`, type: 'int' },
      { key: 'reached', header: `С контактом с ЛПР (${monthTitle(last)})`, type: 'int' },
    ];
    const shareRow = (label: string, dep: string | null): ReportRow => {
      const row: ReportRow = { department: label, ...cell(last, dep) };
      for (const m of months) row[key(m.period)] = share(cell(m.period, dep), m.period);
      return row;
    };
    const outcomeRows: ReportRow[] = months.map((m) => {
      const row: ReportRow = { month: monthTitle(m.period) };
      for (const o of OUTCOMES) row[o.key] = calls.find((c) => c.period === m.period && c.outcome === o.key)?.n ?? 0;
      row.total = OUTCOMES.reduce((s, o) => s + Number(row[o.key]), 0);
      row.held_share = Number(row.total) ? (Number(row.held) + Number(row.held_with_login)) / Number(row.total) : null;
      return row;
    });
    const outcomeTotals: ReportRow = { month: `Итого: (${months.length})` };
    for (const k of [...OUTCOMES.map((o) => o.key), 'total']) outcomeTotals[k] = outcomeRows.reduce((s, r) => s + Number(r[k]), 0);
    outcomeTotals.held_share = Number(outcomeTotals.total)
      ? (Number(outcomeTotals.held) + Number(outcomeTotals.held_with_login)) / Number(outcomeTotals.total)
      : null;
    const sharesChart: LinesChart = {
      kind: 'lines',
      title: `Доля клиентов с состоявшимся контактом с ЛПР за ${WINDOW_MONTHS} месяца`,
      categories: months.map((m) => m.label),
      series: departments.map((d) => ({ name: d, values: months.map((m) => share(cell(m.period, d), m.period)) })),
      xTitle: 'Месяц',
      yTitle: 'Доля клиентов',
      format: 'percent',
      yMax: 1,
    };
    const outcomesChart: StackedBarsChart = {
      kind: 'stacked-bars',
      title: 'Результаты звонков ЛПР и ЛВПР по месяцам',
      categories: months.map((m) => m.label),
      series: OUTCOMES.map((o) => ({ name: o.name, color: o.color, values: outcomeRows.map((r) => Number(r[o.key])) })),
      xTitle: 'Месяц',
      yTitle: 'Контактов',
    };
    return {
      name: 'lpr-work',
      title: 'Результаты проработки ЛПР/ЛВПР',
      subtitle: `${app.config.ric.code}, ${dmy(months[0]?.startDate as string)} – ${dmy(addDays(months.at(-1)?.endDate as string, -1))}${
        department ? `; подразделение «${department}»` : ''
      }`,
      charts: [...(departments.length ? [sharesChart] : []), ...(Number(outcomeTotals.total) ? [outcomesChart] : [])],
      sections: [
        {
          title: `Доля клиентов с состоявшимся контактом с ЛПР за ${WINDOW_MONTHS} месяца`,
          columns: shareColumns,
          rows: departments.map((d) => shareRow(d, d)),
          totals: shareRow('Итого', null),
          notes: [
            `Для каждого месяца — клиенты, обслуживаемые на его конец, с контактом «состоялся» с ЛПР за ${WINDOW_MONTHS} месяца до конца месяца (текущего — до сегодня).`,
            'Пустая ячейка — за эти месяцы нет ни одной загруженной работы (контакта).',
          ],
        },
        {
          title: 'Результаты звонков ЛПР и ЛВПР',
          columns: [
            { key: 'month', header: 'Месяц' },
            ...OUTCOMES.map((o): ReportColumn => ({ key: o.key, header: o.name, type: 'int' })),
            { key: 'total', header: 'Всего', type: 'int' },
            { key: 'held_share', header: 'Доля состоявшихся', type: 'percent' },
          ],
          rows: outcomeRows,
          totals: outcomeTotals,
        },
      ],
    };
  },
};
