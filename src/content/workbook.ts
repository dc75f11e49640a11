/**
 * The month's content as an Excel workbook (`content.xlsx`), for people who work in Excel rather
 * than JSON: one sheet per section of the e-mail, a header row whose cells carry notes on what
 * to write, one row per item. The workbook maps onto {@link MonthContent} and is checked by the
 * same schema; every problem names its cell: `content.xlsx:ТОП вопросов!C7: what is wrong (what
 * was expected)`.
 */
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import { POSITION_TYPE_TITLES, POSITION_TYPES, PROBLEM_AREA_TITLES, PROBLEM_AREAS, type ProblemArea } from '../domain/audiences.js';
import { neutraliseFormula, unneutraliseFormula } from '../domain/clean-text.js';
import { boundedZip, ZipLimitError } from '../imports/zip-limits.js';
import { contentIssueText, contentSchema, type MonthContent } from './schema.js';

/** Links per news hook the workbook has room for. */
export const HOOK_LINKS = 5;

interface Column {
  key: string;
  header: string;
  note: string;
  width: number;
  /** An empty cell is left out (optional field) rather than given as "". */
  optional?: boolean;
}

interface Sheet {
  name: string;
  /** The content key it fills. */
  key: keyof MonthContent | 'head';
  /** One row of values (subject, webinars) or a list. */
  single: boolean;
  columns: Column[];
  /** Columns prefilled by the template that alone do not make a row an item. */
  prefilled?: string[];
}

const title = (what: string, width = 60): Column => ({
  key: 'title',
  header: 'Название',
  note: `${what}. Одна строка, до 300 знаков.`,
  width,
});
const url: Column = {
  key: 'url',
  header: 'Ссылка',
  note: 'Адрес в интернете, начинается с https:// (прямая ссылка на документ или страницу).',
  width: 50,
};

export const SHEETS: readonly Sheet[] = [
  {
    name: 'Тема и вступление',
    key: 'head',
    single: true,
    columns: [
      { key: 'period', header: 'Месяц', note: 'Месяц рассылки в виде ГГГГ-ММ, например 2024-07.', width: 12 },
      {
        key: 'subject',
        header: 'Тема письма',
        note: 'Тема месяца, одна строка до 150 знаков; в теме письма перед ней встанет «Месяц год:».',
        width: 50,
      },
      {
        key: 'intro',
        header: 'Вступление',
        note: 'Несколько абзацев в начале письма; абзацы разделяйте пустой строкой (Alt+Enter дважды). До 3000 знаков.',
        width: 90,
      },
    ],
  },
  {
    name: 'ТОП вопросов',
    key: 'topQuestions',
    single: false,
    columns: [
      { ...title('Вопрос, как его задают руководители'), header: 'Вопрос' },
      url,
      ...POSITION_TYPES.map(
        (p): Column => ({
          key: `pos:${p}`,
          header: `Должность: ${POSITION_TYPE_TITLES[p]}`,
          note: `«да», если вопрос для ЛПР с типом должности «${POSITION_TYPE_TITLES[p]}»; иначе пусто. Нужна хотя бы одна должность.`,
          width: 14,
        }),
      ),
      ...PROBLEM_AREAS.map(
        (a): Column => ({
          key: `area:${a}`,
          header: `Зона: ${PROBLEM_AREA_TITLES[a]}`,
          note: `«да», если вопрос касается проблемной зоны «${PROBLEM_AREA_TITLES[a]}»; можно не отмечать ни одной.`,
          width: 14,
        }),
      ),
    ],
  },
  {
    name: 'Документы',
    key: 'documents',
    single: false,
    columns: [
      title('Документ в системе'),
      url,
      { key: 'note', header: 'Примечание', note: 'Необязательно: пояснение под ссылкой, до 500 знаков.', width: 50, optional: true },
    ],
  },
  {
    name: 'Обзоры',
    key: 'reviews',
    single: false,
    columns: [
      title('Обзор руководителю'),
      url,
      { key: 'summary', header: 'Кратко', note: 'Необязательно: о чём обзор, до 800 знаков.', width: 50, optional: true },
    ],
  },
  { name: 'Журнал', key: 'magazine', single: false, columns: [title('Статья журнала'), url] },
  { name: 'Бюллетень', key: 'bulletin', single: false, columns: [title('Материал бюллетеня'), url] },
  {
    name: 'Вебинары',
    key: 'webinars',
    single: true,
    columns: [
      { ...title('Программа вебинаров месяца, одна строка до 200 знаков'), header: 'Название' },
      url,
      { key: 'note', header: 'Примечание', note: 'Необязательно: пара слов о программе, до 500 знаков.', width: 50, optional: true },
    ],
  },
  {
    name: 'Инфоповоды',
    key: 'newsHooks',
    single: false,
    prefilled: ['area'],
    columns: [
      {
        key: 'area',
        header: 'Проблемная зона',
        note: `Для ЛПР-пользователей: инфоповод по одной зоне. Зоны: ${PROBLEM_AREAS.map((a) => PROBLEM_AREA_TITLES[a]).join('; ')}. Строку без заголовка и текста не загружаем.`,
        width: 28,
      },
      { key: 'title', header: 'Заголовок', note: 'Заголовок инфоповода, одна строка до 200 знаков.', width: 40 },
      { key: 'text', header: 'Текст', note: 'Текст инфоповода, до 1500 знаков.', width: 60 },
      ...Array.from({ length: HOOK_LINKS }, (_, i): Column[] => [
        {
          key: `link${i + 1}:title`,
          header: `Ссылка ${i + 1}: название`,
          note: i === 0 ? 'Нужна хотя бы одна ссылка: название и адрес.' : 'Необязательно: ещё одна ссылка.',
          width: 30,
        },
        { key: `link${i + 1}:url`, header: `Ссылка ${i + 1}: адрес`, note: 'Адрес, начинается с https://.', width: 40 },
      ]).flat(),
    ],
  },
  {
    name: 'Подборки',
    key: 'collections',
    single: false,
    columns: [
      title('Тематическая подборка', 40),
      {
        key: 'file',
        header: 'Файл PDF',
        note: 'Имя PDF-файла, который лежит рядом с этой книгой (латиница, цифры, «._-»), например podborka-nalogi.pdf. Прикладывается к каждому письму.',
        width: 36,
      },
      { key: 'description', header: 'Описание', note: 'Необязательно: что внутри, до 500 знаков.', width: 50, optional: true },
    ],
  },
];

