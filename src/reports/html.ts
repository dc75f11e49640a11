/**
 * A report as one self-contained HTML page: inline CSS, charts as inline SVG, no scripts, no
 * web fonts, no request to anything but the page itself (a Content-Security-Policy says so to
 * the browser too). Russian, readable on a 360 px phone, printable. Every value is escaped:
 * the markup is built with the `html` tag, which escapes whatever it interpolates.
 */

import { ruDateTime } from '../domain/formats.js';
import { html, SafeHtml } from '../mail/render.js';
import { renderChart } from './charts/index.js';
import { REPORT_CSS } from './html-style.js';
import { formatCell } from './render.js';
import type { ColumnType, Report, ReportColumn, ReportRow, ReportSection } from './types.js';

/** Options of the HTML renderers. */
export interface HtmlOptions {
  /** Time zone of dates and times (the RIC's). */
  tz?: string;
  /** Printed as «Сформирован …»; pass `now()` (the renderers never read the clock). */
  generatedAt?: Date;
  /**
   * In the diary: a client in a text cell (`193254 - Name`, as `clientLabel` writes it) links to
   * its card, `/diary/clients/<number>`. Off for the self-contained pages of `--format html`.
   */
  clientLinks?: boolean;
}

/** `193254 - Name` or `000123 - Name` at the start of a cell: the client's number. */
const CLIENT_CELL = /^(\d{1,8}) - \S/;

/** Nothing but the page itself and its inline styles: no scripts, no fetches, no forms. */
const CSP = new SafeHtml("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");

const NUMERIC: ReadonlySet<ColumnType> = new Set(['int', 'number', 'score', 'money', 'percent']);

function cellClass(type: ColumnType | undefined): string {
  if (type && NUMERIC.has(type)) return 'num';
  return type === 'date' || type === 'datetime' ? 'date' : 'text';
}

/** What a page other than a report (the diary) changes: its policy and more styles. */
export interface PageOptions {
  /** Content-Security-Policy instead of the reports' (which allows no forms). */
  csp?: string;
  /** Appended to the reports' stylesheet. */
  css?: string;
}

/** A page around `body`, with the stylesheet inlined. */
export function htmlPage(title: string, body: SafeHtml, opts: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${opts.csp ?? CSP}">
<title>${title}</title>
<style>${new SafeHtml(REPORT_CSS + (opts.css ?? ''))}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** «Сформирован 03.06.2024 09:00» (nothing without a time). */
export function generatedLine(opts: HtmlOptions): SafeHtml {
  return opts.generatedAt ? html`<p class="meta">Сформирован ${ruDateTime(opts.generatedAt, opts.tz).slice(0, 16)}</p>` : html``;
}

function cell(c: ReportColumn, v: unknown, opts: HtmlOptions): SafeHtml | string {
  const text = formatCell(v, c.type, opts.tz);
  const client = opts.clientLinks && (c.type ?? 'text') === 'text' ? CLIENT_CELL.exec(text) : null;
  return client ? html`<a href="/diary/clients/${Number(client[1])}">${text}</a>` : text;
}

function row(columns: ReportColumn[], r: ReportRow, opts: HtmlOptions): SafeHtml {
  return html`<tr>${columns.map((c) => html`<td class="${cellClass(c.type)}">${cell(c, r[c.key], opts)}</td>`)}</tr>`;
}

function sectionTable(s: ReportSection, caption: string, opts: HtmlOptions): SafeHtml {
  if (!s.rows.length && !s.totals) return html`<p class="empty">нет данных</p>`;
  const head = s.columns.map((c) => html`<th scope="col" class="${cellClass(c.type) === 'num' ? 'num' : ''}">${c.header}</th>`);
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0"><table>
<thead><tr>${head}</tr></thead>
<tbody>${s.rows.map((r) => row(s.columns, r, opts))}</tbody>${s.totals ? html`<tfoot>${row(s.columns, s.totals, { tz: opts.tz })}</tfoot>` : ''}
</table></div>`;
}

/** The heading tag of a level: pages use h1 for the report, the overview h2. */
function heading(level: number, text: string): SafeHtml {
  const tag = new SafeHtml(`h${Math.min(6, level)}`);
  return html`<${tag}>${text}</${tag}>`;
}

export interface ReportBodyOptions extends HtmlOptions {
  /** Heading level of the report's title (1 on its own page, 2 in the overview). */
  level: number;
  /** Prefix of ids inside the report (its charts'), unique on the page. */
  idPrefix: string;
}

/** The report's charts: one figure each, captioned with the chart's title. */
export function reportCharts(report: Report, idPrefix: string, opts: HtmlOptions = {}): SafeHtml {
  if (!report.charts?.length) return html``;
  const clientHref = opts.clientLinks ? (n: number) => `/diary/clients/${n}` : undefined;
  const figures = report.charts.map(
    (chart, i) =>
      html`<figure><figcaption>${chart.title}</figcaption>${new SafeHtml(renderChart(chart, { id: `${idPrefix}-chart-${i + 1}`, clientHref }))}</figure>`,
  );
  return html`<div class="charts">${figures}</div>`;
}

/** The report's sections: a heading (when titled), the table, the notes. */
export function reportSections(report: Report, opts: ReportBodyOptions): SafeHtml {
  return html`${report.sections.map((s) => {
    const caption = s.title ?? report.title;
    const notes = s.notes?.length ? html`<ul class="notes">${s.notes.map((n) => html`<li>${n}</li>`)}</ul>` : '';
    return html`<section>${s.title ? heading(opts.level + 1, s.title) : ''}${sectionTable(s, caption, opts)}${notes}</section>
`;
  })}`;
}

/** One report without the page around it: title, subtitle, charts, sections. */
export function reportBody(report: Report, opts: ReportBodyOptions): SafeHtml {
  const sub = report.subtitle ? html`<p class="subtitle">${report.subtitle}</p>` : '';
  const meta = opts.level === 1 ? generatedLine(opts) : '';
  return html`<header class="${opts.level === 1 ? 'page' : 'report-head'}">${heading(opts.level, report.title)}${sub}${meta}</header>
${reportCharts(report, opts.idPrefix, opts)}
${reportSections(report, opts)}`;
}

/** `admin report <name> --format html`: the report on a page of its own. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const title = report.subtitle ? `${report.title} — ${report.subtitle}` : report.title;
  return htmlPage(title, reportBody(report, { ...opts, level: 1, idPrefix: slug(report.name) }));
}

/** An id-safe form of a report name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'report';
}
