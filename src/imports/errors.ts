/**
 * Errors of one import: every bad cell is `file:line:column: what is wrong (what was
 * expected)`. All are counted; the first {@link MAX_LISTED} are kept for the message.
 */

export const MAX_LISTED = 50;

export class ImportErrors {
  readonly listed: string[] = [];
  count = 0;

  constructor(readonly file: string) {}

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
    return [...this.listed, ...(more > 0 ? [`… and ${more} more ${more === 1 ? 'error' : 'errors'} (${this.count} in all)`] : [])].join(
      '\n',
    );
  }
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
