/**
 * `npm run bench -- risk-score [clients]`: the weekly risk scoring of 100 000 clients with 26
 * weeks of online usage and half a year of events (trainings, cabinet requests, webinars,
 * contact events), next to a plain `SELECT count(*)` scan of the same tables in the same run.
 * Target: scoring ≤ 15 s on the development machine.
 */
import { loadavg } from 'node:os';
import { setClock } from '../src/clock.js';
import { computeWeek } from '../src/health/score-week.js';
import { riskScore } from '../src/jobs/risk-score.js';
import { executeRun } from '../src/queue/worker.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const TABLES = ['clients', 'contacts', 'trainings', 'lk_requests', 'webinar_attendance', 'contact_events', 'online_usage', 'risk_scores'];

/** Deterministic sample data built inside PostgreSQL (generate_series), week 2024-W22 ending 2 June 2024. */
export async function seed(query: (sql: string, params?: unknown[]) => Promise<unknown>, n: number): Promise<void> {
  await query(`SELECT setseed(0.42)`);
  await query(`INSERT INTO departments (name) SELECT 'Специалисты ' || g || '_502' FROM generate_series(1, 20) g`);
  await query(`INSERT INTO employees (name, role, department_id, email)
               SELECT 'Сотрудник ' || g, CASE WHEN g % 2 = 0 THEN 'remote' ELSE 'field' END, 1 + g % 20, 'e' || g || '@ric.example'
                 FROM generate_series(1, 200) g`);
  await query(
    `INSERT INTO clients (number, name, category, monthly_fee, state, connected_on, remote_specialist_id, field_specialist_id, flags)
     SELECT 100000 + g, 'Клиент ' || g, (ARRAY['A','B','C'])[1 + g % 3], 5000 + g % 30 * 1000, 'served',
            date '2016-01-01' + (g % 3000), 2 * (1 + g % 100), 2 * (g % 100) + 1,
            CASE WHEN g % 50 = 0 THEN ARRAY['double'] ELSE '{}' END
       FROM generate_series(1, $1::int) g`,
    [n],
  );
  // Three contacts per client: an ЛПР and two system users.
  await query(`INSERT INTO contacts (client_id, full_name, is_lpr, is_system_user)
               SELECT c.id, 'Лицо ' || k || ' клиента ' || c.id, k = 1, k > 1 FROM clients c, generate_series(1, 3) k`);
  await query(`INSERT INTO trainings (client_id, contact_id, person_name, trained_on, natural_key)
               SELECT k.client_id, CASE WHEN k.id % 2 = 0 THEN k.id END, k.full_name, date '2021-06-01' + (random() * 1090)::int, 'tr' || k.id
                 FROM contacts k WHERE k.is_system_user AND random() < 0.6`);
  await query(`INSERT INTO lk_requests (client_id, requested_on, natural_key)
               SELECT c.id, date '2023-12-04' + (random() * 181)::int, 'lk' || c.id || '.' || r
                 FROM clients c, generate_series(1, 3) r WHERE random() < 0.6`);
  await query(`INSERT INTO webinar_attendance (client_id, person_name, attended_on, webinar, natural_key)
               SELECT c.id, 'Слушатель', date '2023-12-04' + (random() * 181)::int, 'Вебинар ' || r, 'wa' || c.id || '.' || r
                 FROM clients c, generate_series(1, 2) r WHERE random() < 0.5`);
  // A contact event a month per client over half a year, with the ЛПР for every other client.
  await query(`INSERT INTO contact_events (client_id, contact_id, occurred_at, outcome, natural_key)
               SELECT c.id, CASE WHEN c.id % 2 = 0 THEN k.id END,
                      timestamptz '2023-12-04 10:00+03' + (m * 30 + (random() * 25)::int) * interval '1 day',
                      (ARRAY['held','held_with_login','not_held'])[1 + (random() * 2)::int], 'ce' || c.id || '.' || m
                 FROM clients c JOIN contacts k ON k.client_id = c.id AND k.is_lpr, generate_series(0, 5) m`);
  // 26 weeks of logins per client.
  await query(`INSERT INTO online_usage (client_id, login, period_start, period_end, logins)
               SELECT c.id, 'login', date '2023-12-04' + 7 * w, date '2023-12-04' + 7 * w + 6, (random() * 12)::int
                 FROM clients c, generate_series(0, 25) w`);
  await query(`INSERT INTO imports (kind, file_name, sha256, state, started_at, finished_at)
               SELECT k, k || '.txt', md5(k), 'done', timestamptz '2024-06-02 20:00+03', timestamptz '2024-06-02 20:05+03'
                 FROM unnest(ARRAY['contacts','trainings','lk-requests','contact-events','online-usage','webinars','hotline','payments']) k`);
  await query('ANALYZE');
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 100_000);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ctx = await benchContext();
  try {
    const { pool } = ctx.app;
    const q = (sql: string, params?: unknown[]) => pool.query(sql, params);
    const seeded = await timed(() => seed(q, n));
    process.stdout.write(`seeded ${n} clients in ${(seeded.ms / 1000).toFixed(1)} s\n`);
    setClock(new Date('2024-06-03T07:00:00+03:00'));
    const counts: Record<string, number> = {};
    const scan = await timed(async () => {
      for (const t of TABLES) counts[t] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]?.n ?? 0;
    });
    const compute = await timed(() => computeWeek(ctx.app, '2024-W22'));
    const first = await timed(() => executeRun(ctx.app, riskScore, { period: '2024-W22', trigger: 'admin' }));
    const again = await timed(() => executeRun(ctx.app, riskScore, { period: '2024-W22', trigger: 'admin', force: true }));
    const rescan = await timed(async () => {
      for (const t of TABLES) await pool.query(`SELECT count(*) FROM ${t}`);
    });
    const stats = first.value.stats as { clients: number; zones: Record<string, number>; tasks: unknown; ms: Record<string, number> };
    const parts = (st: { ms: Record<string, number> }) =>
      `counts + model ${s(st.ms.score ?? 0)}, write ${s(st.ms.write ?? 0)}, tasks ${s(st.ms.tasks ?? 0)}`;
    const againStats = again.value.stats as { ms: Record<string, number> };
    const rows = Object.entries(counts)
      .map(([t, c]) => `${t} ${c.toLocaleString('en-US')}`)
      .join(', ');
    const lines = [
      `${n.toLocaleString('en-US')} served clients, 26 weeks of online usage, half a year of events; scoring week 2024-W22.`,
      `Rows: ${rows} (risk_scores after the run: ${stats.clients.toLocaleString('en-US')}).`,
      '',
      '| what | time |',
      '|---|---|',
      `| plain scan: \`SELECT count(*)\` of the ${TABLES.length} tables (baseline) | ${s(scan.ms)} |`,
      `| same scan after scoring (warm cache) | ${s(rescan.ms)} |`,
      `| scoring in memory (counts query + risk model, no writes) | ${s(compute.ms)} |`,
      `| \`risk-score\` run, first: ${stats.clients.toLocaleString('en-US')} rows written, tasks ${JSON.stringify(stats.tasks)} (${parts(stats)}) | **${s(first.ms)}** |`,
      `| \`risk-score\` run again, --force: rows replaced, no new tasks (${parts(againStats)}) | ${s(again.ms)} |`,
      '',
      `Zones: ${JSON.stringify(stats.zones)}. Ratio run / plain scan: **${(first.ms / scan.ms).toFixed(1)}×**; target ≤ 15 s: ${first.ms <= 15_000 ? 'met' : 'NOT met'}.`,
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, shared with other work (load average ${loadavg()[0]?.toFixed(1)} at the end).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('risk-score', lines.join('\n'));
  } finally {
    setClock(null);
    await ctx.close();
  }
}
