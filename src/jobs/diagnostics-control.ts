/**
 * `diagnostics-control` (Monday 09:00, period: the ISO week): while a competitor-diagnostics
 * campaign has open tasks, clients served since it ran get theirs, each specialist with overdue
 * diagnostics gets one reminder listing them, and each department head one summary. Outside a
 * campaign it does nothing. Each e-mail once per week and person, also under `--force`.
 */
import { z } from 'zod';
import { controlWeek, planControl } from '../diagnostics/control.js';
import type { PeriodicJob } from './types.js';

export const diagnosticsControl: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'diagnostics-control',
  description: 'weekly during a competitor-diagnostics campaign: reminders of overdue tasks, a summary to each department head',
  periodKind: 'isoweek',
  schedule: 'diagnostics-control',
  options: z.strictObject({}),
  async run({ app, period }) {
    return { ...(await controlWeek(app, period)) };
  },
  async plan({ app }) {
    const p = await planControl(app.pool);
    const reminders = new Map<string, number>();
    for (const t of p.overdue) reminders.set(t.assignee_name, (reminders.get(t.assignee_name) ?? 0) + 1);
    return {
      campaign: p.campaign,
      open: p.open,
      overdue: p.overdue.length,
      reminders: Object.fromEntries(reminders),
      summaries: p.departments.map((d) => `${d.head.name} (${d.rows[0]?.department ?? ''})`),
    };
  },
};
