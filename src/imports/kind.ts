/**
 * What an import kind is: how its rows are read and validated into staged tuples, and how
 * the staged rows are applied to the tables set-based. One file per kind under kinds/.
 *
 * Glossary of the CRM's exports: Сотрудники (employees), Клиенты (clients), Контактные лица
 * (contacts), Статистика использования онлайн-версии (online usage), Обучение (trainings),
 * Вебинары (webinars), Обращения в ЛК (lk-requests), Горячая линия (hotline), Работы
 * (contact events), Начисления и оплаты (payments), Конкуренты (competitor findings), Фиксация
 * отклонений (deviations: the CRM's own risk indicator per client and week), Отсутствия
 * (absences: leave and sick days of employees).
 */
import type { App } from '../app.js';
import type { ApplyResult, ApplyContext as DbApplyContext } from '../db/apply.js';
import type { PoolClient } from '../db/pool.js';
import { type ColumnSpec, describeColumns, type Header, isBlank, isTotals, matchHeader, RowReader } from './columns.js';
import type { ImportErrors } from './errors.js';
import type { EmployeeIndex } from './people.js';
import type { SourceRow } from './text.js';
import { clean, parseDate } from './values.js';

/** The import kinds, in the order their data depends on each other (inbox order too). */
export const IMPORT_KINDS = [
  'employees',
  'absences',
  'clients',
  'contacts',
  'online-usage',
  'trainings',
  'webinars',
  'lk-requests',
  'hotline',
  'contact-events',
  'payments',
  'findings',
  'deviations',
] as const;
export type ImportKindName = (typeof IMPORT_KINDS)[number];

/** What rows may refer to: clients by number, employees by name. */
export interface Refs {
  clients: ReadonlyMap<number, number>;
  employees: EmployeeIndex;
}

/** Options of one import given beside the file (`admin import deviations FILE --week W`). */
export interface ImportOptions {
  /** The ISO week the file's data is for, when the file does not say (or to check it). */
  week?: string;
}

export interface ParseContext {
  tz: string;
  options: ImportOptions;
  /** Structural problems: any one rejects the file. */
  errors: ImportErrors;
  /** Data-quality problems: the row is imported, the field flagged. */
  warnings: ImportErrors;
  refs: Refs;
  /** Widen the date range of data the file covers (stored in the import's summary). */
  cover(date: string): void;
  /** The period the export declares it covers (its settings block's «Период: с … по …»). */
  declare(from: string, to: string): void;
  /** Keys of the columns the file has (optional columns absent → existing values kept). */
  present: Set<string>;
  /** Facts the parser gathers for the import's summary (e.g. how many clients). */
  facts: Record<string, unknown>;
}

/** A column of the temporary staging table. */
export interface StageColumn {
  name: string;
  type: string;
}

/** The db layer's context (src/db/apply.ts), plus the app for kinds that set off more than table writes. */
export interface ApplyContext extends DbApplyContext {
  /** For kinds whose rows set off more than table writes (findings hand threats to field support). */
  app: App;
}

