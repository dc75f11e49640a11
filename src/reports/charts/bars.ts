/**
 * Bars over categories: one bar per series side by side in each category's band (a single
 * series gives simple bars). Values are printed above the bars when there is room.
 */
import { html } from '../../mail/render.js';
import { categoryFrame, checkCategoryChart, describeCategories } from './axes.js';
import { chartId, emptyChart, formatValue, r, seriesColor, svgFrame, TEXT_COLOR, textWidth } from './svg.js';
import type { BarsChart, ChartRenderOptions } from './types.js';

export function barsSvg(chart: BarsChart, opts: ChartRenderOptions = {}): string {
  const id = chartId(chart, opts);
  if (checkCategoryChart(chart) || chart.series.length === 0) return emptyChart(chart, id);
  const format = chart.format ?? 'int';
  const colors = chart.series.map((s, i) => seriesColor(s.color, i));
  const max = Math.max(...chart.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const f = categoryFrame(
    chart,
    max,
    chart.series.map((s, i) => ({ label: s.name, color: colors[i] as string })),
  );
  const group = f.band * 0.8;
  const barW = r(Math.max(1, group / chart.series.length));
  const groups = chart.categories.map((c, i) => {
    const gx = f.x(i) + (f.band - group) / 2;
    const bars = chart.series.map((s, si) => {
      const v = s.values[i];
      if (v === null || v === undefined) return '';
      const bx = r(gx + si * barW);
      const text = formatValue(v, format);
      const label =
        textWidth(text, 10) <= barW + 2
          ? html`<text x="${r(bx + barW / 2)}" y="${r(f.y(v) - 3)}" text-anchor="middle" font-size="10" fill="${TEXT_COLOR}">${text}</text>`
          : '';
      return html`<rect x="${bx}" y="${f.y(v)}" width="${barW}" height="${r(f.bottom - f.y(v))}" fill="${colors[si]}" data-series="${si}" data-value="${v}"><title>${c}: ${s.name} — ${text}</title></rect>${label}`;
    });
    return html`<g class="bar" data-category="${i}">${bars}</g>`;
  });
  return svgFrame(chart, id, f.height, chart.description ?? describeCategories(chart), html`${f.svg}${groups}`);
}
