/**
 * «Конкуренты»: the competitors found in a period — client, competitor's system, valid until,
 * contact, found at, by whom, the field (ТС) specialist alerted, when the SMTP server accepted
 * the alert and the reaction time — with the median and 90th percentile of the reaction time
 * under the table and the systems found as a chart.
 */

import { now } from '../clock.js';
import { listFindings } from '../db/findings.js';
import { addDays, zonedTime } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { PERIOD_FORMS, type PeriodKind, periodOf, periodRange } from '../domain/periods.js';
import { dmy } from '../domain/ru-dates.js';
import { median, percentile } from '../domain/stats.js';
import { clientLabel } from '../health/alert-email.js';
import type { HBarsChart } from './charts/types.js';
import { minutesText } from './signals.js';
import type { ReportDefinition } from './types.js';

const SOURCES: Record<string, string> = { admin: 'вручную', api: 'API', import: 'импорт', task: 'итог задачи' };

/** `--period 2024-H1` or `2024-06` (default: the current half-year). */
function periodOption(value: unknown, tz: string): { period: string; kind: PeriodKind } {
  if (typeof value !== 'string') return { period: periodOf('halfyear', now(), tz), kind: 'halfyear' };
  const kind = (['halfyear', 'month'] as const).find((k) => PERIOD_FORMS[k].pattern.test(value));
  if (!kind) throw new UsageError(`--period: «${value}» — не полугодие и не месяц (например, 2024-H1 или 2024-06)`);
  return { period: value, kind };
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

/** How often each system was found, most often first (the name as first written). */
function systemsChart(names: readonly string[]): HBarsChart {
  const counts = new Map<string, { label: string; n: number }>();
  for (const n of names) {
    const k = n.toLowerCase().replace(/ё/g, 'е');
    const c = counts.get(k) ?? { label: n, n: 0 };
    c.n++;
    counts.set(k, c);
  }
  return {
    kind: 'hbars',
    title: 'Системы конкурентов',
    items: [...counts.values()].sort((a, b) => b.n - a.n || a.label.localeCompare(b.label)).map((c) => ({ label: c.label, value: c.n })),
    valueTitle: 'Клиентов',
    color: 'red',
  };
}

export const competitorsReport: ReportDefinition = {
  name: 'competitors',
  title: 'Конкуренты',
  description: 'Конкуренты: competitors found at clients, who found them, when field support was e-mailed, reaction time',
  usage: 'report competitors [--period 2024-H1|2024-06]',
  options: { period: { type: 'string' } },
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const { period, kind } = periodOption(values.period, tz);
    const { start, end } = periodRange(kind, period);
    const rows = await listFindings(app.pool, { from: zonedTime(start, 0, 0, tz), to: zonedTime(addDays(end, 1), 0, 0, tz) });
    // As `report signals` measures it: to the field specialist's acknowledgement, not to the mail server.
    const reaction = (r: (typeof rows)[number]) => (r.acknowledged_at ? minutes(r.acknowledged_at.getTime() - r.found_at.getTime()) : null);
    const reactions = rows.flatMap((r) => reaction(r) ?? []);
    const accepted = rows.filter((r) => r.field_notified_at).length;
    const med = median(reactions);
    const p90 = percentile(reactions, 0.9);
    return {
      name: 'competitors',
      title: 'Конкуренты',
      subtitle: `${app.config.ric.code}, с ${dmy(start)} по ${dmy(end)}`,
      charts: rows.length ? [systemsChart(rows.map((r) => r.competitor))] : [],
      sections: [
        {
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'competitor', header: 'Система конкурента' },
            { key: 'valid_until', header: 'Действует до', type: 'date' },
            { key: 'contact', header: 'Контактное лицо' },
            { key: 'found_at', header: 'Выявлен', type: 'datetime' },
            { key: 'found_by', header: 'Кем выявлен' },
            { key: 'source', header: 'Источник' },
            { key: 'field', header: 'Специалист ТС' },
            { key: 'notified_at', header: 'Письмо ТС принято', type: 'datetime' },
            { key: 'acknowledged_at', header: 'Принято в работу', type: 'datetime' },
            { key: 'acknowledged_by', header: 'Кем принято' },
            { key: 'reaction', header: 'Время реакции, мин', type: 'number' },
            { key: 'note', header: 'Комментарий' },
          ],
          rows: rows.map((r) => ({
            client: clientLabel({ number: r.client_number, name: r.client_name }),
            competitor: r.competitor,
            valid_until: r.valid_until,
            contact: r.contact_name ?? '',
            found_at: r.found_at,
            found_by: r.found_by_name ?? '',
            source: SOURCES[r.source] ?? r.source,
            field: r.field_name ?? '',
            notified_at: r.field_notified_at,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by: r.acknowledged_by ?? '',
            reaction: reaction(r),
            note: r.note ?? '',
          })),
          totals: { client: `Итого: (${rows.length})`, reaction: med },
          notes: rows.length
            ? [
                `Время реакции — от выявления до подтверждения специалистом ТС («Принято в работу» или закрытая задача): медиана ${minutesText(med)}, 90-й процентиль ${minutesText(p90)}; подтверждено ${reactions.length} из ${rows.length}, писем ТС принято ${accepted} из ${rows.length}.`,
              ]
            : [],
        },
      ],
    };
  },
};