const YES = new Set(['да', 'x', 'х', '+', '1', 'yes', 'true', 'v', '✓']);

/** `A`, `B`, …, `AA` for a 1-based column number. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A cell's text, whatever Excel stored: rich text, a hyperlink, a formula's result, a date. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('hyperlink' in v) {
      const text = v.text as unknown;
      const shown =
        typeof text === 'string' ? text : text && typeof text === 'object' && 'richText' in text ? cellText(text as ExcelJS.CellValue) : '';
      return shown || v.hyperlink;
    }
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
  }
  return '';
}

/** `Месяц`: Excel may have turned `2024-07` into a date. */
function periodText(v: ExcelJS.CellValue): string {
  if (v instanceof Date) return `${v.getUTCFullYear()}-${String(v.getUTCMonth() + 1).padStart(2, '0')}`;
  return cellText(v).trim();
}

const AREA_BY_TITLE = new Map<string, ProblemArea>(
  PROBLEM_AREAS.flatMap((a) => [[PROBLEM_AREA_TITLES[a].toLowerCase(), a] as const, [a, a] as const]),
);

/** Where each item's value came from: content path → cell, to place the schema's complaints. */
export type Places = Map<string, string>;

const pathKey = (path: readonly PropertyKey[]) => path.map(String).join('.');

export type WorkbookResult = { content: MonthContent; places: Places } | { problems: string[] };

