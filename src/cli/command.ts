/** What an admin-script command is, and what it gets. */
import type { ParseArgsConfig } from 'node:util';
import type { App } from '../app.js';
import type { AppConfig } from '../config.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Bad arguments: exit code 2 with the command's usage text. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliContext {
  config: AppConfig;
  /** The application context, created on first use. */
  app(): App;
  /** `--json`: print machine-readable output. */
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  /** One word, or two for a sub-command (`task done`). */
  name: string;
  summary: string;
  /** Usage line(s) after `churnguard `. */
  usage: string;
  options?: OptionsConfig;
  /** Further options that depend on the positionals (a report's own options). */
  dynamicOptions?(positionals: string[]): OptionsConfig;
  /** How many positional arguments the command takes. */
  args?: { min: number; max: number };
  /**
   * A command that brings its own database and mail sink (`simulate`) runs as the demo does,
   * so production's required secrets and SMTP_URL are not asked for.
   */
  runKind?: 'demo';
  /** Returns the exit code (default 0). */
  run(ctx: CliContext, values: Values, positionals: string[]): Promise<number | undefined>;
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
    const range = opts.min !== undefined || opts.max !== undefined ? ` in ${opts.min ?? '…'}..${opts.max ?? '…'}` : '';
    throw new UsageError(`--${key}: "${v}" is not a whole number${range}`);
  }
  return n;
}

export function oneOf<T extends string>(values: Values, key: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = str(values, key);
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${key}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** Print JSON (with `--json`) or the human form. */
export function emit(ctx: CliContext, data: unknown, human: () => string): void {
  ctx.out(ctx.json ? `${JSON.stringify(data, null, 2)}\n` : human());
}
