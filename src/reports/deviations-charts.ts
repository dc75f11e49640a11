/**
 * Charts of «Фиксация отклонений»: zones of the clients over the last weeks by churnguard's own
 * indicator, the high zone of both series side by side (churnguard's and the CRM's, each its own
 * line, never spliced), and the top risers (changes within one series).
 */
import type { App } from '../app.js';
import { topRisers, zoneCounts } from '../db/deviations.js';
import { periodRange, shiftPeriod } from '../domain/periods.js';
import { scoreText } from '../domain/risk-model.js';
import { clientLabel } from '../health/alert-email.js';
import type { HBarsChart, LinesChart, StackedBarsChart } from './charts/types.js';
import type { Chart } from './types.js';

const CHART_WEEKS = 12;
const RISERS = 10;

const ZONE_SERIES = [
  { zone: 'none', name: 'Нет угрозы', color: 'green' },
  { zone: 'dynamic', name: 'Динамический риск', color: 'amber' },
  { zone: 'high', name: 'Высокий риск', color: 'red' },
  { zone: null, name: 'Нет данных (н/д)', color: 'grey' },
] as const;

export async function deviationCharts(app: App, week: string, department: string | null): Promise<Chart[]> {
  const weeks = Array.from({ length: CHART_WEEKS }, (_, i) => shiftPeriod('isoweek', week, i - CHART_WEEKS + 1));
  const from = shiftPeriod('isoweek', week, -CHART_WEEKS);
  const counts = await zoneCounts(app.pool, from, week, department, 'computed');
  const crmCounts = await zoneCounts(app.pool, from, week, department, 'crm', app.config.risk.zones);
  const shown = weeks.filter((w) => counts.some((c) => c.week === w));
  const labels = shown.map((w) => {
    const start = periodRange('isoweek', w).start;
    return `${start.slice(8, 10)}.${start.slice(5, 7)}`;
  });
  const zones: StackedBarsChart = {
    kind: 'stacked-bars',
    title: `Зоны риска клиентов за ${CHART_WEEKS} недель (индикатор churnguard)`,
    categories: labels,
    series: ZONE_SERIES.filter((z) => z.zone !== null || counts.some((c) => c.zone === null)).map((z) => ({
      name: z.name,
      color: z.color,
      values: shown.map((w) => counts.find((c) => c.week === w && c.zone === z.zone)?.n ?? 0),
    })),
    xTitle: 'Неделя (с понедельника)',
    yTitle: 'Клиентов',
  };
  const highOf = (cs: typeof counts, w: string) =>
    cs.some((c) => c.week === w) ? (cs.find((c) => c.week === w && c.zone === 'high')?.n ?? 0) : null;
  // Each series its own line: a week without the CRM's report is a gap in its line, not a value.
  const both: LinesChart = {
    kind: 'lines',
    title: 'Клиентов в зоне высокого риска: индикатор churnguard и индикатор КИС',
    categories: labels,
    series: [
      { name: 'Индикатор churnguard', color: 'red', values: shown.map((w) => highOf(counts, w)) },
      { name: 'Индикатор КИС (Фиксация отклонений)', color: 'purple', values: shown.map((w) => highOf(crmCounts, w)) },
    ],
    xTitle: 'Неделя (с понедельника)',
    yTitle: 'Клиентов',
  };
  const risers = await topRisers(app.pool, week, department, RISERS);
  const rising: HBarsChart = {
    kind: 'hbars',
    title: `${RISERS} клиентов с наибольшим ростом индикатора за неделю`,
    items: risers.map((r) => ({
      label: clientLabel(r),
      client: r.number,
      value: r.indicator_delta,
      note: `${scoreText(r.indicator - r.indicator_delta)} → ${scoreText(r.indicator)} (${r.indicator_source === 'crm' ? 'КИС' : 'churnguard'})`,
    })),
    valueTitle: 'Рост индикатора за неделю',
    format: 'score',
    color: 'red',
  };
  const charts: Chart[] = [zones];
  if (crmCounts.length) charts.push(both);
  if (risers.length) charts.push(rising);
  return shown.length ? charts : [];
}
