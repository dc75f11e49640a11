import { writeFileSync } from 'node:fs';
import { now } from '../../clock.js';
import { renderHtml } from '../../reports/html.js';
import { getReport, OVERVIEW, REPORTS } from '../../reports/index.js';
import { buildOverview, renderOverview } from '../../reports/overview.js';
import { renderCsv, renderJson, renderText, renderXlsx } from '../../reports/render.js';
import type { ReportFormat } from '../../reports/types.js';
import { type Command, UsageError } from '../command.js';

const FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json', 'xlsx', 'html'];
const NAMES = () => [...REPORTS.map((r) => r.name), 'overview'].join(', ');

export const reportCommand: Command = {
  name: 'report',
  summary: 'напечатать или записать отчёт (table, csv, json, xlsx, html)',
  usage: `report <name> [--format ${FORMATS.join('|')}] [--out FILE] [report options]
  отчёты: ${NAMES()}
  для xlsx нужен --out; html и остальные без него печатаются в стандартный вывод.
  overview: отчёты ${OVERVIEW.join(', ')} с графиками на одной HTML-странице (--format html).`,
  // Report-specific options are parsed below, against the report's own definition.
  options: { format: { type: 'string' }, out: { type: 'string' } },
  dynamicOptions: ([name]) => (name ? (getReport(name)?.options ?? {}) : {}),
  args: { min: 1, max: 1 },
  async run(ctx, values, [name]) {
    const def = name ? getReport(name) : undefined;
    if (!def && name !== 'overview') throw new UsageError(`неизвестный отчёт «${name}» (отчёты: ${NAMES()})`);
    const format = (values.format as string | undefined) ?? (name === 'overview' ? 'html' : ctx.json ? 'json' : 'table');
    if (!FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format: «${format}» — допустимо одно из: ${FORMATS.join(', ')}`);
    const out = values.out as string | undefined;
    if (format === 'xlsx' && !out) throw new UsageError('для --format xlsx нужен --out ФАЙЛ');
    const tz = ctx.config.ric.timeZone;
    let body: string | Buffer;
    if (!def) {
      if (format !== 'html') throw new UsageError(`обзор — это страница: укажите --format html (не ${format})`);
      body = renderOverview(await buildOverview(ctx.app()), { tz, generatedAt: now(), subtitle: ctx.config.ric.name });
    } else {
      const report = await def.build(ctx.app(), values);
      body =
        format === 'xlsx'
          ? await renderXlsx(report, tz)
          : format === 'html'
            ? renderHtml(report, { tz, generatedAt: now() })
            : format === 'csv'
              ? renderCsv(report, tz)
              : format === 'json'
                ? renderJson(report)
                : renderText(report, tz);
    }
    if (out) {
      writeFileSync(out, body);
      ctx.err(`записан ${out}\n`);
    } else ctx.out(String(body));
    return 0;
  },
};
