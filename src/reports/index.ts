/** The report registry: `admin report <name>`. */
import { jobRunsReport } from './job-runs.js';
import type { ReportDefinition } from './types.js';

export const REPORTS: readonly ReportDefinition[] = [jobRunsReport];

export function getReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
