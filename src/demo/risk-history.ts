/**
 * Demo: the weeks before. A desk that has run for a while has a risk indicator for every past
 * week; the demo RIC's exports reach back half a year, so the eleven weeks before the scored one
 * are scored too, then that week again — now with its change since the week before. The
 * deviations report then shows the zones over 12 weeks and the week's biggest risers. Older
 * weeks make no tasks: only the newest week's rules do, and its tasks already exist.
 */
import { now } from '../clock.js';
import { latestScoredWeek } from '../db/risk-scores.js';
import { periodOf, shiftPeriod } from '../domain/periods.js';
import { riskScore } from '../jobs/risk-score.js';
import type { PeriodicJob } from '../jobs/types.js';
import { executeRun } from '../queue/worker.js';
import type { DemoStep } from './types.js';

const HISTORY_WEEKS = 11;

export const riskHistoryStep: DemoStep = {
  title: `Risk history: the ${HISTORY_WEEKS} weeks before, for the 12-week chart and the week's risers`,
  async run({ app, say }) {
    const newest = (await latestScoredWeek(app.pool)) ?? shiftPeriod('isoweek', periodOf('isoweek', now(), app.config.ric.timeZone), -1);
    const def = riskScore as PeriodicJob<unknown>;
    const started = Date.now();
    for (let i = HISTORY_WEEKS; i >= 1; i--) {
      await executeRun(app, def, { period: shiftPeriod('isoweek', newest, -i), trigger: 'admin', force: true });
    }
    const again = await executeRun(app, def, { period: newest, trigger: 'admin', force: true });
    const { rows } = await app.pool.query<{ week: string; high: number; rising: number }>(
      `SELECT week, count(*) FILTER (WHERE zone = 'high')::int AS high, count(*) FILTER (WHERE indicator_delta > 0)::int AS rising
         FROM risk_scores WHERE week >= $1 GROUP BY week ORDER BY week`,
      [shiftPeriod('isoweek', newest, -HISTORY_WEEKS)],
    );
    say(`  scored ${shiftPeriod('isoweek', newest, -HISTORY_WEEKS)} … ${newest} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    say(`  high risk per week: ${rows.map((r) => `${r.week.slice(5)} ${r.high}`).join(', ')}`);
    say(
      `  ${newest}: ${rows.at(-1)?.rising ?? 0} client(s) rising since the week before; tasks ${JSON.stringify(again.stats.tasks ?? {})}`,
    );
  },
};
