/**
 * The admin script: `npm run admin -- <command> …` or `churnguard <command> …`.
 * Exit codes: 0 success, 1 failure, 2 usage error (with the usage text).
 * Every command takes `--now <ISO date-time>` (sets the clock) and `--json`.
 */
import { parseArgs } from 'node:util';
import { type App, createApp } from '../app.js';
import { setClock } from '../clock.js';
import { type AppConfig, ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { validateSchedules } from '../queue/schedules.js';
import { type CliContext, type Command, type OptionsConfig, UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';

const GLOBAL_OPTIONS: OptionsConfig = {
  now: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

const processIO: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export function usageText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Запуск: churnguard <команда> [параметры]   (npm run admin -- <команда> [параметры])',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'У каждой команды: --now <дата и время ISO> переводит часы; --json печатает JSON',
    '`churnguard <команда> --help` показывает параметры команды',
    '',
  ].join('\n');
}

/** Node's parseArgs errors, said in Russian (the option named as it was typed). */
function parseArgsMessage(err: Error & { code?: string }): string {
  const option = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `неизвестный параметр ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message)
        ? `параметр ${option} пишется без значения`
        : `у параметра ${option} нет значения`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `лишний аргумент «${/'([^']*)'/.exec(err.message)?.[1] ?? ''}»`;
    default:
      return err.message;
  }
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [a, b] = words;
  const two = b !== undefined ? COMMANDS.find((c) => c.name === `${a} ${b}`) : undefined;
  const cmd = two ?? COMMANDS.find((c) => c.name === a);
  if (!cmd) return null;
  const rest = [...argv];
  for (const w of cmd.name.split(' ')) rest.splice(rest.indexOf(w), 1);
  return { cmd, rest };
}

/** Run the admin script; returns the exit code. */
export async function runCli(argv: string[], io: CliIO = processIO, configOverride?: AppConfig): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? io.err : io.out)(usageText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`неизвестная команда «${argv.find((a) => !a.startsWith('-')) ?? argv[0]}»\n\n${usageText()}`);
    return 2;
  }
  const { cmd, rest } = found;
  // Each usage line is a command line, except indented lines, which explain.
  const usage = `Запуск: ${cmd.usage
    .split('\n')
    .map((l, i) => (/^\s/.test(l) ? l : `${i ? '        ' : ''}churnguard ${l}`))
    .join('\n')}\n`;
  let app: App | null = null;
  try {
    const pre = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...cmd.options }, strict: false, allowPositionals: true });
    const extra = cmd.dynamicOptions ? cmd.dynamicOptions(pre.positionals) : {};
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...cmd.options, ...extra }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError(parseArgsMessage(err as Error & { code?: string }));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const { min, max } = cmd.args ?? { min: 0, max: 0 };
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(positionals.length < min ? 'не хватает аргумента' : `лишний аргумент «${positionals[max]}»`);
    }
    if (typeof values.now === 'string') {
      const at = new Date(values.now);
      if (Number.isNaN(at.getTime()))
        throw new UsageError(`--now: «${values.now}» — не дата и время ISO (например, 2024-06-03T10:00:00+03:00)`);
      setClock(at);
    }
    const config = configOverride ?? loadConfig(cmd.runKind ? { envOverrides: { CHURNGUARD_RUN: cmd.runKind } } : {});
    validateSchedules(config);
    if (!configOverride && config.env.now && typeof values.now !== 'string') setClock(config.env.now);
    const ctx: CliContext = {
      config,
      app() {
        app ??= createApp(config, { log: createLogger(config.env.logLevelSet ? config.env.logLevel : 'warn', 2) });
        return app;
      },
      json: values.json === true,
      out: io.out,
      err: io.err,
    };
    return (await cmd.run(ctx, values as Record<string, string | boolean | string[] | undefined>, positionals)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${cmd.name}: ${err.message}\n${usage}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 2;
    }
    io.err(`${cmd.name}: не выполнено: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (app) await (app as App).close().catch(() => {});
  }
}
