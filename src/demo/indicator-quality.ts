/**
 * Demo: does the indicator predict disconnection? Who leaves is decided by the demo RIC's hidden
 * world (src/demo-data/world.ts): a low hidden health raises the chance of leaving, and the CRM's
 * exports — the indicator's only inputs — reflect that health with noise. So the ROC AUC printed
 * is an honest out-of-sample figure: the indicator's inputs do not decide the outcome. The
 * departures the world draws for the quarter after the clock are recorded in
 * `client_state_changes`, dated in the last two weeks before it (a history needs past dates), and
 * the indicator-quality figures over the scored weeks are printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { qualityGroups, scoredWeekRange } from '../db/indicator-quality.js';
import { crmDeviationsFile } from '../demo-data/crm-deviations.js';
import { Rng } from '../demo-data/random.js';
import { addDays, localDate } from '../domain/dates.js';
import { periodRange, shiftPeriod } from '../domain/periods.js';
import { COMPONENT_NAMES, COMPONENTS } from '../domain/risk-components.js';
import { scoreText } from '../domain/risk-model.js';
import { importFile } from '../imports/run.js';
import { qualityFigures } from '../reports/indicator-quality.js';
import type { DemoStep } from './types.js';

const HORIZON_WEEKS = 13;
/** Weeks before the newest whose CRM report the demo imports. */
const CRM_WEEKS = 3;

/** The demo CRM's report of `week` (its own indicator), written to var/seed/ and imported. */
async function importCrmWeek(app: App, week: string): Promise<{ rows: number; changed: number }> {
  const { rows } = await app.pool.query<{
    number: number;
    name: string;
    components: (number | null)[];
    employees: { name: string; department: string | null }[];
  }>(
    `SELECT c.number, c.name, ARRAY[rs.training, rs.lk, rs.lpr_contact, rs.logins, rs.webinars]::float8[] AS components,
            coalesce((SELECT json_agg(json_build_object('name', e.name || CASE WHEN e.id = c.field_specialist_id THEN ' (СИУ)' ELSE '' END,
                                                        'department', d.name) ORDER BY e.name)
                        FROM employees e LEFT JOIN departments d ON d.id = e.department_id
                       WHERE e.id IN (c.remote_specialist_id, c.field_specialist_id)), '[]') AS employees
       FROM risk_scores rs JOIN clients c ON c.id = rs.client_id
      WHERE rs.week = $1 ORDER BY c.number`,
    [week],
  );
  const dir = join(app.config.env.varDir, 'seed', 'crm');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `deviations-${week}.txt`);
  writeFileSync(path, crmDeviationsFile(app.config.ric.code, week, rows));
  const outcome = await importFile(app, { kind: 'deviations', path });
  if (outcome.status !== 'imported') return { rows: 0, changed: 0 };
  const re = (outcome.summary.reevaluated as { changed: number }[] | undefined) ?? [];
  return { rows: outcome.rows, changed: re.reduce((s, r) => s + r.changed, 0) };
}
const SEED = 12;

export const indicatorQualityStep: DemoStep = {
  title: "Indicator quality: the CRM's own indicator imported, a disconnection history, and how well each predicted it (ROC AUC)",
  async run({ app, say, facts }) {
    const range = await scoredWeekRange(app.pool);
    if (!range) {
      say('  no scored weeks');
      return;
    }
    for (let i = CRM_WEEKS; i >= 1; i--) {
      const week = shiftPeriod('isoweek', range.last, -i);
      const r = await importCrmWeek(app, week);
      say(
        `  the CRM's «Фиксация отклонений» of ${week}: ${r.rows} client(s) imported; ${r.changed} score row(s) re-evaluated (risk.indicatorSource ${app.config.risk.indicatorSource})`,
      );
    }
    const leaving = ((facts.seed as { leaving?: number[] } | undefined)?.leaving ?? []).slice().sort((a, b) => a - b);
    const { rows } = await app.pool.query<{ id: number; number: number }>(
      `SELECT id, number FROM clients WHERE number = ANY($1::int[]) AND state <> 'disconnected' ORDER BY number`,
      [leaving],
    );
    const served = await app.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM clients WHERE state <> 'disconnected'`);
    const today = localDate(now(), app.config.ric.timeZone);
    // The last two weeks before the clock: after most scored weeks, within their horizon.
    const from = addDays(periodRange('isoweek', range.last).end, -13);
    const span = Math.max(0, Math.round((Date.parse(addDays(today, -1)) - Date.parse(from)) / 86_400_000));
    const rng = new Rng(SEED);
    const gone = rows.map((r) => ({ clientId: r.id, on: addDays(from, rng.int(0, span)) }));
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
      `  ${gone.length} of ${served.rows[0]?.n ?? 0} client(s) leave by the hidden world (health drifting week to week; the exports only reflect it), ` +
        `recorded as disconnected between ${from} and ${addDays(today, -1)} (client_state_changes)`,
    );
    say(
      `  ROC AUC of the indicator: ${auc(f.computed.auc)} over ${range.first} … ${range.last} (horizon ${HORIZON_WEEKS} weeks; out of sample: the indicator's inputs do not decide who leaves); ` +
        `high zone: precision ${Math.round((f.computed.high?.precision ?? 0) * 100)} %, recall ${Math.round((f.computed.high?.recall ?? 0) * 100)} %`,
    );
    if (f.crm.scored) say(`  ROC AUC of the CRM's indicator: ${auc(f.crm.auc)} (${f.crm.scored} client-weeks)`);
    say(`  components alone: ${COMPONENTS.map((k) => `${COMPONENT_NAMES[k]} ${auc(f.components[k].auc)}`).join(', ')}`);
    say('  report indicator-quality [--weights a,b,c,d,e] shows the figures; other weights are tried there without changing anything');
  },
};
