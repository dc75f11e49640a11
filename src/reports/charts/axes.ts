/**
 * The frame of the category charts (stacked bars, bars, lines): legend on top, value axis on
 * the left with grid lines, one band per category along the bottom with its label (turned
 * when labels are wider than their band, thinned out when bands are very narrow), and the two
 * axis titles.
 */
import { html, type SafeHtml } from '../../mail/render.js';
import {
  AXIS_COLOR,
  checkValue,
  FONT_SIZE,
  fitText,
  formatValue,
  GRID_COLOR,
  type LegendItem,
  legend,
  niceTicks,
  r,
  TEXT_COLOR,
  textWidth,
  tickLabel,
  WIDTH,
} from './svg.js';
import type { BarsChart, LinesChart, StackedBarsChart } from './types.js';

export type CategoryChart = StackedBarsChart | BarsChart | LinesChart;

/** Where things go in a category chart. */
export interface CategoryFrame {
  /** Plot box in SVG units. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Width of one category's band. */
  band: number;
  /** The value at the top of the axis. */
  axisMax: number;
  /** SVG y of a value. */
  y(v: number): number;
  /** Left edge of category `i`'s band. */
  x(i: number): number;
  /** Legend, grid, axes, labels and titles. */
  svg: SafeHtml;
  /** Height of the whole chart. */
  height: number;
}

const PLOT_HEIGHT = 200;
const MAX_LABEL_WIDTH = 110;
const TURN = 40; // degrees a crowded x label is turned by

/** Throws on ragged series or bad values; true when there is nothing but zeros and gaps. */
export function checkCategoryChart(chart: CategoryChart): boolean {
  let any = false;
  for (const s of chart.series) {
    if (s.values.length !== chart.categories.length) {
      throw new Error(`chart "${chart.title}": series "${s.name}" has ${s.values.length} values for ${chart.categories.length} categories`);
    }
    s.values.forEach((v, i) => {
      checkValue(chart, `series "${s.name}" value ${i + 1} (${chart.categories[i]})`, v);
      if (v) any = true;
    });
  }
  return !any;
}

function axisTicks(dataMax: number, chart: CategoryChart): number[] {
  const format = chart.format ?? 'int';
  if (chart.yMax === undefined || dataMax > chart.yMax) return niceTicks(dataMax, format);
  const ticks = niceTicks(chart.yMax, format).filter((t) => t <= (chart.yMax as number) + 1e-9);
  if ((ticks.at(-1) as number) < chart.yMax) ticks.push(chart.yMax);
  return ticks;
}

export function categoryFrame(chart: CategoryChart, dataMax: number, items: LegendItem[]): CategoryFrame {
  const format = chart.format ?? 'int';
  const leg = legend(items, 6);
  const top = 6 + leg.height + 16;
  const bottom = top + PLOT_HEIGHT;
  const ticks = axisTicks(dataMax, chart);
  const axisMax = ticks.at(-1) as number;
  const tickTexts = ticks.map((t) => tickLabel(t, format));
  const left = 20 + Math.max(...tickTexts.map((t) => textWidth(t))) + 8;
  const right = WIDTH - 10;
  const n = chart.categories.length;
  const band = (right - left) / n;
  const y = (v: number) => r(bottom - (PLOT_HEIGHT * v) / axisMax);
  const x = (i: number) => r(left + i * band);

  const labels = chart.categories.map((c) => fitText(c, MAX_LABEL_WIDTH));
  const widest = Math.max(...labels.map((l) => textWidth(l)));
  const turned = widest > band - 4;
  const every = turned ? Math.ceil((FONT_SIZE + 4) / band) : 1;
  const labelArea = turned ? widest * Math.sin((TURN * Math.PI) / 180) + FONT_SIZE + 8 : FONT_SIZE + 8;

  const grid = ticks.map(
    (t, i) =>
      html`<line x1="${r(left)}" y1="${y(t)}" x2="${right}" y2="${y(t)}" stroke="${t === 0 ? AXIS_COLOR : GRID_COLOR}"/><text x="${r(left - 6)}" y="${y(t) + 4}" text-anchor="end">${tickTexts[i]}</text>`,
  );
  const xLabels = labels.map((l, i) => {
    if (i % every !== 0) return '';
    const cx = r(x(i) + band / 2);
    const full = chart.categories[i] as string;
    const tip = l === full ? '' : html`<title>${full}</title>`;
    return turned
      ? html`<text x="${cx}" y="${bottom + 14}" text-anchor="end" transform="rotate(-${TURN} ${cx} ${bottom + 14})">${tip}${l}</text>`
      : html`<text x="${cx}" y="${bottom + 16}" text-anchor="middle">${tip}${l}</text>`;
  });
  const titleY = r(bottom + labelArea + 14);
  const midY = r((top + bottom) / 2);
  const svg = html`${leg.svg}<g class="axes" fill="${TEXT_COLOR}">${grid}<line x1="${r(left)}" y1="${top}" x2="${r(left)}" y2="${bottom}" stroke="${AXIS_COLOR}"/>${xLabels}<text class="axis-title" x="${r((left + right) / 2)}" y="${titleY}" text-anchor="middle" font-style="italic">${chart.xTitle}</text><text class="axis-title" x="12" y="${midY}" text-anchor="middle" font-style="italic" transform="rotate(-90 12 ${midY})">${chart.yTitle}</text></g>`;
  return { left, right, top, bottom, band, axisMax, y, x, svg, height: titleY + 8 };
}

/** The data read out for screen readers: each category with each series' value. */
export function describeCategories(chart: CategoryChart): string {
  const format = chart.format ?? 'int';
  const parts = chart.categories.map((c, i) => {
    const vals = chart.series.map((s) => {
      const v = s.values[i];
      return `${s.name} — ${v === null || v === undefined ? 'нет значения' : formatValue(v, format)}`;
    });
    return `${c}: ${vals.join(', ')}`;
  });
  return `${chart.yTitle} по оси «${chart.xTitle}». ${parts.join('; ')}.`;
}
