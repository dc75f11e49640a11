import { writeFileSync } from 'node:fs';
import { getReport, REPORTS } from '../../reports/index.js';
import { renderCsv, renderJson, renderText, renderXlsx } from '../../reports/render.js';
import type { ReportFormat } from '../../reports/types.js';
import { type Command, UsageError } from '../command.js';

const FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json', 'xlsx'];

export const reportCommand: Command = {
  name: 'report',
  summary: 'print or write a report (table, csv, json, xlsx)',
  usage: `report <name> [--format ${FORMATS.join('|')}] [--out FILE] [report options]\n  reports: ${REPORTS.map((r) => r.name).join(', ')}`,
  // Report-specific options are parsed below, against the report's own definition.
  options: { format: { type: 'string' }, out: { type: 'string' } },
  dynamicOptions: ([name]) => (name ? (getReport(name)?.options ?? {}) : {}),
  args: { min: 1, max: 1 },
  async run(ctx, values, [name]) {
    const def = name ? getReport(name) : undefined;
    if (!def) throw new UsageError(`unknown report "${name}" (reports: ${REPORTS.map((r) => r.name).join(', ')})`);
    const format = (values.format as string | undefined) ?? (ctx.json ? 'json' : 'table');
    if (!FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
    const out = values.out as string | undefined;
    if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
    const report = await def.build(ctx.app(), values);
    const tz = ctx.config.ric.timeZone;
    const body =
      format === 'xlsx'
        ? await renderXlsx(report, tz)
        : format === 'csv'
          ? renderCsv(report, tz)
          : format === 'json'
            ? renderJson(report)
            : renderText(report, tz);
    if (out) {
      writeFileSync(out, body);
      ctx.err(`written ${out}\n`);
    } else ctx.out(String(body));
    return 0;
  },
};
