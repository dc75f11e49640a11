/**
 * `npm run bench -- plan [CLIENTS]`: the planner (src/workload/plan-work.ts) over 100 000 clients
 * and 500 specialists with a month of open work — every client with an ЛПР call, a third with a
 * risk review, a tenth with a diagnostics task, spread over the month — against the baseline
 * of a plain `INSERT … SELECT` of the same number of visit rows, measured in the same run.
 * Target: ≤ 10 s for the whole planning (deadlines, gathering, planning, writing the plan).
 */
import { loadavg } from 'node:os';
import { planWork } from '../src/workload/plan-work.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

export async function run(args: string[]): Promise<void> {
  const clients = Number(args[0] ?? 100_000);
  const specialists = 500;
  const ctx = await benchContext();
  const { app } = ctx;
  const q = (sql: string, p: unknown[] = []) => app.pool.query(sql, p);
  try {
    await q(`INSERT INTO employees (name, role) SELECT 'Специалист ' || g, 'remote' FROM generate_series(1, ${specialists}) g`);
    await q(
      `INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id)
       SELECT g, 'Клиент ' || g, 'B', 5000 + (g % 50) * 1000, 'served', (SELECT min(id) FROM employees) + g % ${specialists}
         FROM generate_series(1, ${clients}) g`,
    );
    // A month of open work: June 2024, starts and deadlines spread over the working days.
    await q(
      `INSERT INTO tasks (kind, title, assignee_id, client_id, planned_at, due_at, dedup_key, created_by, created_at)
       SELECT k.kind, k.kind, c.remote_specialist_id, c.id,
              timestamptz '2024-06-03 09:00+03' + ((c.number * 7 + k.n) % 26) * interval '1 day',
              timestamptz '2024-06-05 18:00+03' + ((c.number * 7 + k.n) % 26) * interval '1 day',
              k.kind || '.' || c.id, 'bench', timestamptz '2024-06-01 09:00+03'
         FROM clients c JOIN (VALUES ('lpr-call', 1, 1), ('risk-review', 2, 3), ('competitor-diagnostics', 3, 10)) AS k(kind, n, every)
           ON c.number % k.every = 0`,
    );
    const { rows } = await q(`SELECT count(*)::int AS n FROM tasks`);
    const tasks = rows[0].n as number;
    const load = loadavg()[0]?.toFixed(1);
    const plan = await timed(() => planWork(app, { date: '2024-06-03', at: new Date('2024-06-03T06:00:00Z') }));
    const again = await timed(() => planWork(app, { date: '2024-06-03', at: new Date('2024-06-03T08:00:00Z') }));
    // Baseline: the same number of rows written by one plain INSERT … SELECT.
    await q('CREATE TABLE bench_visits (LIKE visits INCLUDING DEFAULTS)');
    const base = await timed(() =>
      q(
        `INSERT INTO bench_visits (id, client_id, assignee_id, state, planned_on, created_at)
         SELECT id, client_id, assignee_id, 'open', DATE '2024-06-03', now() FROM visits`,
      ),
    );
    const ratio = plan.ms / base.ms;
    const s = plan.value;
    const body = [
      `${clients.toLocaleString('en')} clients, ${specialists} remote specialists (norm 20), a month of open work: ${tasks.toLocaleString('en')} tasks → ${s.visits.toLocaleString('en')} visits (${s.planned.toLocaleString('en')} planned, ${s.overflow.toLocaleString('en')} overflow).`,
      '',
      '| run | time | ratio to INSERT … SELECT |',
      '|---|---|---|',
      `| planning from scratch (deadlines, gathering, planning, writing) | ${(plan.ms / 1000).toFixed(2)} s | ${ratio.toFixed(1)} × |`,
      `| planning again (nothing new; today kept) | ${(again.ms / 1000).toFixed(2)} s | ${(again.ms / base.ms).toFixed(1)} × |`,
      `| baseline: INSERT … SELECT of the same ${s.visits.toLocaleString('en')} visit rows | ${(base.ms / 1000).toFixed(2)} s | 1 × |`,
      '',
      `Target ≤ 10 s: ${plan.ms <= 10_000 ? 'met' : 'NOT met'}. Machine: ${machine()}; load average at start ${load}.`,
    ].join('\n');
    writeSection('plan', body);
    process.stdout.write(`${body}\n`);
  } finally {
    await ctx.close();
  }
}
