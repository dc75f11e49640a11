/**
 * Finding a table's header and its columns. Headers match case- and space-insensitively,
 * by the Russian name the CRM writes or the English one; a header the CRM cut with `...`
 * (`Плановая да...`) matches the column it starts. Rows before the header (the OLAP
 * settings block) are skipped.
 */
import type { ImportErrors } from './errors.js';
import type { SourceRow } from './text.js';
import { CellError, clean } from './values.js';

export interface ColumnSpec {
  key: string;
  /** The CRM's header. */
  ru: string;
  en: string;
  optional?: boolean;
  /** Other names the CRM uses for the same column. */
  aliases?: string[];
  /**
   * For an optional column a rule needs: what its absence affects. A file without it still
   * imports, with a warning naming the column and this, and its values are recorded as unknown.
   */
  affects?: string;
}

export function normalizeHeader(s: string): string {
  return clean(s).toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, '').replace(/…$/, '...');
}

function matches(cell: string, spec: ColumnSpec): boolean {
  const h = normalizeHeader(cell);
  if (!h) return false;
  const names = [spec.ru, spec.en, ...(spec.aliases ?? [])].map(normalizeHeader);
  if (names.includes(h)) return true;
  if (h.endsWith('...')) {
    const stem = h.slice(0, -3);
    return stem.length >= 4 && names.some((n) => n.startsWith(stem));
  }
  return false;
}

/** Where each column is in the rows, and how to read a cell of it. */
export class Header {
  constructor(
    readonly line: number,
    readonly index: ReadonlyMap<string, number>,
    private readonly specs: readonly ColumnSpec[],
  ) {}

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** The raw cell, '' when the column is absent or the row is short. */
  raw(row: SourceRow, key: string): string {
    const i = this.index.get(key);
    return i === undefined ? '' : (row.cells[i] ?? '');
  }

  /** 1-based column of `key` (the first column when it is absent). */
  column(key: string): number {
    return (this.index.get(key) ?? 0) + 1;
  }

  title(key: string): string {
    return this.specs.find((s) => s.key === key)?.ru ?? key;
  }
}

/** Reads the cells of one row, turning a {@link CellError} into an error at its place. */
export class RowReader {
  ok = true;

  constructor(
    private readonly header: Header,
    private readonly row: SourceRow,
    private readonly errors: ImportErrors,
    private readonly warnings: ImportErrors | null = null,
  ) {}

  get line(): number {
    return this.row.line;
  }

  raw(key: string): string {
    return this.header.raw(this.row, key);
  }

  /** Parse a cell; on error record it and return undefined. Required cells must not be empty. */
  get<T>(key: string, parse: (raw: string) => T, required = false): T | undefined {
    const raw = this.raw(key);
    if (clean(raw) === '') {
      if (required) this.fail(key, `${this.header.title(key)}: пусто (ожидалось значение)`);
      return undefined;
    }
    try {
      return parse(raw);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      this.fail(key, `${this.header.title(key)}: ${err.message}`);
      return undefined;
    }
  }

  /**
   * A data-quality check: parse a cell whose problem affects only that field. On a
   * {@link CellError} the row stays good, a warning is recorded and `{ bad: raw }` returned,
   * so the caller can store the value as given and flag it.
   */
  check<T>(key: string, parse: (raw: string) => T): { value: T | undefined; bad?: string } {
    const raw = this.raw(key);
    if (clean(raw) === '') return { value: undefined };
    try {
      return { value: parse(raw) };
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      this.warn(key, `${this.header.title(key)}: ${err.message}`);
      return { value: undefined, bad: clean(raw) };
    }
  }

  warn(key: string, message: string): void {
    // Without a warnings list (a kind that has no data-quality checks) it is an error.
    if (this.warnings) this.warnings.add(this.row.line, this.header.column(key), message);
    else this.fail(key, message);
  }

  fail(key: string, message: string): void {
    this.ok = false;
    this.errors.add(this.row.line, this.header.column(key), message);
  }
}

/** Map a header row to the specs; null unless every required column is there. */
export function matchHeader(row: SourceRow, specs: readonly ColumnSpec[]): Header | null {
  const index = new Map<string, number>();
  row.cells.forEach((cell, i) => {
    const spec = specs.find((s) => !index.has(s.key) && matches(cell, s));
    if (spec) index.set(spec.key, i);
  });
  return specs.every((s) => s.optional || index.has(s.key)) ? new Header(row.line, index, specs) : null;
}

export function isBlank(row: SourceRow): boolean {
  return row.cells.every((c) => clean(c) === '');
}

/** A totals row (`Итого`, `Итого: (18)`) closes the CRM's tables. */
export function isTotals(row: SourceRow): boolean {
  return /^итого/i.test(clean(row.cells[0]));
}

/** The expected header, for the error when none is found. */
export function describeColumns(specs: readonly ColumnSpec[]): string {
  return specs.map((s) => (s.optional ? `[${s.ru}]` : s.ru)).join(' · ');
}