/** What a content workbook's parts may unpack to when no limit is given (config `lpr.maxContentXlsxBytes`). */
export const DEFAULT_CONTENT_XLSX_BYTES = 20 * 1024 * 1024;

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} МБ`;

/**
 * Parse and check a workbook; `file` names it in the problems. Its parts go through the one
 * bounded reader (src/imports/zip-limits.ts) first: inflation stops at `maxBytes`, whatever the
 * zip's directory declares, and ExcelJS gets only the bytes that were counted.
 */
export async function parseWorkbook(
  file: string,
  bytes: Buffer,
  defaults: { period?: string; maxBytes?: number } = {},
): Promise<WorkbookResult> {
  const maxBytes = defaults.maxBytes ?? DEFAULT_CONTENT_XLSX_BYTES;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load((await boundedZip(bytes, maxBytes)) as unknown as ArrayBuffer);
  } catch (err) {
    if (err instanceof ZipLimitError) {
      const size = err.declared ? (Number.isFinite(err.atLeast) ? mb(err.atLeast) : 'больше 4 ГБ') : null;
      const over = size
        ? `книга в распакованном виде — ${size}, это больше предела в ${mb(maxBytes)}`
        : `книга в распакованном виде больше предела в ${mb(maxBytes)}`;
      return { problems: [`${file}: ${over} (ожидается содержание письма на несколько листов текста)`] };
    }
    return { problems: [`${file}: не книга Excel (.xlsx): ${(err as Error).message}`] };
  }
  const problems: string[] = [];
  const places: Places = new Map();
  const raw: Record<string, unknown> = {};
  for (const sheet of SHEETS) {
    const ws = wb.getWorksheet(sheet.name);
    if (!ws) {
      problems.push(`${file}: нет листа «${sheet.name}» (ожидаются листы шаблона содержания письма)`);
      continue;
    }
    const at = (row: number, col: number) => `${file}:${sheet.name}!${columnLetter(col)}${row}`;
    // Columns by their header, so a column moved by hand still reads.
    const byHeader = new Map<string, number>();
    ws.getRow(1).eachCell((c, col) => {
      byHeader.set(cellText(c.value).trim().toLowerCase(), col);
    });
    const colOf = new Map<string, number>();
    for (const c of sheet.columns) {
      const n = byHeader.get(c.header.toLowerCase());
      if (n === undefined) problems.push(`${at(1, byHeader.size + 1)}: нет столбца «${c.header}» (ожидается в строке заголовков)`);
      else colOf.set(c.key, n);
    }
    const items: { row: number; values: Map<string, { text: string; col: number; cell: ExcelJS.CellValue }> }[] = [];
    const last = sheet.single ? 2 : ws.rowCount;
    for (let r = 2; r <= last; r++) {
      const row = ws.getRow(r);
      const values = new Map<string, { text: string; col: number; cell: ExcelJS.CellValue }>();
      for (const [key, col] of colOf) {
        const cell = row.getCell(col).value;
        // A text we wrote neutralised (`'=…`, see writeWorkbook) reads back as it was.
        values.set(key, { text: key === 'period' ? periodText(cell) : unneutraliseFormula(cellText(cell)).trim(), col, cell });
      }
      const counts = [...values].some(([k, v]) => v.text !== '' && !sheet.prefilled?.includes(k));
      if (counts || sheet.single) items.push({ row: r, values });
    }
    const place = (path: PropertyKey[], row: number, key: string) => places.set(pathKey(path), at(row, colOf.get(key) ?? 1));
    const read = (item: (typeof items)[number], base: PropertyKey[], keys: readonly Column[]) => {
      const out: Record<string, unknown> = {};
      for (const c of keys) {
        if (c.key.includes(':')) continue;
        const v = item.values.get(c.key)?.text ?? '';
        place([...base, c.key], item.row, c.key);
        if (v !== '' || !c.optional) out[c.key] = v;
      }
      return out;
    };
    if (sheet.key === 'head') {
      const item = items[0] as (typeof items)[number];
      const head = read(item, [], sheet.columns);
      if (head.period === '' && defaults.period) head.period = defaults.period;
      Object.assign(raw, head);
      continue;
    }
    if (sheet.single) {
      raw[sheet.key] = read(items[0] as (typeof items)[number], [sheet.key], sheet.columns);
      place([sheet.key], 2, sheet.columns[0]?.key ?? '');
      continue;
    }
    place([sheet.key], 2, sheet.columns[0]?.key ?? '');
    raw[sheet.key] = items.map((item, i) => {
      const base = [sheet.key, i];
      const out = read(item, base, sheet.columns);
      if (sheet.key === 'topQuestions') {
        const marks = (prefix: 'pos' | 'area', list: readonly string[]) =>
          list.filter((v) => {
            const cell = item.values.get(`${prefix}:${v}`);
            if (!cell || cell.text === '') return false;
            if (YES.has(cell.text.toLowerCase())) return true;
            problems.push(`${at(item.row, cell.col)}: «${cell.text}» — не отметка (ожидается «да» или пустая ячейка)`);
            return false;
          });
        out.audiences = { positionTypes: marks('pos', POSITION_TYPES), problemAreas: marks('area', PROBLEM_AREAS) };
        place([...base, 'audiences', 'positionTypes'], item.row, `pos:${POSITION_TYPES[0]}`);
        place([...base, 'audiences', 'problemAreas'], item.row, `area:${PROBLEM_AREAS[0]}`);
      }
      if (sheet.key === 'newsHooks') {
        const area = String(out.area ?? '');
        out.area = AREA_BY_TITLE.get(area.toLowerCase()) ?? area;
        const links: { title: string; url: string }[] = [];
        for (let j = 1; j <= HOOK_LINKS; j++) {
          const t = item.values.get(`link${j}:title`)?.text ?? '';
          const u = item.values.get(`link${j}:url`)?.text ?? '';
          if (t === '' && u === '') continue;
          place([...base, 'links', links.length, 'title'], item.row, `link${j}:title`);
          place([...base, 'links', links.length, 'url'], item.row, `link${j}:url`);
          links.push({ title: t, url: u });
        }
        place([...base, 'links'], item.row, 'link1:title');
        out.links = links;
      }
      return out;
    });
  }
  if (problems.length) return { problems };
  const parsed = contentSchema.safeParse(raw, { error: contentIssueText });
  if (parsed.success) return { content: parsed.data, places };
  return { problems: parsed.error.issues.map((i) => describeIssue(file, places, i)) };
}

