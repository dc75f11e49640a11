/**
 * Stacked bars over categories: one bar per category, split bottom-up into the series
 * (zones of all clients per week). The bar's total is printed above it when there is room.
 */
import { html } from '../../mail/render.js';
import { categoryFrame, checkCategoryChart, describeCategories } from './axes.js';
import { chartId, emptyChart, formatValue, r, seriesColor, svgFrame, TEXT_COLOR, textWidth } from './svg.js';
import type { ChartRenderOptions, StackedBarsChart } from './types.js';

export function stackedBarsSvg(chart: StackedBarsChart, opts: ChartRenderOptions = {}): string {
  const id = chartId(chart, opts);
  if (checkCategoryChart(chart) || chart.series.length === 0) return emptyChart(chart, id);
  const format = chart.format ?? 'int';
  const totals = chart.categories.map((_c, i) => chart.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const colors = chart.series.map((s, i) => seriesColor(s.color, i));
  const f = categoryFrame(
    chart,
    Math.max(...totals),
    chart.series.map((s, i) => ({ label: s.name, color: colors[i] as string })),
  );
  const barW = r(Math.max(2, f.band * 0.7));
  const bars = chart.categories.map((c, i) => {
    const bx = r(f.x(i) + (f.band - barW) / 2);
    let base = 0;
    const segments = chart.series.map((s, si) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return '';
      const y0 = f.y(base);
      base += v;
      const y1 = f.y(base);
      return html`<rect x="${bx}" y="${y1}" width="${barW}" height="${r(y0 - y1)}" fill="${colors[si]}" data-series="${si}" data-value="${v}"><title>${c}: ${s.name} — ${formatValue(v, format)}</title></rect>`;
    });
    const total = formatValue(totals[i] as number, format);
    const label =
      textWidth(total, 11) <= f.band
        ? html`<text x="${r(bx + barW / 2)}" y="${r(f.y(base) - 4)}" text-anchor="middle" font-size="11" fill="${TEXT_COLOR}">${total}</text>`
        : '';
    return html`<g class="bar" data-category="${i}">${segments}${label}</g>`;
  });
  return svgFrame(chart, id, f.height, chart.description ?? describeCategories(chart), html`${f.svg}${bars}`);
}
