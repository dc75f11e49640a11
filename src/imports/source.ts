/**
 * A file as rows of text cells, whatever it is: a text export (see text.ts) or an Excel
 * workbook of the same layout (first worksheet). Excel numbers, dates and booleans become
 * the strings the CRM would have written, so every parser reads one kind of cell.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { stripControls } from '../domain/clean-text.js';
import { decodeText, detectDelimiter, type SourceRow, tokenize } from './text.js';
import { boundedZip, ZipFormatError, ZipLimitError } from './zip-limits.js';

export interface Source {
  /** How the file was read, for the import's summary. */
  format: { type: 'text'; encoding: string; delimiter: string } | { type: 'xlsx'; sheet: string };
  rows: Iterable<SourceRow>;
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function isXlsx(buf: Buffer, fileName: string): boolean {
  return /\.xlsx$/i.test(fileName) || XLSX_MAGIC.every((b, i) => buf[i] === b);
}

/** A worksheet longer than `imports.maxXlsxRows`: reported as it is, not as an unreadable book. */
class RowLimitError extends Error {}

/** What a workbook may hold (config `imports.maxXlsxBytes`, `imports.maxXlsxRows`). */
export interface WorkbookLimits {
  /** Uncompressed bytes of all its parts. */
  maxBytes: number;
  /** Rows of the first worksheet. */
  maxRows: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = { maxBytes: 200 * 1024 * 1024, maxRows: 1_048_576 };

export async function readSource(buf: Buffer, fileName: string, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): Promise<Source> {
  if (isXlsx(buf, fileName)) return readWorkbook(buf, limits);
  const { text, encoding } = decodeText(buf);
  const delimiter = detectDelimiter(text);
  return {
    format: { type: 'text', encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter },
    rows: cleanRows(tokenize(text, delimiter)),
  };
}

/** Every imported text value without control characters (see domain/clean-text.ts). */
function* cleanRows(rows: Iterable<SourceRow>): Generator<SourceRow> {
  for (const row of rows) {
    const cells = row.cells;
    for (let i = 0; i < cells.length; i++) cells[i] = stripControls(cells[i] as string);
    yield row;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Excel keeps a date as the wall time in UTC fields. */
function excelDate(d: Date): string {
  const date = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
  const hasTime = d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds();
  return hasTime ? `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` : date;
}

export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v).replace('.', ',');
  if (typeof v === 'boolean') return v ? 'Да' : 'Нет';
  if (v instanceof Date) return excelDate(v);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} МБ`;

/** The worksheet parts: ExcelJS's stream reader reads them last, after the workbook and its shared strings. */
const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

/**
 * The workbook's parts through the one bounded reader (zip-limits.ts: inflation stops at
 * `imports.maxXlsxBytes` whatever the zip's directory declares), then the first worksheet read
 * as a stream (ExcelJS's WorkbookReader), its rows counted.
 */
async function readWorkbook(buf: Buffer, limits: WorkbookLimits): Promise<Source> {
  let zip: Buffer;
  try {
    zip = await boundedZip(buf, limits.maxBytes, { last: WORKSHEET });
  } catch (err) {
    if (err instanceof ZipLimitError)
      throw new Error(
        `книга распаковывается в ${err.declared ? (Number.isFinite(err.atLeast) ? mb(err.atLeast) : 'более чем 4 ГБ') : `более чем ${mb(limits.maxBytes)}`}, больше предела ${mb(limits.maxBytes)}${err.entry ? ` (часть ${err.entry})` : ''} (ожидалась выгрузка поменьше или больший imports.maxXlsxBytes)`,
      );
    if (err instanceof ZipFormatError) throw new Error(err.message);
    throw err;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([zip]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Cell styles tell a date from a number (Excel keeps both as numbers).
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  const rows: SourceRow[] = [];
  let sheet: string | null = null;
  try {
    for await (const ws of reader) {
      sheet = (ws as unknown as { name?: string }).name ?? 'Лист1';
      for await (const row of ws) {
        if (rows.length >= limits.maxRows)
          throw new RowLimitError(`в листе больше ${limits.maxRows} строк (ожидалось не больше или больший imports.maxXlsxRows)`);
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          cells[col - 1] = stripControls(cellText(cell.value));
        });
        for (let i = 0; i < cells.length; i++) cells[i] ??= '';
        if (cells.length) rows.push({ line: row.number, cells });
      }
      break; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof RowLimitError) throw err;
    throw new Error(`книга Excel не читается (${(err as Error).message})`, { cause: err });
  }
  if (sheet === null) throw new Error('в книге нет ни одного листа');
  return { format: { type: 'xlsx', sheet }, rows };
}
