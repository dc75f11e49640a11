/**
 * The diary's «Отчёты»: the list of reports a user may open, and one report as a page — its
 * options as a GET form generated from the report's declared options, links to the same report
 * as an Excel workbook and as CSV, and the report itself from the renderer of `--format html`.
 */
import type { DiaryUser } from '../../db/diary-auth.js';
import { html, SafeHtml } from '../../mail/render.js';
import { generatedLine, htmlPage, reportCharts, reportSections, slug } from '../../reports/html.js';
import type { Report, ReportDefinition } from '../../reports/types.js';
import { clientSearch } from './pages.js';
import { DIARY_CSP, DIARY_CSS } from './style.js';

const REPORTS_CSS = `
form.report-options{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:.6em 0;padding:.6em;border:1px solid #dde6f0;border-radius:4px;background:#f9fbfd}
form.report-options label.field{margin:0;flex:1 1 10em;min-width:0}
form.report-options label.choice{padding:0 0 10px}
.downloads{display:flex;flex-wrap:wrap;gap:8px 16px;margin:.4em 0 1em}
.downloads a{font-weight:600}
nav.crumbs{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.9rem;margin:.2em 0 .6em}
ul.report-list{padding-left:1.2em}
ul.report-list li{margin:.35em 0}
`
  .trim()
  .replace(/\n/g, '');

/** The Russian label of a report option the desk types. */
const LABELS: Record<string, string> = {
  week: 'Неделя',
  period: 'Период',
  department: 'Подразделение',
  from: 'С даты',
  to: 'По дату',
  zone: 'Зона',
  limit: 'Не больше строк',
  by: 'Группировка',
  days: 'Дней без звонка',
  months: 'Месяцев',
  problems: 'Только с пробелами',
  specialist: 'Специалист',
  baseline: 'Исходное состояние (без писем)',
  below: 'Только ниже нормы',
  disagreements: 'Только расхождения',
  horizon: 'Горизонт, недель',
  job: 'Задание',
  on: 'На дату',
  weeks: 'Недель',
  weights: 'Другие веса показателей',
  'include-bots': 'С переходами роботов',
};

/** Names of the values of a choice option, in Russian where the desk reads them. */
const CHOICES: Record<string, string> = {
  high: 'высокий риск',
  dynamic: 'динамический риск',
  none: 'нет угрозы',
  week: 'по неделям',
  month: 'по месяцам',
};

/** `[--week 2024-W23] [--zone high|dynamic|none]` → the example or the choices of each option. */
export function optionHints(usage: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of usage.matchAll(/--([a-z][a-z-]*)(?: ([^\]\s[]+))?/g)) out.set(m[1] as string, m[2] ?? '');
  return out;
}

export type OptionValues = Record<string, string | boolean | undefined>;

function optionField(def: ReportDefinition, name: string, type: string, value: string | boolean | undefined, hint: string): SafeHtml {
  const label = LABELS[name] ?? name;
  if (type === 'boolean') {
    return html`<label class="choice"><input type="checkbox" name="${name}" value="1"${value === true ? new SafeHtml(' checked') : ''}> ${label}</label>`;
  }
  const choices = hint.includes('|') && /^[a-z|-]+$/.test(hint) ? hint.split('|') : null;
  if (choices) {
    return html`<label class="field">${label}<select name="${name}"><option value="">все</option>${choices.map(
      (c) => html`<option value="${c}"${value === c ? new SafeHtml(' selected') : ''}>${CHOICES[c] ?? c}</option>`,
    )}</select></label>`;
  }
  // The input's form in the desk's letters: ГГГГ-ММ-ДД, and the weights as words.
  const placeholder =
    hint === 'a,b,c,d,e'
      ? 'пять весов через запятую'
      : hint && !/^[A-Z]+$/.test(hint)
        ? hint.replace(/YYYY/g, 'ГГГГ').replace(/MM/g, 'ММ').replace(/DD/g, 'ДД')
        : '';
  return html`<label class="field">${label}<input type="text" name="${name}" id="${slug(def.name)}-${name}" value="${typeof value === 'string' ? value : ''}" placeholder="${placeholder}"></label>`;
}

