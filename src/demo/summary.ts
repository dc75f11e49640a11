/**
 * The end of `npm run demo`: the overview report written to `var/report.html`, and a short
 * summary — what each step produced, where the e-mails are, where the report is — read back
 * from the database, so it tells what really happened whatever the steps printed on the way.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { buildOverview, renderOverview } from '../reports/overview.js';
import type { CallsFacts } from './calls.js';

/** Write the overview (every report of OVERVIEW with its charts) as one page; returns how many reports. */
export async function writeOverview(app: App, path: string): Promise<number> {
  const reports = await buildOverview(app);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderOverview(reports, { tz: app.config.ric.timeZone, generatedAt: now(), subtitle: app.config.ric.name }));
  return reports.length;
}

interface Counts {
  clients: number;
  contacts: number;
  imports: number;
  week: string | null;
  high: number;
  dynamic: number;
  none: number;
  risk_tasks: number;
  signals: number;
  signals_emailed: number;
  diagnostics: number;
  findings: number;
  findings_notified: number;
  mailed: number;
  bounced: number;
  human_clicks: number;
  bot_clicks: number;
  unsubscribed: number;
  call_tasks: number;
  outcomes: number;
}

async function counts(app: App): Promise<Counts> {
  const { rows } = await app.pool.query<Counts>(
    `WITH w AS (SELECT max(week) AS week FROM risk_scores)
     SELECT (SELECT count(*) FROM clients)::int AS clients,
            (SELECT count(*) FROM contacts WHERE active)::int AS contacts,
            (SELECT count(*) FROM imports WHERE state = 'done')::int AS imports,
            (SELECT week FROM w) AS week,
            (SELECT count(*) FROM risk_scores, w WHERE risk_scores.week = w.week AND zone = 'high')::int AS high,
            (SELECT count(*) FROM risk_scores, w WHERE risk_scores.week = w.week AND zone = 'dynamic')::int AS dynamic,
            (SELECT count(*) FROM risk_scores, w WHERE risk_scores.week = w.week AND zone = 'none')::int AS none,
            (SELECT count(*) FROM tasks WHERE kind = 'risk-review')::int AS risk_tasks,
            (SELECT count(*) FROM signals)::int AS signals,
            (SELECT count(*) FROM signals WHERE emailed_at IS NOT NULL)::int AS signals_emailed,
            (SELECT count(*) FROM tasks WHERE kind = 'competitor-diagnostics')::int AS diagnostics,
            (SELECT count(*) FROM competitor_findings)::int AS findings,
            (SELECT count(*) FROM competitor_findings WHERE field_notified_at IS NOT NULL)::int AS findings_notified,
            (SELECT count(*) FROM messages WHERE state = 'sent')::int AS mailed,
            (SELECT count(*) FROM messages WHERE state = 'bounced')::int AS bounced,
            (SELECT count(*) FROM clicks WHERE is_bot = false)::int AS human_clicks,
            (SELECT count(*) FROM clicks WHERE is_bot)::int AS bot_clicks,
            (SELECT count(*) FROM messages WHERE unsubscribed_at IS NOT NULL)::int AS unsubscribed,
            (SELECT count(*) FROM tasks WHERE kind IN ('lpr-call', 'lpr-verify-email'))::int AS call_tasks,
            (SELECT count(*) FROM contact_events WHERE task_id IS NOT NULL)::int AS outcomes`,
  );
  return rows[0] as Counts;
}

export interface SummaryInput {
  facts: Record<string, unknown>;
  mailDir: string;
  reportPath: string;
  reports: number;
  seconds: number;
}

/** The summary's lines, one per step of the story. */
export async function demoSummary(app: App, s: SummaryInput): Promise<string[]> {
  const c = await counts(app);
  const calls = s.facts.calls as CallsFacts | undefined;
  let mails = 0;
  try {
    mails = readdirSync(s.mailDir).filter((f) => f.endsWith('.eml')).length;
  } catch {
    mails = 0;
  }
  return [
    `  seed:            ${c.clients} clients, ${c.contacts} contact persons, ${c.imports} CRM files imported`,
    `  risk scoring:    week ${c.week ?? '—'}: high risk ${c.high}, dynamic ${c.dynamic}, no threat ${c.none}; ${c.risk_tasks} risk-review task(s)`,
    `  signals:         ${c.signals} handed to field support, ${c.signals_emailed} alert e-mail(s) accepted by SMTP`,
    `  diagnostics:     ${c.diagnostics} campaign task(s); ${c.findings} competitor(s) found, ${c.findings_notified} alert(s) to field support accepted`,
    `  monthly mailing: ${c.mailed} e-mail(s) sent, ${c.bounced} bounced`,
    `  clicks:          ${c.human_clicks} by people, ${c.bot_clicks} by scanners (not counted); ${c.unsubscribed} unsubscribed`,
    `  call tasks:      ${c.call_tasks}${calls ? ` on ${calls.day}` : ''}; ${c.outcomes} outcome(s) recorded${calls?.specialist ? ` by ${calls.specialist}` : ''}`,
    `  e-mails:         ${mails} in ${s.mailDir}`,
    `  report:          ${s.reportPath} (${s.reports} reports with charts; open it in a browser)`,
    `  done in ${s.seconds.toFixed(1)} s`,
  ];
}

export function reportPathOf(app: App): string {
  return join(app.config.env.varDir, 'report.html');
}
