/**
 * `simulate`: a simulated RIC living through weeks with the real service (src/sim/run.ts), the
 * weekly table on the terminal with a progress bar, `DIR/simulation.html` and
 * `DIR/simulation.xlsx`; `simulate compare A.json B.json`: two what-if settings with the same
 * seed, their figures side by side.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { PROJECT_ROOT } from '../../config.js';
import { renderHtml } from '../../reports/html.js';
import { formatCell, formatTable, renderXlsx } from '../../reports/render.js';
import { defaultSpecialists, SIM_DEFAULTS, simDatabaseUrl, splitSettings } from '../../sim/options.js';
import { compareRows, figuresJson, simulationReport, TERMINAL_COLUMNS, totalsLines } from '../../sim/report.js';
import type { SimOptions, SimResult } from '../../sim/run.js';
import { type CliContext, type Command, int, str, UsageError, type Values } from '../command.js';

const OPTIONS = {
  clients: { type: 'string' },
  weeks: { type: 'string' },
  seed: { type: 'string' },
  specialists: { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  start: { type: 'string' },
  'keep-mail': { type: 'boolean' },
} as const;

/** A what-if file: JSON; a syntax error is named by file:line:column. */
export function readSettings(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as Error).message})`);
  }
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new UsageError(`${path}:${line}:${column}: ${printParseErrorCode(first.error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${path}:1:1: expected a JSON object`);
  try {
    splitSettings(value as Record<string, unknown>);
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message}`);
  }
  return value as Record<string, unknown>;
}

function options(values: Values): Omit<SimOptions, 'settings' | 'onWeek' | 'onProgress'> & { configPath?: string } {
  const clients = int(values, 'clients', { min: 10, max: 100_000 }) ?? SIM_DEFAULTS.clients;
  const staff = defaultSpecialists(clients);
  const specialists = str(values, 'specialists') ?? `${staff.remote},${staff.field}`;
  const m = /^(\d+),(\d+)$/.exec(specialists);
  const remote = Number(m?.[1]);
  const field = Number(m?.[2]);
  if (!m || remote < 1 || remote > 200 || field > 200) {
    throw new UsageError(`--specialists: "${specialists}" is not R,F (remote 1..200 and field 0..200 specialists, e.g. 5,3)`);
  }
  const start = str(values, 'start') ?? SIM_DEFAULTS.start;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(start)) || new Date(`${start}T12:00:00Z`).getUTCDay() !== 1) {
    throw new UsageError(`--start: "${start}" is not a Monday (YYYY-MM-DD)`);
  }
  const databaseUrl = simDatabaseUrl();
  if (process.env.DATABASE_URL && databaseUrl === process.env.DATABASE_URL) {
    throw new UsageError("SIM_DATABASE_URL names DATABASE_URL's database; the simulation recreates its own and never touches that one");
  }
  return {
    clients,
    weeks: int(values, 'weeks', { min: 1, max: 260 }) ?? SIM_DEFAULTS.weeks,
    seed: int(values, 'seed', { min: 0 }) ?? SIM_DEFAULTS.seed,
    remote,
    field,
    start,
    out: resolve(str(values, 'out') ?? join(PROJECT_ROOT, 'var', 'simulation')),
    keepMail: values['keep-mail'] === true,
    databaseUrl,
    configPath: str(values, 'config'),
  };
}

