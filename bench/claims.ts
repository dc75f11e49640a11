/**
 * `npm run bench -- claims`: the bookkeeping a periodic run costs — claim, heartbeat timer,
 * completion — per run, next to the plain INSERT … ON CONFLICT it is built on.
 */
import { z } from 'zod';
import type { PeriodicJob } from '../src/jobs/types.js';
import { executeRun } from '../src/queue/worker.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const N = 2000;

const noop: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'bench-noop',
  description: 'does nothing',
  periodKind: 'day',
  options: z.strictObject({}),
  run: async () => ({}),
};

export async function run(): Promise<void> {
  const ctx = await benchContext();
  try {
    const { pool } = ctx.app;
    await pool.query('CREATE TABLE bench_plain (job text, period text, UNIQUE (job, period))');
    const days = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10));
    const plain = await timed(async () => {
      for (const d of days) await pool.query(`INSERT INTO bench_plain VALUES ('x', $1) ON CONFLICT DO NOTHING`, [d]);
    });
    const runs = await timed(async () => {
      for (const d of days) await executeRun(ctx.app, noop, { period: d, trigger: 'admin' });
    });
    const perRunPlain = plain.ms / N;
    const perRun = runs.ms / N;
    const lines = [
      `${N} sequential runs of a no-op job (claim + complete) vs ${N} single INSERT … ON CONFLICT statements.`,
      '',
      '| what | per item | items/s |',
      '|---|---|---|',
      `| plain INSERT (baseline) | ${perRunPlain.toFixed(3)} ms | ${Math.round(1000 / perRunPlain)} |`,
      `| executeRun (claim, run, complete) | ${perRun.toFixed(3)} ms | ${Math.round(1000 / perRun)} |`,
      '',
      `Ratio (run rate / baseline rate): **${(perRunPlain / perRun).toFixed(2)}**. Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('claims', lines.join('\n'));
  } finally {
    await ctx.close();
  }
}
