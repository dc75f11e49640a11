/**
 * A report is data first: titled sections of typed columns and rows, with an optional totals
 * row, and optional charts (data too, see charts/types.ts). render.ts turns one into a text
 * table, CSV, JSON or an Excel workbook, html.ts into a self-contained HTML page with the
 * charts as inline SVG, so every report gets every format the same way.
 */
import type { ParseArgsConfig } from 'node:util';
import type { App } from '../app.js';
import type { Chart } from './charts/types.js';

export type { Chart } from './charts/types.js';

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
  /**
   * Pictures of the report's data, drawn above the tables in `--format html` (and kept as data
   * in `--format json`; the other formats have no place for them).
   */
  charts?: Chart[];
}

export type ReportFormat = 'table' | 'csv' | 'json' | 'xlsx' | 'html';

export interface ReportDefinition {
  name: string;
  /** The Russian title, as the diary's list of reports shows it (default: the description). */
  title?: string;
  description: string;
  /** Extra command-line options of `admin report <name>` (besides --format, --out). */
  options: NonNullable<ParseArgsConfig['options']>;
  usage: string;
  /** Listed for a specialist in the diary's «Отчёты» (a report about their own clients). */
  forSpecialists?: boolean;
  /** Validate the parsed options (throw UsageError on bad input) and build the report. */
  build(app: App, values: Record<string, string | boolean | string[] | undefined>): Promise<Report>;
}
