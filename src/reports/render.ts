/** Rendering a {@link Report}: text table, CSV (RFC 4180, UTF-8 with BOM), JSON, Excel. */

import ExcelJS from 'exceljs';
import { escapeUnprintable, neutraliseFormula } from '../domain/clean-text.js';
import { localParts } from '../domain/dates.js';
import { RU0, RU2, ruDate, ruDateTime } from '../domain/formats.js';
import type { ColumnType, Report, ReportColumn, ReportRow, ReportSection } from './types.js';

/** A cell as the desk reads it: Russian number and date formats. */
export function formatCell(v: unknown, type: ColumnType = 'text', tz?: string): string {
  if (v === null || v === undefined) return '';
  switch (type) {
    case 'int':
      return typeof v === 'number' ? RU0.format(v) : String(v);
    case 'number':
    case 'score':
    case 'money':
      return typeof v === 'number' ? RU2.format(v) : String(v);
    case 'percent':
      return typeof v === 'number' ? `${RU0.format(v * 100)} %` : String(v);
    case 'date':
      return ruDate(v, tz);
    case 'datetime':
      return ruDateTime(v, tz);
    default:
      return String(v);
  }
}

function allRows(s: ReportSection): ReportRow[] {
  return s.totals ? [...s.rows, s.totals] : s.rows;
}

export function formatTable(columns: ReportColumn[], rows: readonly object[], tz?: string): string {
  // Line breaks fold into one line; anything else unprintable (an escape sequence an older
  // import let in, a bidi override) is shown escaped, never sent to the terminal raw.
  const cells = rows.map((r) =>
    columns.map((c) => escapeUnprintable(formatCell((r as ReportRow)[c.key], c.type, tz).replace(/\s*\n\s*/g, ' '))),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] as string).length)));
  const numeric = columns.map((c) => c.type !== undefined && c.type !== 'text' && c.type !== 'date' && c.type !== 'datetime');
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function renderText(report: Report, tz?: string): string {
  const out = [report.title];
  if (report.subtitle) out.push(report.subtitle);
  for (const s of report.sections) {
    out.push('');
    if (s.title) out.push(s.title);
    out.push(s.rows.length || s.totals ? formatTable(s.columns, allRows(s), tz) : '(нет данных)');
    for (const n of s.notes ?? []) out.push(n);
  }
  return `${out.join('\n')}\n`;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvValue(v: unknown, type: ColumnType | undefined, tz?: string): string {
  if (v === null || v === undefined) return '';
  if (type === 'date') return ruDate(v, tz);
  if (type === 'datetime') return ruDateTime(v, tz);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return neutraliseFormula(String(v));
}

/** CSV with a BOM so Excel reads UTF-8; numbers with a dot, dates as dd.mm.yyyy. Sections are separated by a blank line. */
export function renderCsv(report: Report, tz?: string): string {
  const lines: string[] = [];
  report.sections.forEach((s, i) => {
    if (i > 0) lines.push('');
    if (report.sections.length > 1 && s.title) lines.push(csvField(neutraliseFormula(s.title)));
    lines.push(s.columns.map((c) => csvField(neutraliseFormula(c.header))).join(','));
    for (const r of allRows(s)) lines.push(s.columns.map((c) => csvField(csvValue(r[c.key], c.type, tz))).join(','));
  });
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, (_k, v) => (v instanceof Date ? v.toISOString() : v), 2)}\n`;
}

/**
 * Excel number formats per column type. Format codes are stored locale-neutral (`,` groups
 * thousands, `.` is the decimal point); a Russian Excel shows `12 000,00 ₽`.
 */
export const EXCEL_FORMATS: Partial<Record<ColumnType, string>> = {
  int: '#,##0',
  number: '#,##0.00',
  score: '0.00',
  money: '#,##0.00 "₽"',
  percent: '0%',
  date: 'dd.mm.yyyy',
  datetime: 'dd.mm.yyyy hh:mm:ss',
};

/**
 * Excel has no time zones: a cell holds a wall-clock reading. An instant is therefore written
 * as its reading in the RIC's zone (as the other formats print it), not in UTC.
 */
function wallClock(instant: Date, tz: string | undefined, dateOnly: boolean): Date {
  const p = tz ? localParts(instant, tz) : null;
  if (!p) return instant;
  return new Date(Date.UTC(p.year, p.month - 1, p.day, dateOnly ? 0 : p.hour, dateOnly ? 0 : p.minute, dateOnly ? 0 : p.second));
}

function excelValue(v: unknown, type: ColumnType | undefined, tz: string | undefined): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  if (type === 'date' || type === 'datetime') {
    const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
    if (d && !Number.isNaN(d.getTime())) return wallClock(d, tz, type === 'date');
  }
  if (typeof v === 'string') return neutraliseFormula(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  return neutraliseFormula(String(v));
}

/**
 * An Excel workbook, one sheet per section: frozen header with the CRM's column names,
 * number formats per column type, the totals row in bold, columns sized to their content.
 */
export async function renderXlsx(report: Report, tz?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'churnguard';
  const used = new Set<string>();
  report.sections.forEach((s, i) => {
    let name =
      (s.title ?? report.title)
        .replace(/[\\/?*[\]:]/g, ' ')
        .slice(0, 31)
        .trim() || `Лист ${i + 1}`;
    while (used.has(name)) name = `${name.slice(0, 28)} ${i + 1}`;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({
      header: neutraliseFormula(c.header),
      key: c.key,
      style: EXCEL_FORMATS[c.type ?? 'text'] ? { numFmt: EXCEL_FORMATS[c.type ?? 'text'] } : {},
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).alignment = { vertical: 'middle', wrapText: true };
    for (const r of s.rows) ws.addRow(Object.fromEntries(s.columns.map((c) => [c.key, excelValue(r[c.key], c.type, tz)])));
    if (s.totals) {
      const row = ws.addRow(Object.fromEntries(s.columns.map((c) => [c.key, excelValue(s.totals?.[c.key], c.type, tz)])));
      row.font = { bold: true };
    }
    s.columns.forEach((c, ci) => {
      const longest = Math.max(c.header.length, ...allRows(s).map((r) => formatCell(r[c.key], c.type, tz).length));
      // + room for the cell padding, and for the " ₽" the money format adds.
      ws.getColumn(ci + 1).width = Math.min(60, Math.max(8, longest + (c.type === 'money' ? 4 : 2)));
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
