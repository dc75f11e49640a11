/**
 * Demo: does the indicator predict disconnection? The demo RIC gets a disconnection history
 * (src/demo-data/disconnections.ts: more often after a high or rising indicator) in
 * `client_state_changes`, dated in the last weeks before the clock, and the indicator-quality
 * figures over the scored weeks are printed: the ROC AUC of the indicator and of each component.
 */
import { now } from '../clock.js';
import { qualityGroups, scoredWeekRange } from '../db/indicator-quality.js';
import { generateDisconnections } from '../demo-data/disconnections.js';
import { addDays, localDate } from '../domain/dates.js';
import { periodRange } from '../domain/periods.js';
import { COMPONENT_NAMES, COMPONENTS } from '../domain/risk-components.js';
import { scoreText } from '../domain/risk-model.js';
import { qualityFigures } from '../reports/indicator-quality.js';
import type { DemoStep } from './types.js';

const HORIZON_WEEKS = 13;
const SEED = 12;

export const indicatorQualityStep: DemoStep = {
  title: 'Indicator quality: a disconnection history, and how well the indicator predicted it (ROC AUC)',
  async run({ app, say, facts }) {
    const range = await scoredWeekRange(app.pool);
    if (!range) {
      say('  no scored weeks');
      return;
    }
    const { rows } = await app.pool.query<{ client_id: number; weekly: (number | null)[] }>(
      `SELECT c.id AS client_id, array_agg(rs.computed_indicator ORDER BY w.week) AS weekly
         FROM clients c
        CROSS JOIN (SELECT DISTINCT week FROM risk_scores) w
         LEFT JOIN risk_scores rs ON rs.client_id = c.id AND rs.week = w.week
        GROUP BY c.id ORDER BY c.id`,
    );
    const today = localDate(now(), app.config.ric.timeZone);
    // The last two weeks before the clock: after most scored weeks, within their horizon.
    const from = addDays(periodRange('isoweek', range.last).end, -13);
    const gone = generateDisconnections(
      rows.map((r) => ({ clientId: r.client_id, weekly: r.weekly })),
      { from, to: addDays(today, -1), seed: SEED },
    );
    await app.pool.query(
      `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source)
       SELECT id, 'served', 'disconnected', on_day, 'import' FROM unnest($1::bigint[], $2::date[]) AS g(id, on_day)
       ON CONFLICT (client_id, to_state, changed_on) DO NOTHING`,
      [gone.map((g) => g.clientId), gone.map((g) => g.on)],
    );
    const groups = await qualityGroups(app.pool, { fromWeek: range.first, toWeek: range.last, horizonWeeks: HORIZON_WEEKS });
    const f = qualityFigures(
      groups,
      { fromWeek: range.first, toWeek: range.last, horizonWeeks: HORIZON_WEEKS },
      app.config.risk.zones,
      null,
    );
    const auc = (x: number | null) => (x === null ? 'н/д' : scoreText(x));
    facts.indicatorQuality = { disconnected: gone.length, auc: f.computed.auc, high: f.computed.high };
    say(
      `  ${gone.length} of ${rows.length} client(s) disconnected between ${from} and ${addDays(today, -1)} (history in client_state_changes)`,
    );
    say(
      `  ROC AUC of the indicator: ${auc(f.computed.auc)} over ${range.first} … ${range.last} (horizon ${HORIZON_WEEKS} weeks); ` +
        `high zone: precision ${Math.round((f.computed.high?.precision ?? 0) * 100)} %, recall ${Math.round((f.computed.high?.recall ?? 0) * 100)} %`,
    );
    say(`  components alone: ${COMPONENTS.map((k) => `${COMPONENT_NAMES[k]} ${auc(f.components[k].auc)}`).join(', ')}`);
    say('  report indicator-quality [--weights a,b,c,d,e] shows the figures; other weights are tried there without changing anything');
  },
};
