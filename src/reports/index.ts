/** The report registry: `admin report <name>`. */
import { clicksReport } from './clicks.js';
import { deliveryReport } from './delivery.js';
import { jobRunsReport } from './job-runs.js';
import type { ReportDefinition } from './types.js';

export const REPORTS: readonly ReportDefinition[] = [jobRunsReport, clicksReport, deliveryReport];

export function getReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
