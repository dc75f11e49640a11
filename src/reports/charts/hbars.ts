/**
 * Horizontal bars, one row per item, for rankings: the 10 biggest risers of the risk
 * indicator, progress per specialist. Labels on the left, the value (and an optional note)
 * after each bar, the value axis with its title below.
 */
import { html } from '../../mail/render.js';
import { rowFrame } from './rows.js';
import { AXIS_COLOR, chartId, checkValue, emptyChart, formatValue, r, seriesColor, svgFrame, TEXT_COLOR, tickLabel } from './svg.js';
import type { ChartRenderOptions, HBarsChart } from './types.js';

const ROW = 24;
const BAR = 15;

export function hbarsSvg(chart: HBarsChart, opts: ChartRenderOptions = {}): string {
  const id = chartId(chart, opts);
  for (const [i, item] of chart.items.entries()) checkValue(chart, `item ${i + 1} (${item.label})`, item.value);
  if (!chart.items.some((item) => item.value > 0)) return emptyChart(chart, id);
  const format = chart.format ?? 'int';
  const color = seriesColor(chart.color, 0);
  const scaleMax = Math.max(chart.max ?? 0, ...chart.items.map((item) => item.value));
  // The value with its note, whole: read out, and shown on hover where the drawn text is cut.
  const values = chart.items.map((item) => formatValue(item.value, format) + (item.note ? ` (${item.note})` : ''));
  const { labels, texts, labelW, barArea, legend, top } = rowFrame(
    chart.items.map((item) => item.label),
    values,
    chart.valueTitle,
    color,
  );
  const x0 = r(labelW);
  const rows = chart.items.map((item, i) => {
    const y = top + i * ROW;
    const w = r((barArea * item.value) / scaleMax);
    const full = item.label === labels[i] ? '' : html`<title>${item.label}</title>`;
    const text = html`<text x="${r(labelW - 8)}" y="${y + 12}" text-anchor="end">${full}${labels[i]}</text>`;
    const href = item.client !== undefined && opts.clientHref ? opts.clientHref(item.client) : null;
    // A client's label opens its card: an SVG link, followed without any script.
    const label = href ? html`<a href="${href}" class="client">${text}</a>` : text;
    return html`<g class="bar" data-category="${i}">${label}<rect x="${x0}" y="${y + 1}" width="${w}" height="${BAR}" fill="${color}" data-value="${item.value}"><title>${item.label}: ${values[i]}</title></rect><text x="${r(x0 + w + 5)}" y="${y + 12}">${texts[i] === values[i] ? '' : html`<title>${values[i]}</title>`}${texts[i]}</text></g>`;
  });
  const bottom = top + chart.items.length * ROW;
  const endX = r(x0 + barArea);
  const axis = html`<g class="axes"><line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${bottom}" stroke="${AXIS_COLOR}"/><line x1="${x0}" y1="${bottom}" x2="${endX}" y2="${bottom}" stroke="${AXIS_COLOR}"/><text x="${x0}" y="${bottom + 14}" text-anchor="middle">${tickLabel(0, format)}</text><text x="${endX}" y="${bottom + 14}" text-anchor="middle">${tickLabel(scaleMax, format)}</text><text class="axis-title" x="${r((x0 + endX) / 2)}" y="${bottom + 30}" text-anchor="middle" font-style="italic">${chart.valueTitle}</text></g>`;
  const desc = `${chart.valueTitle}. ${chart.items.map((item, i) => `${item.label}: ${values[i]}`).join('; ')}.`;
  const linked = opts.clientHref !== undefined && chart.items.some((item) => item.client !== undefined);
  return svgFrame(
    chart,
    id,
    bottom + 40,
    chart.description ?? desc,
    html`${legend}<g fill="${TEXT_COLOR}">${axis}${rows}</g>`,
    '',
    linked ? 'group' : 'img',
  );
}
