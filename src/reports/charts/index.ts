/** `renderChart`: any {@link Chart} to an inline SVG string, by its kind. */
import { barsSvg } from './bars.js';
import { funnelSvg } from './funnel.js';
import { hbarsSvg } from './hbars.js';
import { linesSvg } from './lines.js';
import { stackedBarsSvg } from './stacked-bars.js';
import type { Chart, ChartRenderOptions } from './types.js';

export type * from './types.js';
export { barsSvg, funnelSvg, hbarsSvg, linesSvg, stackedBarsSvg };

export function renderChart(chart: Chart, opts: ChartRenderOptions = {}): string {
  switch (chart.kind) {
    case 'stacked-bars':
      return stackedBarsSvg(chart, opts);
    case 'bars':
      return barsSvg(chart, opts);
    case 'lines':
      return linesSvg(chart, opts);
    case 'hbars':
      return hbarsSvg(chart, opts);
    case 'funnel':
      return funnelSvg(chart, opts);
    default:
      throw new Error(`unknown chart kind "${(chart as { kind: string }).kind}"`);
  }
}
