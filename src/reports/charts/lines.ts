/**
 * Lines over categories: one line per series with a marker at each value (share of clients
 * with a held ЛПР contact per month, one line per department). Lines differ in colour and in
 * dash pattern, so they stay apart on a grey printout; a `null` value breaks the line.
 */
import { html, type SafeHtml } from '../../mail/render.js';
import { categoryFrame, checkCategoryChart, describeCategories } from './axes.js';
import { chartId, emptyChart, formatValue, PALETTE, r, seriesColor, svgFrame } from './svg.js';
import type { ChartRenderOptions, LinesChart } from './types.js';

const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 4', '12 4'];
/** Bands are tints: the lines and the grid stay readable over them, in print too. */
const BAND_OPACITY = 0.14;

export function linesSvg(chart: LinesChart, opts: ChartRenderOptions = {}): string {
  const id = chartId(chart, opts);
  checkCategoryChart(chart);
  const hasValue = chart.series.some((s) => s.values.some((v) => v !== null));
  if (!hasValue) return emptyChart(chart, id);
  const format = chart.format ?? 'int';
  const colors = chart.series.map((s, i) => seriesColor(s.color, i));
  const dashes = chart.series.map((_s, i) => DASHES[i % DASHES.length] as string);
  const max = Math.max(...chart.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const bands = chart.bands ?? [];
  const f = categoryFrame(chart, max, [
    ...chart.series.map((s, i) => ({ label: s.name, color: colors[i] as string, dash: dashes[i] })),
    ...bands.map((b) => ({ label: b.name, color: PALETTE[b.color], opacity: BAND_OPACITY })),
  ]);
  const bandRects = bands.map((b) => {
    const top = f.y(Math.min(b.to ?? f.axisMax, f.axisMax));
    const bottom = f.y(Math.max(0, Math.min(b.from, f.axisMax)));
    return html`<rect class="band" x="${r(f.left)}" y="${top}" width="${r(f.right - f.left)}" height="${r(Math.max(0, bottom - top))}" fill="${PALETTE[b.color]}" fill-opacity="${BAND_OPACITY}"/>`;
  });
  const cx = (i: number) => r(f.x(i) + f.band / 2);
  const lines = chart.series.map((s, si) => {
    // Runs of consecutive values; a gap (null) starts a new run.
    const runs: string[][] = [];
    let run: string[] | null = null;
    s.values.forEach((v, i) => {
      if (v === null) {
        run = null;
        return;
      }
      if (!run) {
        run = [];
        runs.push(run);
      }
      run.push(`${cx(i)},${f.y(v)}`);
    });
    const paths = runs.map(
      (points) =>
        html`<polyline points="${points.join(' ')}" fill="none" stroke="${colors[si]}" stroke-width="2.5" stroke-dasharray="${dashes[si] || 'none'}" stroke-linejoin="round"/>`,
    );
    const markers: SafeHtml[] = [];
    s.values.forEach((v, i) => {
      if (v === null) return;
      markers.push(
        html`<circle cx="${cx(i)}" cy="${f.y(v)}" r="3.5" fill="${colors[si]}" data-series="${si}" data-value="${v}"><title>${chart.categories[i]}: ${s.name} — ${formatValue(v, format)}</title></circle>`,
      );
    });
    return html`<g class="line" data-series="${si}">${paths}${markers}</g>`;
  });
  return svgFrame(chart, id, f.height, chart.description ?? describeCategories(chart), html`${bandRects}${f.svg}${lines}`);
}
