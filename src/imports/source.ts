/**
 * A file as rows of text cells, whatever it is: a text export (see text.ts) or an Excel
 * workbook of the same layout (first worksheet). Excel numbers, dates and booleans become
 * the strings the CRM would have written, so every parser reads one kind of cell.
 */
import ExcelJS from 'exceljs';
import { decodeText, detectDelimiter, type SourceRow, tokenize } from './text.js';

export interface Source {
  /** How the file was read, for the import's summary. */
  format: { type: 'text'; encoding: string; delimiter: string } | { type: 'xlsx'; sheet: string };
  rows: Iterable<SourceRow>;
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function isXlsx(buf: Buffer, fileName: string): boolean {
  return /\.xlsx$/i.test(fileName) || XLSX_MAGIC.every((b, i) => buf[i] === b);
}

export async function readSource(buf: Buffer, fileName: string): Promise<Source> {
  if (isXlsx(buf, fileName)) return readWorkbook(buf);
  const { text, encoding } = decodeText(buf);
  const delimiter = detectDelimiter(text);
  return {
    format: { type: 'text', encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter },
    rows: tokenize(text, delimiter),
  };
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

async function readWorkbook(buf: Buffer): Promise<Source> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw new Error(`not a readable Excel workbook (${(err as Error).message})`, { cause: err });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('the workbook has no worksheet');
  const rows: SourceRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    rows.push({ line: rowNumber, cells });
  });
  return { format: { type: 'xlsx', sheet: ws.name }, rows };
}
