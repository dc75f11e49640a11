/**
 * What every chart shares: the palette, text measuring, value formatting, the legend, the
 * `<svg>` frame with its `<title>`/`<desc>`, and the "нет данных" placeholder. Markup is built
 * with the `html` tag, so every interpolated label is escaped.
 */
import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '../../mail/render.js';
import { formatCell } from '../render.js';
import type { Chart, ChartColor, ChartRenderOptions, ValueFormat } from './types.js';

/**
 * Colour-blind-safe hues of clearly different lightness, so series stay apart on a grey
 * printout too (the page asks browsers to print backgrounds and colours as shown).
 */
export const PALETTE: Readonly<Record<ChartColor, string>> = {
  blue: '#1f5fa8',
  amber: '#e0a100',
  green: '#2e7d32',
  red: '#c62828',
  purple: '#7b3f9e',
  teal: '#4fb3bf',
  brown: '#8d5a3b',
  grey: '#8a8a8a',
};

/** Series without a colour of their own take these in turn (red and green last: they mean zones). */
const SERIES_ORDER: readonly ChartColor[] = ['blue', 'amber', 'teal', 'purple', 'brown', 'grey', 'green', 'red'];

export function seriesColor(color: ChartColor | undefined, index: number): string {
  return PALETTE[color ?? (SERIES_ORDER[index % SERIES_ORDER.length] as ChartColor)];
}

/** Width of the whole chart in SVG units; the page scales it down to the screen. */
export const WIDTH = 480;
export const FONT_SIZE = 12;
const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
export const TEXT_COLOR = '#222';
export const AXIS_COLOR = '#555';
export const GRID_COLOR = '#ddd';

/**
 * Rough width of one character in em: there are no font metrics on the server, so this is a
 * generous guess after DejaVu Sans (Debian's default sans-serif, among the widest): better a
 * label cut a little early than one running off the chart.
 */
function charWidth(c: string): number {
  if (c === ' ' || c === '.' || c === ',' || c === ':' || c === '·' || c === '(' || c === ')') return 0.36;
  if (c >= '0' && c <= '9') return 0.64;
  return c !== c.toLowerCase() ? 0.74 : 0.64;
}

/** Rough width of a label in SVG units. */
export function textWidth(text: string, size = FONT_SIZE): number {
  let em = 0;
  for (const c of text) em += charWidth(c);
  return em * size;
}

/** The label cut to fit `width` with an ellipsis (the full text stays in the tooltip). */
export function fitText(text: string, width: number, size = FONT_SIZE): string {
  if (textWidth(text, size) <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join('').trimEnd()}…`, size) > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** A value as the report tables print it. */
export function formatValue(v: number, format: ValueFormat = 'int'): string {
  return formatCell(v, format);
}

/** An axis tick: whole numbers without decimals, shares as percents. */
export function tickLabel(v: number, format: ValueFormat = 'int'): string {
  if (format === 'percent') return formatCell(v, 'percent');
  return formatCell(v, Number.isInteger(v) ? 'int' : 'number');
}

/** Round to 0.01 of an SVG unit: short markup, same picture. */
export function r(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Axis ticks from 0 to a round number ≥ `max` (1, 2, 2.5, 5 × 10ⁿ steps; whole steps for counts). */
export function niceTicks(max: number, format: ValueFormat = 'int', count = 4): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  if (format === 'int') step = Math.max(1, Math.ceil(step));
  const n = Math.ceil(top / step - 1e-9);
  return Array.from({ length: n + 1 }, (_v, i) => Number((i * step).toPrecision(12)));
}

/** Bad chart data is a programming error of the report module: say which chart and where. */
export function checkValue(chart: Chart, where: string, v: number | null, allowNegative = false): void {
  if (v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || (!allowNegative && v < 0)) {
    throw new Error(`chart "${chart.title}": ${where} is ${String(v)} (expected a finite number${allowNegative ? '' : ' ≥ 0'})`);
  }
}

export interface LegendItem {
  label: string;
  color: string;
  /** Lines: a stroke sample with this dash pattern instead of a square swatch. */
  dash?: string;
  /** A tinted swatch (a band behind the lines). */
  opacity?: number;
}

/** Swatches with labels, wrapped into rows across the chart's width. */
export function legend(items: LegendItem[], top: number): { svg: SafeHtml; height: number } {
  const rowH = 18;
  let x = 8;
  let y = top;
  const parts: SafeHtml[] = [];
  for (const item of items) {
    const label = fitText(item.label, WIDTH - 40);
    const w = 22 + textWidth(label) + 14;
    if (x > 8 && x + w > WIDTH - 8) {
      x = 8;
      y += rowH;
    }
    const swatch =
      item.dash !== undefined
        ? html`<line x1="${x}" y1="${y + 7}" x2="${x + 16}" y2="${y + 7}" stroke="${item.color}" stroke-width="3" stroke-dasharray="${item.dash || 'none'}"/>`
        : html`<rect x="${x}" y="${y + 1}" width="12" height="12" fill="${item.color}"${item.opacity === undefined ? '' : html` fill-opacity="${item.opacity}" stroke="${item.color}"`}/>`;
    parts.push(html`<g class="legend-item">${swatch}<text x="${x + 20}" y="${y + 11}">${label}</text></g>`);
    x = r(x + w);
  }
  return { svg: html`<g class="legend" fill="${TEXT_COLOR}">${parts}</g>`, height: items.length ? y - top + rowH : 0 };
}

/** The chart's id prefix: given, or a short hash of its data (stable across renders). */
export function chartId(chart: Chart, opts: ChartRenderOptions = {}): string {
  if (opts.id) return opts.id.replace(/[^A-Za-z0-9_-]/g, '-');
  return `chart-${createHash('sha1').update(JSON.stringify(chart)).digest('hex').slice(0, 10)}`;
}

/** The `<svg>` element around a chart's body, accessible by its title and `desc`ription. */
export function svgFrame(
  chart: Chart,
  id: string,
  height: number,
  desc: string,
  body: SafeHtml,
  extraClass = '',
  /** `group` when the chart holds links: an `img` hides its children (and so its links) from screen readers. */
  role: 'img' | 'group' = 'img',
): string {
  const h = Math.ceil(height);
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${chart.kind}${extraClass}" viewBox="0 0 ${WIDTH} ${h}" width="${WIDTH}" height="${h}" role="${role}" aria-labelledby="${id}-title ${id}-desc" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}"><title id="${id}-title">${chart.title}</title><desc id="${id}-desc">${desc}</desc>${body}</svg>`
    .value;
}

/** Placeholder when a chart has nothing to draw: a framed box saying so. */
export function emptyChart(chart: Chart, id: string): string {
  const body = html`<rect x="1" y="1" width="${WIDTH - 2}" height="78" rx="4" fill="#fafafa" stroke="${GRID_COLOR}"/><text class="empty" x="${WIDTH / 2}" y="45" text-anchor="middle" fill="#666" font-size="14">нет данных</text>`;
  return svgFrame(chart, id, 80, 'Нет данных.', body, ' chart-empty');
}
