/**
 * Problems of one import: every bad cell is `file:line:column: what is wrong (what was
 * expected)`. All are counted; the first {@link MAX_LISTED} are kept for the message.
 *
 * Two kinds, two lists. *Errors* are structural (a missing required column, an unknown
 * client, a number that does not parse in a scored column, a key twice): the file cannot be
 * trusted and nothing is written. *Warnings* are data-quality problems of one field whose row
 * is otherwise good (a malformed e-mail, a phone that is not a phone, a missing optional
 * column): the row is imported, the value is stored as given and flagged, the import succeeds.
 */

import { count } from '../domain/ru.js';

export const MAX_LISTED = 50;

export class ImportErrors {
  readonly listed: string[] = [];
  count = 0;

  constructor(
    readonly file: string,
    private readonly noun: 'error' | 'warning' = 'error',
  ) {}

  add(line: number, column: number, message: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED) this.listed.push(`${this.file}:${line}:${column}: ${message}`);
  }

  get any(): boolean {
    return this.count > 0;
  }

  /** The listed errors, then how many more there were. */
  format(): string {
    const more = this.count - this.listed.length;
    return [...this.listed, ...(more > 0 ? [moreLine(more, this.count, this.noun)] : [])].join('\n');
  }
}

const NOUNS = { error: ['ошибка', 'ошибки', 'ошибок'], warning: ['предупреждение', 'предупреждения', 'предупреждений'] } as const;

/** «… и ещё 3 ошибки (всего 53)». */
export function moreLine(more: number, total: number, noun: 'error' | 'warning'): string {
  return `… и ещё ${count(more, NOUNS[noun])} (всего ${total})`;
}

/** The file was rejected: nothing was written. `message` lists the errors. */
export class ImportFailed extends Error {
  override name = 'ImportFailed';
  constructor(
    readonly errors: ImportErrors,
    readonly importId: number | null = null,
  ) {
    super(errors.format());
  }
}

/** What an import's summary keeps of its warnings (also shown by `imports --json`). */
export function warningsSummary(w: ImportErrors): { count: number; listed: string[] } {
  return { count: w.count, listed: w.listed };
}
