/** The report registry: `admin report <name>`. */
import { clicksReport } from './clicks.js';
import { competitorsReport } from './competitors.js';
import { contactsReport } from './contacts.js';
import { deliveryReport } from './delivery.js';
import { deviationsReport } from './deviations.js';
import { jobRunsReport } from './job-runs.js';
import { onlineUsageReport } from './online-usage.js';
import { signalsReport } from './signals.js';
import { tasksControlReport } from './tasks-control.js';
import type { ReportDefinition } from './types.js';

export const REPORTS: readonly ReportDefinition[] = [
  jobRunsReport,
  onlineUsageReport,
  contactsReport,
  clicksReport,
  deliveryReport,
  deviationsReport,
  signalsReport,
  tasksControlReport,
  competitorsReport,
];

/**
 * The reports `admin report overview` puts on one page, in this order, each built with its
 * default options (so each must have sensible defaults).
 */
export const OVERVIEW: readonly string[] = ['deviations', 'signals', 'tasks-control', 'competitors', 'job-runs'];

export function getReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
