/**
 * Demo step of the competitor diagnostics: the campaign of the current half-year gives every
 * served client's remote specialist a task; two specialists find a competitor — one records it
 * with `finding add` (the seed's «Охрана труда» until September, with the labour-safety officer
 * as the contact), one through the «Конкуренты» import (the seed's «Госфинансы») — and close their
 * diagnostics tasks as competitor-found; the first finding submitted again changes nothing.
 * The alerts reach field support through the outbox; then both control reports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { diagnosticsTaskOf } from '../db/diagnostics.js';
import { closeTask } from '../diagnostics/close-task.js';
import { resolveFinding } from '../diagnostics/finding-input.js';
import { recordFindings } from '../diagnostics/record-findings.js';
import { importFile } from '../imports/run.js';
import { competitorDiagnostics } from '../jobs/competitor-diagnostics.js';
import { periodForFire } from '../queue/schedules.js';
import { executeRun } from '../queue/worker.js';
import { competitorsReport } from '../reports/competitors.js';
import { renderText } from '../reports/render.js';
import { tasksControlReport } from '../reports/tasks-control.js';
import type { DemoStep } from './types.js';

interface Pick {
  number: number;
  contact: string | null;
}

/** A served client with a field specialist and, if possible, a contact of the given position type. */
async function pickClient(app: App, positionType: string, large: boolean, except: number[]): Promise<Pick | null> {
  const { rows } = await app.pool.query<Pick>(
    `SELECT c.number, k.full_name AS contact
       FROM served_clients c
       LEFT JOIN LATERAL (SELECT full_name FROM contacts WHERE client_id = c.id AND active AND position_type = $1 ORDER BY id LIMIT 1) k ON true
      WHERE c.field_specialist_id IS NOT NULL AND c.remote_specialist_id IS NOT NULL AND c.state = 'served'
        AND (c.monthly_fee > $2) = $3 AND NOT (c.number = ANY($4::int[]))
      ORDER BY (k.full_name IS NULL), c.number LIMIT 1`,
    [positionType, app.config.diagnostics.largeFeeAbove, large, except],
  );
  return rows[0] ?? null;
}

async function waitForAlerts(app: App): Promise<{ accepted: number; total: number }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await app.pool.query<{ accepted: number; total: number }>(
      'SELECT count(field_notified_at)::int AS accepted, count(*)::int AS total FROM competitor_findings',
    );
    const r = rows[0] as { accepted: number; total: number };
    if (r.accepted >= r.total || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

export const diagnosticsStep: DemoStep = {
  title: 'Competitor diagnostics: the half-year campaign, two findings handed to field support, the control reports',
  async run({ app, say, facts }) {
    const tz = app.config.ric.timeZone;
    const period = periodForFire(app, competitorDiagnostics, now());
    const run = await executeRun(app, competitorDiagnostics, { period, trigger: 'admin' });
    const s = run.stats as Record<string, unknown>;
    say(
      `  competitor-diagnostics ${period}: ${s.created} tasks (${JSON.stringify(s.bySegment)}), from ${s.start}; at most ${s.maxDuePerDay} due per specialist and day (limit ${app.config.diagnostics.maxDuePerDay})`,
    );
    const safety = await pickClient(app, 'labor_safety', false, []);
    const finance = await pickClient(app, 'economist', true, safety ? [safety.number] : []);
    if (!safety || !finance) {
      say('  no served client with a field specialist: no findings recorded');
      return;
    }
    // 1. `finding add`, the seed's example: a labour-safety system until September.
    const first = {
      client: safety.number,
      competitor: 'Охрана труда',
      until: '2024-09',
      contact: safety.contact,
      note: 'пользуется специалист по охране труда; договор с конкурентом до сентября',
    };
    const added = (await recordFindings(app, [await resolveFinding(app.pool, first, 'admin')])).findings[0];
    say(
      `  finding add --client ${safety.number} --competitor "Охрана труда" --until 2024-09: finding ${added?.finding.id}, alert to ${added?.alert?.email ?? 'nobody'}`,
    );
    // 2. The «Конкуренты» import, the seed's «Госфинансы» at the planning and economics department.
    const file = join(app.config.env.varDir, 'seed', 'konkurenty.tsv');
    writeFileSync(
      file,
      `Номер клиента\tКонкурент\tДействует до\tКонтактное лицо\tКомментарий\r\n${finance.number}\tГосфинансы\t12.2024\t${finance.contact ?? ''}\tСтоит система Госфинансы у планово-экономического отдела\r\n`,
    );
    const imported = await importFile(app, { kind: 'findings', path: file, fileName: 'konkurenty.tsv' });
    say(`  import findings konkurenty.tsv: ${imported.status === 'imported' ? `${imported.inserted} new` : 'already imported'}`);
    // The same finding again: nothing happens.
    const again = (await recordFindings(app, [await resolveFinding(app.pool, first, 'api')])).findings[0];
    say(
      `  the first finding submitted again: ${again?.created ? 'recorded AGAIN (wrong)' : `finding ${again?.finding.id} already recorded, nothing sent`}`,
    );
    for (const p of [safety, finance]) {
      const id = await diagnosticsTaskOf(app.pool, period, p.number);
      if (!id) continue;
      const res = await closeTask(app, id, { outcome: 'competitor-found', note: 'конкурент выявлен, передано ТС' });
      say(`  task done ${id} --outcome competitor-found (client ${p.number}): ${res.kind}`);
    }
    const alerts = await waitForAlerts(app);
    say(`  alerts to field support accepted by SMTP: ${alerts.accepted} of ${alerts.total}`);
    for (const report of [await tasksControlReport.build(app, { period }), await competitorsReport.build(app, { period })]) {
      say('');
      for (const line of renderText(report, tz).trimEnd().split('\n')) say(`  ${line}`);
    }
    facts.diagnostics = { period, tasks: s.created, findings: alerts.total };
  },
};
