/**
 * `npm run bench -- indicator-quality`: the indicator-quality report over 26 scored weeks ×
 * 100 000 clients (2.6 million risk_scores rows, 5 % of the clients disconnected, the CRM's
 * indicator imported for 4 weeks) — its one aggregate plus the figures in memory — next to a
 * plain scan of the same rows (`count`, `sum` over the weeks) measured in the same run.
 */
import { loadavg } from 'node:os';
import { addDays } from '../src/domain/dates.js';
import { getReport } from '../src/reports/index.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const CLIENTS = 100_000;
const WEEKS = 26;
const ROUNDS = 2;
const TARGET_S = 10;

export async function run(): Promise<void> {
  const ctx = await benchContext();
  try {
    const { pool } = ctx.app;
    await pool.query(
      `INSERT INTO clients (number, name, category, monthly_fee, state)
       SELECT 300000 + g, 'Клиент ' || g || ' ООО', 'B', 10000, 'served' FROM generate_series(1, $1::int) g`,
      [CLIENTS],
    );
    // Weeks 2024-W01 … 2024-W26, one statement per week; component scores from a hash of
    // (client, week, component).
    const pick = (k: number) => `CASE abs(hashint4(c.id::int * 31 + $1::int * 7 + ${k})) % 3 WHEN 0 THEN 0.2 WHEN 1 THEN 0.3 ELSE 0.5 END`;
    for (let n = 1; n <= WEEKS; n++) {
      await pool.query(
        `INSERT INTO risk_scores (client_id, week, week_end, training, lk, lpr_contact, logins, webinars, indicator, computed_indicator,
                                  zone, computed_zone, computed_at)
         SELECT id, $2, $3::date, s1, s2, s3, s4, s5, ind, ind, z, z, now()
           FROM (SELECT id, s1, s2, s3, s4, s5, ind,
                        CASE WHEN ind >= 0.34 THEN 'high' WHEN ind >= 0.3 THEN 'dynamic' ELSE 'none' END AS z
                   FROM (SELECT id, s1, s2, s3, s4, s5, round((s1 + s2 + s3 + s4 + s5) / 5, 3) AS ind
                           FROM (SELECT c.id, ${pick(1)} AS s1, ${pick(2)} AS s2, ${pick(3)} AS s3, ${pick(4)} AS s4, ${pick(5)} AS s5
                                   FROM clients c) a) b) x`,
        [n, `2024-W${String(n).padStart(2, '0')}`, addDays('2024-01-07', (n - 1) * 7)],
      );
    }
    await pool.query(
      `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source)
       SELECT id, 'served', 'disconnected', DATE '2024-01-10' + abs(hashint4(id::int)) % 240, 'import'
         FROM clients WHERE id % 20 = 0`,
    );
    await pool.query(
      `INSERT INTO crm_deviations (client_id, week, training, lk, lpr_contact, logins, webinars, indicator, imported_at)
       SELECT client_id, week, training, lk, lpr_contact, logins, webinars, round(0.2 + (computed_indicator - 0.2) * 0.53, 2), now()
         FROM risk_scores WHERE week >= '2024-W23'`,
    );
    await pool.query('ANALYZE');
    const report = getReport('indicator-quality');
    if (!report) throw new Error('no indicator-quality report');
    const best = <T>(runs: { ms: number; value: T }[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const scans = [];
    const builds = [];
    for (let r = 0; r < ROUNDS; r++) {
      scans.push(
        await timed(() =>
          pool.query(`SELECT count(*), sum(computed_indicator) FROM risk_scores WHERE week >= '2024-W01' AND week <= '2024-W26'`),
        ),
      );
      builds.push(await timed(() => report.build(ctx.app, {})));
    }
    const [scan, build] = [best(scans), best(builds)];
    const quality = build.value.sections[1]?.rows[0] as { auc: number; scored: number; left: number };
    if (quality.scored !== CLIENTS * WEEKS) throw new Error(`unexpected figures: ${JSON.stringify(quality)}`);
    const lines = [
      `report indicator-quality over ${WEEKS} weeks × ${CLIENTS.toLocaleString('en-US')} clients (${(CLIENTS * WEEKS).toLocaleString('en-US')} risk_scores rows, ` +
        `${quality.left.toLocaleString('en-US')} client-weeks followed by a disconnection within 13 weeks, the CRM's indicator for 4 weeks); best of ${ROUNDS} rounds.`,
      '',
      '| what | time |',
      '|---|---|',
      `| plain scan of the same rows: count and sum (baseline) | ${(scan.ms / 1000).toFixed(2)} s |`,
      `| indicator-quality: one aggregate (client-weeks grouped by their values, the horizon join), figures in memory | ${(build.ms / 1000).toFixed(2)} s |`,
      '',
      `Report / scan: **${(build.ms / scan.ms).toFixed(1)}×**; the report takes **${(build.ms / 1000).toFixed(1)} s** (target ≤ ${TARGET_S} s). ` +
        `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (the machine is shared with other work).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('indicator-quality', lines.join('\n'));
  } finally {
    await ctx.close();
  }
}