/** The schema's complaint at the cell it is about (or the nearest known place). */
function describeIssue(file: string, places: Places, issue: z.core.$ZodIssue): string {
  let message = issue.message;
  if (issue.path[0] === 'newsHooks' && issue.path[2] === 'area' && issue.code === 'invalid_value') {
    message = `не проблемная зона (ожидается одна из: ${PROBLEM_AREAS.map((a) => PROBLEM_AREA_TITLES[a]).join('; ')})`;
  }
  for (let n = issue.path.length; n >= 0; n--) {
    const at = places.get(pathKey(issue.path.slice(0, n)));
    if (at) return `${at}: ${message}`;
  }
  return `${file}: ${message}`;
}

/** A workbook of the month: the template (empty but for the month and the areas) or a month's content. */
export async function writeWorkbook(period: string, content: MonthContent | null): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'churnguard';
  for (const sheet of SHEETS) {
    const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      style: { alignment: { wrapText: true, vertical: 'top' } },
    }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    sheet.columns.forEach((c, i) => {
      header.getCell(i + 1).note = c.note;
    });
    // Every text cell passes the exports' one neutraliser (a title `=HYPERLINK(…)` stays text).
    for (const values of rowsOf(sheet, period, content))
      ws.addRow(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, neutraliseFormula(v)])));
    if (sheet.key === 'head') ws.getCell('A2').numFmt = '@';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type Values = Record<string, string>;

function rowsOf(sheet: Sheet, period: string, c: MonthContent | null): Values[] {
  const clean = (o: Record<string, unknown>): Values =>
    Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'));
  switch (sheet.key) {
    case 'head':
      return [{ period, subject: c?.subject ?? '', intro: c?.intro ?? '' }];
    case 'webinars':
      return c ? [clean(c.webinars)] : [];
    case 'topQuestions':
      return (c?.topQuestions ?? []).map((q) => {
        const v: Values = { title: q.title, url: q.url };
        for (const p of q.audiences.positionTypes) v[`pos:${p}`] = 'да';
        for (const a of q.audiences.problemAreas) v[`area:${a}`] = 'да';
        return v;
      });
    case 'newsHooks': {
      const hooks = c?.newsHooks ?? [];
      // The template lists every area; a month's content its hooks, then the areas it has none for.
      const rest = PROBLEM_AREAS.filter((a) => !hooks.some((h) => h.area === a)).map((a) => ({ area: PROBLEM_AREA_TITLES[a] }));
      return [
        ...hooks.map((h, i) => {
          if (h.links.length > HOOK_LINKS)
            throw new Error(`newsHooks[${i}]: ${h.links.length} links do not fit the workbook (at most ${HOOK_LINKS})`);
          const v: Values = { area: PROBLEM_AREA_TITLES[h.area], title: h.title, text: h.text };
          h.links.forEach((l, j) => {
            v[`link${j + 1}:title`] = l.title;
            v[`link${j + 1}:url`] = l.url;
          });
          return v;
        }),
        ...rest,
      ];
    }
    default:
      return ((c?.[sheet.key] ?? []) as Record<string, unknown>[]).map(clean);
  }
}
