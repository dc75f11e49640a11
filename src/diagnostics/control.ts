/**
 * Control of the campaign («Контроль отработки через отчет „Анализ проблем, рекомендаций и
 * заданий“»), weekly while a campaign has open tasks:
 *
 * - clients served since the current half-year's campaign ran get their tasks (the campaign's
 *   own re-run, so the daily limit holds);
 * - each specialist with overdue diagnostics gets one reminder listing them;
 * - each department head gets one summary of the department's specialists: tasks, done,
 *   overdue, competitors found, percent done.
 *
 * Each e-mail once per week and person (`diagnostics-reminder.<week>.<employee>`,
 * `diagnostics-summary.<week>.<head>`).
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { departmentHeads, type Head } from '../db/client-cards.js';
import { type ControlRow, controlRows, latestCampaign, type OverdueDiagnostics, overdueDiagnostics } from '../db/diagnostics.js';
import { getRun } from '../db/job-runs.js';
import { type Queryable, withTransaction } from '../db/pool.js';
import { localDate } from '../domain/dates.js';
import { DIAGNOSTICS_KIND } from '../domain/diagnostics.js';
import { periodOf } from '../domain/periods.js';
import { dispatchNotifications, queueNotification } from '../mail/outbox.js';
import { runCampaign } from './campaign.js';
import { renderReminder, renderSummary } from './control-email.js';

export interface ControlStats {
  week: string;
  /** The campaign the summaries are about (the latest); null when none ever ran. */
  campaign: string | null;
  /** Tasks given to clients served since the current half-year's campaign ran. */
  lateTasks: number;
  open: number;
  overdue: number;
  reminders: number;
  summaries: number;
  /** Specialists with overdue tasks but no e-mail address (or no longer active). */
  notReminded: number;
}

export interface ControlPlan {
  campaign: string | null;
  open: number;
  overdue: OverdueDiagnostics[];
  /** The campaign's figures per department, for the heads who can get e-mail. */
  departments: { head: Head; rows: ControlRow[] }[];
}

/** Who gets what this week, without writing. */
export async function planControl(db: Queryable): Promise<ControlPlan> {
  const at = now();
  const campaign = await latestCampaign(db);
  if (!campaign) return { campaign: null, open: 0, overdue: [], departments: [] };
  const overdue = await overdueDiagnostics(db, at);
  if (!campaign.open && !overdue.length) return { campaign: campaign.period, open: 0, overdue, departments: [] };
  const rows = await controlRows(db, campaign.period, at);
  const heads = await departmentHeads(db);
  const departments = [...heads.values()]
    .map((head) => ({ head, rows: rows.filter((r) => r.department_id === head.department_id) }))
    .filter((d) => d.rows.length);
  return { campaign: campaign.period, open: campaign.open, overdue, departments };
}

/** The week's control run (diagnostics-control). */
export async function controlWeek(app: App, week: string): Promise<ControlStats> {
  const tz = app.config.ric.timeZone;
  const at = now();
  const halfYear = periodOf('halfyear', at, tz);
  const ran = (await getRun(app.pool, DIAGNOSTICS_KIND, halfYear))?.state === 'completed';
  const lateTasks = ran ? (await runCampaign(app, halfYear)).created : 0;
  const plan = await planControl(app.pool);
  const stats: ControlStats = {
    week,
    campaign: plan.campaign,
    lateTasks,
    open: plan.open,
    overdue: plan.overdue.length,
    reminders: 0,
    summaries: 0,
    notReminded: 0,
  };
  const bySpecialist = new Map<number, OverdueDiagnostics[]>();
  for (const t of plan.overdue) bySpecialist.set(t.assignee_id, [...(bySpecialist.get(t.assignee_id) ?? []), t]);
  const today = localDate(at, tz);
  const ids = await withTransaction(app.pool, async (db) => {
    const out: number[] = [];
    for (const [employeeId, tasks] of bySpecialist) {
      const first = tasks[0] as OverdueDiagnostics;
      if (!first.assignee_email || !first.assignee_active) {
        stats.notReminded++;
        continue;
      }
      const mail = await renderReminder(app, first.assignee_name, tasks, today);
      const n = await queueNotification(db, {
        kind: 'diagnostics-reminder',
        dedupKey: `diagnostics-reminder.${week}.${employeeId}`,
        employeeId,
        toEmail: first.assignee_email,
        ...mail,
      });
      stats.reminders++;
      if (n.created) out.push(n.id);
    }
    for (const d of plan.departments) {
      const mail = await renderSummary(app, d.head, plan.campaign as string, d.rows, today);
      const n = await queueNotification(db, {
        kind: 'diagnostics-summary',
        dedupKey: `diagnostics-summary.${week}.${d.head.id}`,
        employeeId: d.head.id,
        toEmail: d.head.email,
        ...mail,
      });
      stats.summaries++;
      if (n.created) out.push(n.id);
    }
    return out;
  });
  await dispatchNotifications(app, ids);
  return stats;
}
