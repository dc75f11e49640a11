/**
 * Options as the admin script and the diary pass them (`--week 2024-W23`, `--limit 20`): the
 * parsing shared by the commands and the reports, and the error of a bad value. Here, below
 * both: a report's options are the report's, whoever asks for it.
 */
import { PeriodError, parsePeriod } from './periods.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Bad arguments: the admin script exits 2 with the command's usage text, the diary shows the form with it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function int(values: Values, key: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    const range =
      opts.min !== undefined && opts.max !== undefined
        ? ` от ${opts.min} до ${opts.max}`
        : opts.min !== undefined
          ? ` не меньше ${opts.min}`
          : opts.max !== undefined
            ? ` не больше ${opts.max}`
            : '';
    throw new UsageError(`--${key}: «${v}» — не целое число${range}`);
  }
  return n;
}

export function oneOf<T extends string>(values: Values, key: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = str(values, key);
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${key}: «${v}» — допустимо одно из: ${allowed.join(', ')}`);
  return v as T;
}

/** The ISO week given as `--<key>`, checked; null when not given. */
export function weekOption(values: Values, key = 'week'): string | null {
  const v = values[key];
  if (typeof v !== 'string') return null;
  try {
    return parsePeriod('isoweek', v);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--${key}: ${err.message}`);
    throw err;
  }
}
