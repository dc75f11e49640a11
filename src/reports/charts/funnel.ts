/**
 * A funnel: one centred bar per step, as wide as its count, joined by light bands; each step
 * shows its count and its share of the first step (selected → sent → delivered → clicked →
 * call held → feedback recorded). The tooltip adds the share of the previous step.
 */
import { html } from '../../mail/render.js';
import { rowFrame } from './rows.js';
import { chartId, checkValue, emptyChart, formatValue, r, seriesColor, svgFrame, TEXT_COLOR } from './svg.js';
import type { ChartRenderOptions, FunnelChart } from './types.js';

const ROW = 30;
const BAR = 20;

function share(part: number, whole: number): string {
  return whole > 0 ? formatValue(part / whole, 'percent') : '—';
}

export function funnelSvg(chart: FunnelChart, opts: ChartRenderOptions = {}): string {
  const id = chartId(chart, opts);
  for (const [i, step] of chart.steps.entries()) checkValue(chart, `step ${i + 1} (${step.label})`, step.value);
  if (!chart.steps.some((step) => step.value > 0)) return emptyChart(chart, id);
  const color = seriesColor(chart.color, 0);
  const first = (chart.steps[0] as { value: number }).value;
  const scaleMax = Math.max(...chart.steps.map((s) => s.value));
  const { labels, texts, labelW, barArea, legend, top } = rowFrame(
    chart.steps.map((s) => s.label),
    chart.steps.map((s) => `${formatValue(s.value, 'int')} · ${share(s.value, first)}`),
    `${chart.valueTitle} (доля от шага «${chart.steps[0]?.label}»)`,
    color,
  );
  const mid = labelW + barArea / 2;
  const widths = chart.steps.map((s) => (barArea * s.value) / scaleMax);
  const joins = widths.slice(1).map((w, i) => {
    const above = widths[i] as number;
    const y0 = top + i * ROW + BAR + 2;
    const y1 = y0 + ROW - BAR - 2;
    return html`<polygon points="${r(mid - above / 2)},${y0} ${r(mid + above / 2)},${y0} ${r(mid + w / 2)},${y1} ${r(mid - w / 2)},${y1}" fill="${color}" fill-opacity="0.18"/>`;
  });
  const steps = chart.steps.map((s, i) => {
    const y = top + i * ROW + 1;
    const w = widths[i] as number;
    const prev = i > 0 ? `, ${share(s.value, (chart.steps[i - 1] as { value: number }).value)} от предыдущего шага` : '';
    const full = s.label === labels[i] ? '' : html`<title>${s.label}</title>`;
    return html`<g class="step" data-category="${i}"><text x="${r(labelW - 8)}" y="${y + 15}" text-anchor="end">${full}${labels[i]}</text><rect x="${r(mid - w / 2)}" y="${y}" width="${r(w)}" height="${BAR}" fill="${color}" data-value="${s.value}"><title>${s.label}: ${formatValue(s.value, 'int')} — ${share(s.value, first)} от первого шага${prev}</title></rect><text x="${r(labelW + barArea + 6)}" y="${y + 15}">${texts[i]}</text></g>`;
  });
  const desc = `${chart.valueTitle} по шагам. ${chart.steps.map((s, i) => `${s.label}: ${texts[i]}`).join('; ')}.`;
  const height = top + chart.steps.length * ROW + 4;
  return svgFrame(chart, id, height, chart.description ?? desc, html`${legend}<g fill="${TEXT_COLOR}">${joins}${steps}</g>`);
}
