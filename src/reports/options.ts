/** Parsing report options: dates as the desk types them. */
import { UsageError } from '../domain/options.js';
import { parseDate } from '../imports/values.js';

/** `--from 03.06.2024` or `--from 2024-06-03` → `2024-06-03`. */
export function dateOption(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  if (typeof v !== 'string') return undefined;
  try {
    return parseDate(v);
  } catch (err) {
    throw new UsageError(`--${key}: ${(err as Error).message}`);
  }
}

export function textOption(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
