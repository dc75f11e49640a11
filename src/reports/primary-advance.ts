/**
 * «Результаты вывода из первичного аванса» (the seed's closing chart): per month of connection,
 * the new clients whose primary advance has ended and who are still served ("brought out of the
 * primary advance") against those who disconnected, and those still on it; then the clients
 * whose advance ends within two weeks — the ones to work with now. A client counts when the CRM
 * gave it an end of the primary advance.
 */
import { now } from '../clock.js';
import { addDays, localDate } from '../domain/dates.js';
import { ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { monthTitle } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import { clientLabel } from '../health/alert-email.js';
import type { StackedBarsChart } from './charts/types.js';
import { lastMonths, monthsOption } from './months.js';
import type { ReportDefinition, ReportRow } from './types.js';

/** Clients whose advance ends within this many days are listed. */
const ENDING_WITHIN_DAYS = 14;

const SERIES = [
  { key: 'brought_out', name: 'Выведены из первичного аванса (обслуживаются)', color: 'green' },
  { key: 'disconnected', name: 'Отключились', color: 'red' },
  { key: 'in_advance', name: 'На первичном авансе', color: 'blue' },
] as const;

export const primaryAdvanceReport: ReportDefinition = {
  name: 'primary-advance',
  title: 'Результаты вывода из первичного аванса',
  description: 'clients brought out of the primary advance (still served) vs disconnected, per month of connection',
  usage: 'report primary-advance [--months N]',
  options: { months: { type: 'string' } },
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const months = lastMonths(monthsOption(values.months, 12), tz);
    const today = localDate(now(), tz);
    const first = months[0]?.startDate as string;
    const { rows } = await app.pool.query<{
      period: string;
      connected: number;
      in_advance: number;
      brought_out: number;
      disconnected: number;
    }>(
      `SELECT to_char(connected_on, 'YYYY-MM') AS period, count(*)::int AS connected,
              count(*) FILTER (WHERE state <> 'disconnected' AND primary_advance_until >= $2)::int AS in_advance,
              count(*) FILTER (WHERE state <> 'disconnected' AND primary_advance_until < $2)::int AS brought_out,
              count(*) FILTER (WHERE state = 'disconnected')::int AS disconnected
         FROM clients
        WHERE primary_advance_until IS NOT NULL AND connected_on >= $1 AND connected_on < $3
        GROUP BY 1`,
      [first, today, months.at(-1)?.endDate],
    );
    const byMonth = new Map(rows.map((r) => [r.period, r]));
    const table: ReportRow[] = months.map((m) => {
      const r = byMonth.get(m.period);
      const out = r?.brought_out ?? 0;
      const gone = r?.disconnected ?? 0;
      return {
        month: monthTitle(m.period),
        connected: r?.connected ?? 0,
        in_advance: r?.in_advance ?? 0,
        brought_out: out,
        disconnected: gone,
        share: out + gone ? out / (out + gone) : null,
      };
    });
    const sum = (k: string) => table.reduce((s, r) => s + Number(r[k] ?? 0), 0);
    const totals: ReportRow = { month: `Итого: (${months.length})` };
    for (const k of ['connected', 'in_advance', 'brought_out', 'disconnected']) totals[k] = sum(k);
    totals.share = sum('brought_out') + sum('disconnected') ? sum('brought_out') / (sum('brought_out') + sum('disconnected')) : null;
    const { rows: ending } = await app.pool.query<ReportRow & { number: number; name: string; zone: Zone | null }>(
      `SELECT c.number, c.name, c.category, c.monthly_fee, c.connected_on, c.primary_advance_until, e.name AS remote, rs.zone
         FROM clients c
         LEFT JOIN employees e ON e.id = c.remote_specialist_id
         LEFT JOIN LATERAL (SELECT zone FROM risk_scores WHERE client_id = c.id ORDER BY week DESC LIMIT 1) rs ON true
        WHERE c.state <> 'disconnected' AND c.primary_advance_until >= $1 AND c.primary_advance_until <= $2
        ORDER BY c.primary_advance_until, c.number`,
      [today, addDays(today, ENDING_WITHIN_DAYS)],
    );
    const chart: StackedBarsChart = {
      kind: 'stacked-bars',
      title: 'Клиенты по месяцу подключения: выведены из первичного аванса и отключились',
      categories: months.map((m) => m.label),
      series: SERIES.map((s) => ({ name: s.name, color: s.color, values: table.map((r) => Number(r[s.key])) })),
      xTitle: 'Месяц подключения',
      yTitle: 'Клиентов',
    };
    return {
      name: 'primary-advance',
      title: 'Результаты вывода из первичного аванса',
      subtitle: `${app.config.ric.code}, подключены с ${dmy(first)}; на ${dmy(today)}`,
      charts: Number(totals.connected) ? [chart] : [],
      sections: [
        {
          title: 'По месяцу подключения',
          columns: [
            { key: 'month', header: 'Месяц подключения' },
            { key: 'connected', header: 'Подключено', type: 'int' },
            { key: 'in_advance', header: 'На первичном авансе', type: 'int' },
            { key: 'brought_out', header: 'Выведены (обслуживаются)', type: 'int' },
            { key: 'disconnected', header: 'Отключились', type: 'int' },
            { key: 'share', header: 'Доля выведенных', type: 'percent' },
          ],
          rows: table,
          totals,
          notes: ['Доля выведенных — из клиентов, чей первичный аванс закончился: обслуживаются / (обслуживаются + отключились).'],
        },
        {
          title: `Первичный аванс заканчивается в ближайшие ${ENDING_WITHIN_DAYS} дней`,
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'category', header: 'Категория клиента' },
            { key: 'monthly_fee', header: 'Сумма ИО, руб/мес', type: 'money' },
            { key: 'connected_on', header: 'Дата подключения', type: 'date' },
            { key: 'primary_advance_until', header: 'Окончание первичного аванса', type: 'date' },
            { key: 'zone', header: 'Зона риска' },
            { key: 'remote', header: 'Ответственный ДИС' },
          ],
          rows: ending.map((r) => ({ ...r, client: clientLabel(r), zone: r.zone ? ZONE_NAMES[r.zone] : 'н/д' })),
          totals: { client: `Итого: (${ending.length})`, monthly_fee: ending.reduce((s, r) => s + Number(r.monthly_fee), 0) },
        },
      ],
    };
  },
};
