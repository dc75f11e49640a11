/**
 * `npm run bench -- diagnostics [clients]`: the competitor-diagnostics campaign for 100 000
 * served clients and 500 remote specialists (200 each: at 5 a day most fall after the planned
 * period, the worst case of the staggering), next to a baseline in the same run: one plain
 * `INSERT … SELECT` of as many task rows. Then a forced re-run (nothing to give), a re-run after
 * 1 000 clients came, the control report and the weekly control's plan.
 */
import { loadavg } from 'node:os';
import { setClock } from '../src/clock.js';
import { planControl } from '../src/diagnostics/control.js';
import { competitorDiagnostics } from '../src/jobs/competitor-diagnostics.js';
import { executeRun } from '../src/queue/worker.js';
import { tasksControlReport } from '../src/reports/tasks-control.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const SPECIALISTS = 500;

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 100_000);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ctx = await benchContext();
  try {
    const { pool } = ctx.app;
    await pool.query(`INSERT INTO departments (name) SELECT 'Дистанционный сервис ' || g || '_502' FROM generate_series(1, 25) g`);
    await pool.query(
      `INSERT INTO employees (name, role, department_id, email, is_department_head)
       SELECT 'Сотрудник ' || g, CASE WHEN g <= 25 THEN 'head' ELSE 'remote' END, 1 + g % 25, 'e' || g || '@ric.example', g <= 25
         FROM generate_series(1, $1::int + 25) g`,
      [SPECIALISTS],
    );
    const seedClients = (from: number, count: number) =>
      pool.query(
        `INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id)
         SELECT 100000 + g, 'Клиент ' || g, 'B', 3000 + (g * 7919) % 24000, CASE WHEN g % 25 = 0 THEN 'disconnected' ELSE 'served' END,
                26 + g % $3::int
           FROM generate_series($1::int, $1::int + $2::int - 1) g`,
        [from, count, SPECIALISTS],
      );
    await seedClients(1, n);
    await pool.query('ANALYZE');
    const served = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM served_clients')).rows[0]?.n ?? 0;
    setClock(new Date('2024-07-15T09:00:00+03:00'));
    const baseline = await timed(async () => {
      await pool.query(`CREATE TABLE bench_tasks (LIKE tasks INCLUDING ALL)`);
      await pool.query(
        `INSERT INTO bench_tasks (kind, title, assignee_id, client_id, due_at, payload, dedup_key, created_by)
         SELECT 'x', 'Диагностика', remote_specialist_id, id, now(), jsonb_build_object('text', repeat('ч', 900)), 'x.' || id, 'bench'
           FROM served_clients`,
      );
    });
    await pool.query('DROP TABLE bench_tasks');
    const first = await timed(() => executeRun(ctx.app, competitorDiagnostics, { period: '2024-H2', trigger: 'schedule' }));
    const again = await timed(() => executeRun(ctx.app, competitorDiagnostics, { period: '2024-H2', trigger: 'admin', force: true }));
    setClock(new Date('2024-08-01T10:00:00+03:00'));
    await seedClients(n + 1, 1000);
    const late = await timed(() => executeRun(ctx.app, competitorDiagnostics, { period: '2024-H2', trigger: 'admin', force: true }));
    const report = await timed(() => tasksControlReport.build(ctx.app, { period: '2024-H2' }));
    const control = await timed(() => planControl(pool));
    const max = (
      await pool.query<{ max: number }>(
        `SELECT max(n)::int AS max FROM (SELECT assignee_id, (due_at AT TIME ZONE 'Europe/Moscow')::date, count(*) AS n
         FROM tasks WHERE kind = 'competitor-diagnostics' GROUP BY 1, 2) x`,
      )
    ).rows[0]?.max;
    const st = first.value.stats as {
      created: number;
      beyondPeriod: number;
      bySegment: Record<string, number>;
      ms: { plan: number; write: number };
    };
    const lines = [
      `${served.toLocaleString('en-US')} served clients (of ${n.toLocaleString('en-US')}) and ${SPECIALISTS} remote specialists; campaign 2024-H2, ${ctx.app.config.diagnostics.maxDuePerDay} due per specialist and day at most.`,
      '',
      '| what | time |',
      '|---|---|',
      `| baseline: one \`INSERT … SELECT\` of ${served.toLocaleString('en-US')} task rows with a 900-character text | ${s(baseline.ms)} |`,
      `| \`competitor-diagnostics\` run: ${st.created.toLocaleString('en-US')} tasks ${JSON.stringify(st.bySegment)}, ${st.beyondPeriod.toLocaleString('en-US')} due after their planned period (plan ${s(st.ms.plan)}, write ${s(st.ms.write)}) | **${s(first.ms)}** |`,
      `| run again, --force: nothing to give | ${s(again.ms)} |`,
      `| run again after 1 000 new clients: ${(late.value.stats as { created: number }).created} tasks around what is due | ${s(late.ms)} |`,
      `| report \`tasks-control\` (${report.value.sections[0]?.rows.length} rows) | ${s(report.ms)} |`,
      `| diagnostics-control plan: ${control.value.overdue.length.toLocaleString('en-US')} overdue, ${control.value.departments.length} summaries | ${s(control.ms)} |`,
      '',
      `Most due on one day for one specialist: ${max}. Ratio run / baseline: **${(first.ms / baseline.ms).toFixed(1)}×**.`,
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, shared with other work (load average ${loadavg()[0]?.toFixed(1)} at the end).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('diagnostics', lines.join('\n'));
  } finally {
    setClock(null);
    await ctx.close();
  }
}
