/**
 * Charts are data, not markup: a report module puts {@link Chart} objects on its
 * `Report.charts`, and the HTML renderer turns each into inline SVG with `renderChart`.
 * Every label is plain text (escaped when drawn); every number is a plain value, formatted the
 * Russian way by its {@link ValueFormat}.
 *
 * Kinds:
 * - `stacked-bars`: one bar per category split into series (zones of all clients per week);
 * - `bars`: one bar per category and series, side by side (a single series = simple bars);
 * - `lines`: one line per series over the categories (share per month per department);
 * - `hbars`: one horizontal bar per item, for rankings (top-10 risers, progress per specialist);
 * - `funnel`: steps each narrower than the last (selected → sent → … → feedback).
 */

/** How values are printed: as report columns of the same type (`percent`: 0.42 → `42 %`). */
export type ValueFormat = 'int' | 'number' | 'score' | 'money' | 'percent';

/**
 * The fixed palette (see `PALETTE` in svg.ts). Names, not hex codes, so charts stay consistent
 * and printable; zones use `red` (high risk), `amber` (dynamic risk) and `green` (no threat).
 */
export type ChartColor = 'blue' | 'amber' | 'green' | 'red' | 'purple' | 'teal' | 'brown' | 'grey';

/** One named row of values, aligned with the chart's categories. */
export interface ChartSeries {
  /** Legend text, in Russian (e.g. `Высокий риск`). */
  name: string;
  /** One value per category; `null` = no value (a gap in a line, nothing in a bar). */
  values: (number | null)[];
  /** Defaults to the palette in order. */
  color?: ChartColor;
}

interface ChartBase {
  /** Russian title: the figure caption on the page and the SVG `<title>`. */
  title: string;
  /** One or two sentences for screen readers (SVG `<desc>`); by default the data are read out. */
  description?: string;
}

/** Category charts share an x axis of labels and a y axis of values. */
interface CategoryChart extends ChartBase {
  /** X-axis labels, in order (e.g. weeks `03.06`, months `июнь 2024`). */
  categories: string[];
  series: ChartSeries[];
  /** X-axis title (e.g. `Неделя`). */
  xTitle: string;
  /** Y-axis title (e.g. `Клиентов`). */
  yTitle: string;
  /** Default `int`. */
  format?: ValueFormat;
  /** Top of the y axis (e.g. 1 for shares); default: a round number above the largest value. */
  yMax?: number;
}

export interface StackedBarsChart extends CategoryChart {
  kind: 'stacked-bars';
}

export interface BarsChart extends CategoryChart {
  kind: 'bars';
}

/** A band of values drawn behind the lines (a zone of the risk indicator). */
export interface ChartBand {
  /** Legend text, in Russian (e.g. `Высокий риск`). */
  name: string;
  from: number;
  /** Up to the top of the axis when absent. */
  to?: number;
  color: ChartColor;
}

export interface LinesChart extends CategoryChart {
  kind: 'lines';
  /** Value bands behind the lines, lightly tinted, listed in the legend after the lines. */
  bands?: ChartBand[];
}

/** One bar of a horizontal ranking. */
export interface HBarItem {
  /** Row label (a client, a specialist). */
  label: string;
  value: number;
  /** Printed after the value (e.g. `12 из 40`, `0,24 → 0,41`). */
  note?: string;
  /** The client's number when the row is a client: with `clientHref` its label links to the card. */
  client?: number;
}

export interface HBarsChart extends ChartBase {
  kind: 'hbars';
  /** Drawn top to bottom in the given order. */
  items: HBarItem[];
  /** What the bars measure (value-axis title and legend), e.g. `Рост индикатора`. */
  valueTitle: string;
  /** Default `int`. */
  format?: ValueFormat;
  /** Full length of a bar (e.g. 1 for progress shares); default: the largest value. */
  max?: number;
  color?: ChartColor;
}

/** One step of a funnel. */
export interface FunnelStep {
  label: string;
  value: number;
}

export interface FunnelChart extends ChartBase {
  kind: 'funnel';
  /** From the widest (first) to the narrowest; each shown with its share of the first step. */
  steps: FunnelStep[];
  /** What the steps count (legend), e.g. `Клиентов`. */
  valueTitle: string;
  color?: ChartColor;
}

export type Chart = StackedBarsChart | BarsChart | LinesChart | HBarsChart | FunnelChart;

/** Options of the SVG renderers. */
export interface ChartRenderOptions {
  /**
   * Prefix of the ids inside the SVG (`<title id>`, `<desc id>`); must be unique on a page
   * holding several charts. Default: derived from the chart's content.
   */
  id?: string;
  /**
   * The address of a client's card (in the diary: `/diary/clients/<number>`). When given, the
   * label of a row that names a client is a link (an SVG `<a>`, no script needed); the
   * self-contained pages of `--format html` leave it out.
   */
  clientHref?: (number: number) => string;
}