function page(title: string, body: SafeHtml): string {
  return htmlPage(title, body, { csp: DIARY_CSP, css: DIARY_CSS + REPORTS_CSS });
}

function crumbs(user: DiaryUser, scopeText: string, back: boolean): SafeHtml {
  return html`<nav class="crumbs" aria-label="Разделы"><a href="/diary">Ежедневник</a>${back ? html`<a href="/diary/reports">← Отчёты</a>` : ''}<span class="muted">${user.name} · ${scopeText}</span></nav>
${clientSearch('')}`;
}

export interface ReportListItem {
  name: string;
  title: string;
}

/** `/diary/reports`: what this user may open. */
export function reportListPage(user: DiaryUser, scopeText: string, items: ReportListItem[], overview: boolean): string {
  const body = html`<header class="page"><h1>Отчёты</h1><p class="subtitle">${user.name}${user.department ? html`, ${user.department}` : ''}</p><p class="meta">${scopeText}</p></header>
${crumbs(user, scopeText, false)}
<ul class="report-list">${overview ? html`<li><a href="/diary/reports/overview"><b>Обзор работы дистанционного сервиса</b></a> — основные отчёты на одной странице</li>` : ''}${items.map(
    (r) => html`<li><a href="/diary/reports/${r.name}">${r.title}</a></li>`,
  )}</ul>`;
  return page('Отчёты', body);
}

/** The query string of the report's options (without the format). */
export function optionQuery(values: OptionValues): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === true) q.set(k, '1');
    else if (typeof v === 'string' && v !== '') q.set(k, v);
  }
  return q.toString();
}

export interface ReportPageInput {
  user: DiaryUser;
  def: ReportDefinition;
  values: OptionValues;
  scopeText: string;
  /** The report, or null when its options were refused. */
  report: Report | null;
  error: string | null;
  tz: string;
  generatedAt: Date;
  /** Shown under the report (the workload report: the head's decisions on what does not fit). */
  extra?: SafeHtml;
  flash?: string | null;
}

/** `/diary/reports/<name>`: options, downloads, the report. */
export function reportPage(p: ReportPageInput): string {
  const hints = optionHints(p.def.usage);
  const fields = Object.entries(p.def.options).map(([name, o]) => optionField(p.def, name, o.type, p.values[name], hints.get(name) ?? ''));
  const query = optionQuery(p.values);
  const link = (format: string) => `/diary/reports/${p.def.name}?${query ? `${query}&` : ''}format=${format}`;
  const form = fields.length
    ? html`<form class="report-options" method="get" action="/diary/reports/${p.def.name}">${fields}<button type="submit">Показать</button></form>`
    : '';
  const downloads = p.report
    ? html`<p class="downloads"><a href="${link('xlsx')}" download>Скачать Excel</a><a href="${link('csv')}" download>CSV</a></p>`
    : '';
  const error = p.error ? html`<p class="flash error" role="alert">Параметры отчёта заданы неверно: ${p.error}</p>` : '';
  // The head of `reportBody` at level 1; the options and downloads go between it and the data.
  const report = p.report
    ? html`<header class="page"><h1>${p.report.title}</h1>${p.report.subtitle ? html`<p class="subtitle">${p.report.subtitle}</p>` : ''}${generatedLine({ tz: p.tz, generatedAt: p.generatedAt })}</header>`
    : html`<header class="page"><h1>Отчёт «${p.def.name}»</h1></header>`;
  const flash = p.flash ? html`<p class="flash" role="status">${p.flash}</p>` : '';
  const body = html`${crumbs(p.user, p.scopeText, true)}${report}${flash}${form}${error}${downloads}
${p.report ? reportCharts(p.report, slug(p.def.name), { clientLinks: true }) : ''}
${p.report ? reportSections(p.report, { tz: p.tz, level: 1, idPrefix: slug(p.def.name), clientLinks: true }) : ''}
${p.report && p.extra ? p.extra : ''}`;
  return page(p.report ? `${p.report.title} — отчёты` : 'Отчёты', body);
}