export interface ImportKind {
  kind: ImportKindName;
  /** Russian name of the export. */
  title: string;
  stage: readonly StageColumn[];
  /** Validated tuples in `stage` order; errors go to `ctx.errors`. */
  parse(rows: Iterable<SourceRow>, ctx: ParseContext): Iterable<unknown[]>;
  /** Apply the staged rows (table `import_stage`) inside the import's transaction. */
  apply(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult>;
}

/**
 * The usual layout: a header row (after any settings block), then one data row per line;
 * blank and totals rows are skipped. `row` returns the tuple or undefined (errors recorded).
 */
export function* tableRows(
  rows: Iterable<SourceRow>,
  columns: readonly ColumnSpec[],
  ctx: ParseContext,
  row: (r: RowReader, header: Header) => unknown[] | undefined,
): Generator<unknown[]> {
  let header: Header | null = null;
  for (const src of rows) {
    if (!header) {
      declaredPeriod(src, ctx);
      header = isBlank(src) ? null : matchHeader(src, columns);
      for (const key of header?.index.keys() ?? []) ctx.present.add(key);
      if (header) warnMissingColumns(header, columns, ctx);
      continue;
    }
    if (isBlank(src) || isTotals(src)) continue;
    const reader = new RowReader(header, src, ctx.errors, ctx.warnings);
    const tuple = row(reader, header);
    if (tuple && reader.ok && !ctx.errors.any) yield tuple;
  }
  if (!header) ctx.errors.add(1, 1, `не найдена строка заголовков (ожидались столбцы ${describeColumns(columns)})`);
}

const PERIOD = /^с\s+(\d{2}\.\d{2}\.\d{4})\s+по\s+(\d{2}\.\d{2}\.\d{4})$/i;

/**
 * A settings-block row `Период · с dd.mm.yyyy по dd.mm.yyyy` (as the CRM's OLAP exports write
 * it) declares the span the export covers; a malformed date there is an error at its cell.
 */
export function declaredPeriod(src: SourceRow, ctx: ParseContext): void {
  if (clean(src.cells[0]).toLowerCase() !== 'период') return;
  for (let i = 1; i < src.cells.length; i++) {
    const m = PERIOD.exec(clean(src.cells[i]));
    if (!m) continue;
    try {
      const from = parseDate(m[1] as string);
      const to = parseDate(m[2] as string);
      if (from > to)
        ctx.errors.add(src.line, i + 1, `the period ends before it starts: с ${m[1]} по ${m[2]} (expected с <start> по <end>)`);
      else ctx.declare(from, to);
    } catch (err) {
      ctx.errors.add(src.line, i + 1, `${(err as Error).message}`);
    }
    return;
  }
}

/** A warning at the header for each absent optional column that a rule needs. */
function warnMissingColumns(header: Header, columns: readonly ColumnSpec[], ctx: ParseContext): void {
  for (const c of columns) {
    if (c.affects && !header.has(c.key))
      ctx.warnings.add(
        header.line,
        1,
        `нет столбца «${c.ru}»: от него зависят ${c.affects}; его значения записаны как неизвестные (ожидался столбец «${c.ru}» со значениями Да или Нет)`,
      );
  }
}

/**
 * Natural keys of event rows: the identifying fields plus the ordinal among identical rows
 * of one file, so the same export imported twice (or two overlapping exports) gives the
 * same keys.
 */
export function ordinalKeys(): (parts: readonly unknown[]) => string {
  const seen = new Map<string, number>();
  return (parts) => {
    const base = parts.map((p) => (p === null || p === undefined ? '' : String(p).toLowerCase())).join('|');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}|${n}`;
  };
}

/** `'client_id bigint, person text'` → the staging table's columns. */
export function stageColumns(spec: string): StageColumn[] {
  // Commas inside a type (`numeric(12,2)`) do not separate columns.
  return spec.split(/,(?![^(]*\))/).map((c) => {
    const [name, ...type] = c.trim().split(/\s+/);
    return { name: name as string, type: type.join(' ') };
  });
}

/**
 * Rows that must be unique in a file: `once(r, column, key, what, expected)` records the first
 * line of each key and fails a repeat at `column`, naming that line.
 */
export function onceEach<K>(): (r: RowReader, column: string, key: K, what: string, expected: string) => void {
  const seen = new Map<K, number>();
  return (r, column, key, what, expected) => {
    const earlier = seen.get(key);
    if (earlier !== undefined) r.fail(column, `${what} уже есть в строке ${earlier} (ожидалось: ${expected})`);
    else seen.set(key, r.line);
  };
}

/** The client's id for a number, or an error at the client column. */
export function clientId(r: RowReader, key: string, ctx: ParseContext, num: number | undefined): number | undefined {
  if (num === undefined) return undefined;
  const id = ctx.refs.clients.get(num);
  if (id === undefined) r.fail(key, `клиент ${num} неизвестен (ожидался клиент из загруженной ранее выгрузки «Клиенты»)`);
  return id;
}

/** The employee's id for a name, or an error at the column. */
export function employeeId(r: RowReader, key: string, ctx: ParseContext, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const id = ctx.refs.employees.find(name);
  if (id === 'ambiguous') r.fail(key, `сотрудник «${name}» подходит к нескольким сотрудникам (ожидалось полное ФИО)`);
  else if (id === undefined) r.fail(key, `сотрудник «${name}» неизвестен (ожидался сотрудник из загруженной ранее выгрузки «Сотрудники»)`);
  return typeof id === 'number' ? id : undefined;
}

export type { ApplyResult } from '../db/apply.js';
export { upsertCounts } from '../db/apply.js';
