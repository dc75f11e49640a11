/**
 * «Отчет по контактам с клиентами»: the contact events («Работы») of a period by specialist, way
 * of contact and state, as the CRM counts them — how many planned, held, held with the client
 * logged in, not held — with the number of clients reached; `--by week|month` adds the same
 * counts per period. An event falls on its held date, or on its planned date while not held.
 */

import { now } from '../clock.js';
import { addDays, localDate } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { monthTitle } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import { dateOption } from './options.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

/** «Способ контакта» as the CRM names it. */
export const CHANNEL_NAMES: Record<string, string> = {
  phone: 'Телефонный контакт',
  email: 'Электронная почта',
  visit: 'Выезд к клиенту',
  other: 'Другое',
};

/** «Состояние» columns, in the CRM's order. */
const STATES = [
  { key: 'planned', header: 'Запланирована' },
  { key: 'held', header: 'Контакт состоялся' },
  { key: 'held_with_login', header: 'Контакт состоялся с входом' },
  { key: 'not_held', header: 'Не состоялся' },
  { key: 'refused', header: 'Отказ' },
] as const;

const COUNTS: ReportColumn[] = [
  ...STATES.map((s): ReportColumn => ({ key: s.key, header: s.header, type: 'int' })),
  { key: 'total', header: 'Всего работ', type: 'int' },
  { key: 'clients', header: 'Клиентов', type: 'int' },
];

const COUNT_SQL = `${STATES.map((s) => `count(*) FILTER (WHERE ce.outcome = '${s.key}')::int AS ${s.key}`).join(', ')},
  count(*)::int AS total, count(DISTINCT ce.client_id)::int AS clients`;

function totals(rows: ReportRow[], label: string, key: string, distinctClients: number): ReportRow {
  const t: ReportRow = { [key]: label };
  for (const c of COUNTS) t[c.key] = rows.reduce((s, r) => s + Number(r[c.key] ?? 0), 0);
  t.clients = distinctClients;
  return t;
}

export const contactWorkReport: ReportDefinition = {
  name: 'contact-work',
  title: 'Отчет по контактам с клиентами',
  description: 'Отчет по контактам с клиентами: contact events by specialist, way of contact and state',
  usage: 'report contact-work [--from 2024-06-01] [--to 2024-06-30] [--by week|month]',
  options: { from: { type: 'string' }, to: { type: 'string' }, by: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const to = dateOption(values, 'to') ?? localDate(now(), tz);
    const from = dateOption(values, 'from') ?? `${to.slice(0, 8)}01`;
    if (from > to) throw new UsageError(`--from: ${from} позже --to ${to}`);
    const by = typeof values.by === 'string' ? values.by : null;
    if (by !== null && by !== 'week' && by !== 'month') throw new UsageError(`--by: «${by}» — допустимо одно из: week, month`);
    // The day an event falls on, in the RIC's zone.
    const day = `(coalesce(ce.occurred_at, ce.planned_at) AT TIME ZONE $3)::date`;
    const from_ = `FROM contact_events ce
       JOIN clients c ON c.id = ce.client_id
       LEFT JOIN employees e ON e.id = ce.employee_id
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE ${day} BETWEEN $1::date AND $2::date`;
    const params = [from, to, tz];
    const { rows } = await app.pool.query<ReportRow>(
      `SELECT coalesce(e.name, 'не указан') AS employee, coalesce(d.name, '') AS department, ce.channel, ${COUNT_SQL}
         ${from_} GROUP BY 1, 2, 3 ORDER BY 1, 3`,
      params,
    );
    const { rows: all } = await app.pool.query<{ clients: number }>(`SELECT count(DISTINCT ce.client_id)::int AS clients ${from_}`, params);
    const reached = all[0]?.clients ?? 0;
    const sections: Awaited<ReturnType<ReportDefinition['build']>>['sections'] = [
      {
        columns: [
          { key: 'employee', header: 'Исполнитель' },
          { key: 'department', header: 'Подразделение' },
          { key: 'channel', header: 'Способ контакта' },
          ...COUNTS,
        ],
        rows: rows.map((r) => ({ ...r, channel: CHANNEL_NAMES[String(r.channel)] ?? String(r.channel) })),
        totals: totals(rows, `Итого: (${new Set(rows.map((r) => r.employee)).size})`, 'employee', reached),
      },
    ];
    if (by) {
      const unit = by === 'week' ? 'week' : 'month';
      const { rows: periods } = await app.pool.query<ReportRow>(
        `SELECT date_trunc('${unit}', ${day})::date AS start, coalesce(e.name, 'не указан') AS employee, ${COUNT_SQL}
           ${from_} GROUP BY 1, 2 ORDER BY 1, 2`,
        params,
      );
      const label = (start: string) => (by === 'week' ? `с ${dmy(start)} по ${dmy(addDays(start, 6))}` : monthTitle(start.slice(0, 7)));
      sections.push({
        title: by === 'week' ? 'По неделям' : 'По месяцам',
        columns: [{ key: 'period', header: 'Период' }, { key: 'employee', header: 'Исполнитель' }, ...COUNTS],
        rows: periods.map(({ start, ...r }) => ({ period: label(String(start)), ...r })),
        totals: totals(periods, `Итого: (${new Set(periods.map((r) => r.start)).size})`, 'period', reached),
      });
    }
    return {
      name: 'contact-work',
      title: 'Отчет по контактам с клиентами',
      subtitle: `${app.config.ric.code}, с ${dmy(from)} по ${dmy(to)}`,
      sections,
    };
  },
};