function progressBar(ctx: CliContext): SimOptions['onProgress'] {
  if (!process.stderr.isTTY || ctx.json) return undefined;
  return (done, total, label) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} дн. ${label}   ${done === total ? '\n' : ''}`,
    );
  };
}

/** A week's line of the terminal's table, in fixed columns under the header printed first. */
function weekLine(row: Record<string, unknown>): string {
  return TERMINAL_COLUMNS.map((c) => {
    const w = Math.max(c.header.length, 7);
    const v = formatCell(row[c.key], c.type);
    return c.type && c.type !== 'text' ? v.padStart(w) : v.padEnd(w);
  }).join('  ');
}

async function writeOutputs(res: SimResult, out: string): Promise<{ html: string; xlsx: string }> {
  mkdirSync(out, { recursive: true });
  const report = simulationReport(res.figures, res.measures);
  const html = join(out, 'simulation.html');
  const xlsx = join(out, 'simulation.xlsx');
  writeFileSync(html, renderHtml(report, { tz: 'Europe/Moscow', generatedAt: new Date() }));
  writeFileSync(xlsx, await renderXlsx(report, 'Europe/Moscow'));
  return { html, xlsx };
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'смоделированный РИЦ за недели с настоящими заданиями: показатели по неделям, инварианты, ПАПКА/simulation.html',
  usage: `simulate [--clients N] [--weeks W] [--seed S] [--specialists R,F] [--config FILE] [--out DIR] [--keep-mail] [--start YYYY-MM-DD] [--json]
  defaults: ${SIM_DEFAULTS.clients} clients, ${SIM_DEFAULTS.weeks} weeks, seed ${SIM_DEFAULTS.seed}, a remote specialist per 120 clients and a field one per 250 (at least ${SIM_DEFAULTS.remote},${SIM_DEFAULTS.field}), from Monday ${SIM_DEFAULTS.start}, --out var/simulation
  --keep-mail: keep every e-mail sent as DIR/var/mail/*.eml (a year of 10 000 clients: about 6 GB)
  database: SIM_DATABASE_URL, else churnguard_sim on DATABASE_URL's server (recreated)`,
  options: OPTIONS,
  runKind: 'demo',
  async run(ctx, values) {
    const o = options(values);
    const settings = o.configPath ? readSettings(o.configPath) : {};
    if (!ctx.json) {
      ctx.out(
        `Симуляция: ${o.clients} клиентов, ${o.weeks} нед. с ${o.start}, база ${new URL(o.databaseUrl).pathname.slice(1)} (создаётся заново)\n`,
      );
      ctx.out(
        `${TERMINAL_COLUMNS.map((c) => (c.type && c.type !== 'text' ? c.header.padStart(Math.max(c.header.length, 7)) : c.header.padEnd(Math.max(c.header.length, 7)))).join('  ')}\n`,
      );
    }
    const bar = progressBar(ctx);
    // Loaded on use: the admin script's other commands start without the simulation.
    const { simulate } = await import('../../sim/run.js');
    const res = await simulate({
      ...o,
      settings,
      onProgress: bar,
      onWeek: (w) => {
        if (ctx.json) return;
        if (bar) process.stderr.write('\r\x1b[K');
        ctx.out(`${weekLine(w as unknown as Record<string, unknown>)}\n`);
      },
    });
    const files = await writeOutputs(res, o.out);
    if (ctx.json) ctx.out(figuresJson(res.figures));
    else {
      ctx.out(`\n${totalsLines(res.figures).join('\n')}\n`);
      ctx.out(`Страница: ${files.html}\nТаблица: ${files.xlsx}\nЗаняло ${Math.round(res.measures.seconds)} с.\n`);
    }
    return res.figures.invariants.broken ? 1 : 0;
  },
};

export const simulateCompareCommand: Command = {
  name: 'simulate compare',
  summary: 'прогнать две настройки «что если» с одним seed и напечатать их показатели рядом',
  usage:
    'simulate compare A.json B.json [--clients N] [--weeks W] [--seed S] [--specialists R,F] [--out DIR] [--keep-mail] [--start YYYY-MM-DD] [--json]',
  options: OPTIONS,
  runKind: 'demo',
  args: { min: 2, max: 2 },
  async run(ctx, values, positionals) {
    if (str(values, 'config')) throw new UsageError('--config: give the two settings files as arguments instead');
    const o = options(values);
    const [pa, pb] = positionals as [string, string];
    const sa = readSettings(pa);
    const sb = readSettings(pb);
    const bar = progressBar(ctx);
    const { simulate } = await import('../../sim/run.js');
    const a = await simulate({ ...o, out: join(o.out, 'a'), settings: sa, onProgress: bar });
    const b = await simulate({ ...o, out: join(o.out, 'b'), settings: sb, onProgress: bar });
    await writeOutputs(a, join(o.out, 'a'));
    await writeOutputs(b, join(o.out, 'b'));
    const rows = compareRows(a.figures, b.figures);
    if (ctx.json) ctx.out(`${JSON.stringify({ a: a.figures, b: b.figures, compare: rows }, null, 2)}\n`);
    else {
      const table = formatTable(
        [
          { key: 'figure', header: 'Показатель' },
          { key: 'a', header: pa, type: 'number' },
          { key: 'b', header: pb, type: 'number' },
          { key: 'diff', header: 'Б − А', type: 'number' },
        ],
        rows,
      );
      ctx.out(`${table}\n`);
      for (const [name, f] of [
        [pa, a.figures],
        [pb, b.figures],
      ] as const) {
        const broken = f.invariants.broken;
        if (broken) ctx.out(`${name}: нарушено правило «${broken.invariant}» ${broken.day}: ${broken.detail}\n`);
        if (f.invariants.steadyState) ctx.out(`${name}: предупреждение: ${f.invariants.steadyState}\n`);
      }
    }
    return a.figures.invariants.broken || b.figures.invariants.broken ? 1 : 0;
  },
};
