/**
 * The frame of the row charts (horizontal bars, funnel): a one-entry legend on top, then one
 * row per item with its label in a left column, its bar in the middle, its value text in a
 * right column. Labels and value texts are cut to fit their columns.
 */
import type { SafeHtml } from '../../mail/render.js';
import { fitText, legend, textWidth, WIDTH } from './svg.js';

export interface RowFrame {
  /** Labels as drawn (cut with … when too long). */
  labels: string[];
  /** Value texts as drawn. */
  texts: string[];
  /** Width of the label column; bars start here. */
  labelW: number;
  /** Width of the bar column. */
  barArea: number;
  /** The legend's markup, and where the first row starts. */
  legend: SafeHtml;
  top: number;
}

export function rowFrame(labels: string[], texts: string[], legendLabel: string, color: string): RowFrame {
  const drawnLabels = labels.map((l) => fitText(l, 160));
  const drawnTexts = texts.map((t) => fitText(t, 150));
  const labelW = Math.max(...drawnLabels.map((l) => textWidth(l))) + 10;
  const valueW = Math.max(...drawnTexts.map((t) => textWidth(t))) + 10;
  const leg = legend([{ label: legendLabel, color }], 6);
  return {
    labels: drawnLabels,
    texts: drawnTexts,
    labelW,
    barArea: WIDTH - 10 - labelW - valueW,
    legend: leg.svg,
    top: 6 + leg.height + 8,
  };
}
