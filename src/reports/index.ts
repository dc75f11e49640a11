/** The report registry: `admin report <name>`. */
import { clicksReport } from './clicks.js';
import { competitorsReport } from './competitors.js';
import { contactWorkReport } from './contact-work.js';
import { contactsReport } from './contacts.js';
import { deliveryReport } from './delivery.js';
import { deviationsReport } from './deviations.js';
import { educationReport } from './education.js';
import { hotlineReport } from './hotline.js';
import { indicatorAgreementReport } from './indicator-agreement.js';
import { indicatorQualityReport } from './indicator-quality.js';
import { jobRunsReport } from './job-runs.js';
import { lprWorkReport } from './lpr-work.js';
import { mailingFunnelReport } from './mailing-funnel.js';
import { onlineUsageReport } from './online-usage.js';
import { primaryAdvanceReport } from './primary-advance.js';
import { signalsReport } from './signals.js';
import { silentClientsReport } from './silent-clients.js';
import { tasksControlReport } from './tasks-control.js';
import type { ReportDefinition } from './types.js';
import { workloadReport } from './workload.js';

export const REPORTS: readonly ReportDefinition[] = [
  jobRunsReport,
  onlineUsageReport,
  contactsReport,
  clicksReport,
  deliveryReport,
  deviationsReport,
  signalsReport,
  tasksControlReport,
  workloadReport,
  competitorsReport,
  mailingFunnelReport,
  lprWorkReport,
  primaryAdvanceReport,
  indicatorAgreementReport,
  indicatorQualityReport,
  contactWorkReport,
  educationReport,
  silentClientsReport,
  hotlineReport,
];

/**
 * The reports `admin report overview` puts on one page, in this order, each built with its
 * default options (so each must have sensible defaults). The order is how a team lead reads
 * the desk: risk first (who is at risk, what got worse), then the campaigns (the competitor
 * diagnostics' progress and findings, the monthly ЛПР contact), the two results of the seed's
 * talk, delivery, and last the service's own health.
 */
export const OVERVIEW: readonly string[] = [
  'deviations',
  'indicator-agreement',
  'indicator-quality',
  'signals',
  'tasks-control',
  'competitors',
  'mailing-funnel',
  'lpr-work',
  'primary-advance',
  'delivery',
  'job-runs',
];

export function getReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
