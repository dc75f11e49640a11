/**
 * `npm run bench -- simulate [clients weeks] …`: the simulated desk (src/sim/run.ts) at the
 * issue's sizes, 13 weeks × 2 000 clients (target ≤ 5 minutes) and 52 weeks × 10 000 clients
 * (target ≤ 30 minutes), with the process's peak memory. Baseline, in the same run: the time
 * the service's jobs took, each triggered on its own (`executeRun`, one at a time), summed over
 * the run; the ratio is the simulation's own cost — the world, the CRM files, the people, the
 * queue's waits, the figures — on top of the jobs.
 *
 * `npm run bench -- simulate 2000 13` runs one size; pairs run one after the other.
 */
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../src/sim/run.js';
import { machine, writeSection } from './lib.js';

const PG_BASE = 'postgres://root@127.0.0.1:5432';

export async function run(args: string[]): Promise<void> {
  const sizes: [number, number][] = [];
  for (let i = 0; i + 1 < args.length; i += 2) sizes.push([Number(args[i]), Number(args[i + 1])]);
  if (!sizes.length) sizes.push([2000, 13], [10_000, 52]);
  const rows: string[] = [];
  for (const [clients, weeks] of sizes) {
    const out = join(tmpdir(), `cg-bench-sim-${process.pid}`);
    let peak = 0;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 500);
    try {
      const res = await simulate({
        clients,
        weeks,
        seed: 502,
        remote: Math.max(5, Math.round(clients / 120)),
        field: Math.max(3, Math.round(clients / 250)),
        start: '2024-07-01',
        out,
        databaseUrl: `${PG_BASE}/cg_bench_sim`,
        queuePrefix: '{cgb-sim}',
        onWeek: (w, i) => process.stderr.write(`  ${clients} × ${weeks}: week ${i + 1} ${w.week}\n`),
      });
      peak = Math.max(peak, process.memoryUsage().rss);
      const jobs = res.measures.jobSeconds.reduce((s, w) => s + Object.values(w).reduce((a, b) => a + b, 0), 0);
      const total = res.measures.seconds;
      // The issue's targets: 13 × 2 000 in 5 minutes, 52 × 10 000 in 30; other sizes have none.
      const target = weeks === 13 && clients === 2000 ? 300 : weeks === 52 && clients === 10_000 ? 1800 : null;
      rows.push(
        `| ${weeks} × ${clients} | ${jobs.toFixed(0)} s | ${total.toFixed(0)} s | ${(total / jobs).toFixed(2)} | ${Math.round(peak / 2 ** 20)} MiB | ${target === null ? '—' : `${total <= target ? 'met' : 'missed'} (≤ ${target / 60} min)`} | ${res.figures.invariants.broken ? 'broken' : 'held'} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    } finally {
      clearInterval(sample);
      rmSync(out, { recursive: true, force: true });
    }
  }
  writeSection(
    'simulate',
    [
      'The simulated desk (`admin simulate`) from a fresh database: weeks × clients, the specialists one per 120 clients (field: per 250). Baseline = the seconds the service’s jobs took, each triggered on its own, summed over the same run; ratio = whole simulation / jobs (the simulation’s own cost on top of the jobs).',
      '',
      '| weeks × clients | jobs one by one (baseline) | whole simulation | ratio | peak RSS | target | invariants |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, shared with other work (load average ${loadavg()[0]?.toFixed(1)} at the end).`,
    ].join('\n'),
  );
}
