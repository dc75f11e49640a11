/**
 * A report is data first: titled sections of typed columns and rows, with an optional totals
 * row. render.ts turns one into a text table, CSV, JSON or an Excel workbook, so every report
 * gets every format the same way.
 */
import type { ParseArgsConfig } from 'node:util';
import type { App } from '../app.js';

export type ColumnType = 'text' | 'int' | 'number' | 'score' | 'money' | 'percent' | 'date' | 'datetime';

export interface ReportColumn {
  key: string;
  /** The CRM's column name, in Russian. */
  header: string;
  type?: ColumnType;
}

export type ReportRow = Record<string, unknown>;

export interface ReportSection {
  title?: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** Shown last, in bold in Excel (e.g. `Итого: (18)`). */
  totals?: ReportRow;
  /** Lines printed under the table (e.g. which sources were stale). */
  notes?: string[];
}

export interface Report {
  name: string;
  /** Russian title, as the CRM names the report. */
  title: string;
  /** Period or filters, in Russian (e.g. `Июнь 2024 года`). */
  subtitle?: string;
  sections: ReportSection[];
}

export type ReportFormat = 'table' | 'csv' | 'json' | 'xlsx';

export interface ReportDefinition {
  name: string;
  description: string;
  /** Extra command-line options of `admin report <name>` (besides --format, --out). */
  options: NonNullable<ParseArgsConfig['options']>;
  usage: string;
  /** Validate the parsed options (throw UsageError on bad input) and build the report. */
  build(app: App, values: Record<string, string | boolean | string[] | undefined>): Promise<Report>;
}
