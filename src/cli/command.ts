/** What an admin-script command is, and what it gets. */
import type { ParseArgsConfig } from 'node:util';
import type { App } from '../app.js';
import type { AppConfig } from '../config.js';
import type { Values } from '../domain/options.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
// The options' parsing and error are shared with the reports and the diary (src/domain/options.ts).
export { int, oneOf, str, UsageError, type Values } from '../domain/options.js';

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

/** Print JSON (with `--json`) or the human form. */
export function emit(ctx: CliContext, data: unknown, human: () => string): void {
  ctx.out(ctx.json ? `${JSON.stringify(data, null, 2)}\n` : human());
}
