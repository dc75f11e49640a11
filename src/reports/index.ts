/** The report registry: `admin report <name>`. */
import { contactsReport } from './contacts.js';
import { jobRunsReport } from './job-runs.js';
import { onlineUsageReport } from './online-usage.js';
import type { ReportDefinition } from './types.js';

export const REPORTS: readonly ReportDefinition[] = [jobRunsReport, onlineUsageReport, contactsReport];

export function getReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
