/**
 * The overview: several reports on one page, each with its charts and tables, under a table
 * of contents — what a head of the desk opens first (`admin report overview --format html`).
 */
import type { App } from '../app.js';
import { html } from '../mail/render.js';
import { generatedLine, type HtmlOptions, htmlPage, reportBody, slug } from './html.js';
import { getReport, OVERVIEW } from './index.js';
import type { Report } from './types.js';

/** The seed's name of the desk's work. */
export const OVERVIEW_TITLE = 'Работа дистанционного сервиса по профилактике отключений';

export interface OverviewOptions extends HtmlOptions {
  /** Default {@link OVERVIEW_TITLE}. */
  title?: string;
  /** Under the title, e.g. the RIC's name. */
  subtitle?: string;
}

/** Build the reports of the overview ({@link OVERVIEW}), in order, each with its default options. */
export async function buildOverview(app: App, names: readonly string[] = OVERVIEW): Promise<Report[]> {
  const reports: Report[] = [];
  for (const name of names) {
    const def = getReport(name);
    if (!def) throw new Error(`overview: report "${name}" is not registered in src/reports/index.ts`);
    reports.push(await def.build(app, {}));
  }
  return reports;
}

/** Anchor ids of the reports, unique even when a report appears twice. */
function anchors(reports: Report[]): string[] {
  const seen = new Map<string, number>();
  return reports.map((r) => {
    const base = `report-${slug(r.name)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

export function renderOverview(reports: Report[], opts: OverviewOptions = {}): string {
  const title = opts.title ?? OVERVIEW_TITLE;
  const ids = anchors(reports);
  const sub = opts.subtitle ? html`<p class="subtitle">${opts.subtitle}</p>` : '';
  const toc = reports.length
    ? html`<ol>${reports.map(
        (r, i) => html`<li><a href="#${ids[i]}">${r.title}</a>${r.subtitle ? html` <span class="toc-sub">${r.subtitle}</span>` : ''}</li>`,
      )}</ol>`
    : html`<p class="empty">нет отчётов</p>`;
  const articles = reports.map(
    (r, i) =>
      html`<article class="report" id="${ids[i]}">
${reportBody(r, { ...opts, level: 2, idPrefix: ids[i] as string })}
<p class="back"><a href="#toc">↑ К содержанию</a></p>
</article>
`,
  );
  const body = html`<header class="page"><h1>${title}</h1>${sub}${generatedLine(opts)}</header>
<nav class="toc" id="toc" aria-label="Содержание"><h2>Содержание</h2>${toc}</nav>
${articles}`;
  return htmlPage(opts.subtitle ? `${title} — ${opts.subtitle}` : title, body);
}
