/**
 * The job registry: every job the service runs, by name. The queue of a job has the job's
 * name; its schedule is `config.schedules[job.schedule]`.
 */
import { clickCheck } from './click-check.js';
import { competitorDiagnostics } from './competitor-diagnostics.js';
import { crmExport } from './crm-export.js';
import { deliveryCheck } from './delivery-check.js';
import { diagnosticsControl } from './diagnostics-control.js';
import { housekeeping } from './housekeeping.js';
import { importInbox } from './import-inbox.js';
import { lprCallTasks } from './lpr-call-tasks.js';
import { lprMonthly } from './lpr-monthly.js';
import { plan } from './plan.js';
import { riskScore } from './risk-score.js';
import { sendEmail } from './send-email.js';
import { signalEscalation } from './signal-escalation.js';
import { signalsScan } from './signals-scan.js';
import type { AnyJob, PeriodicJob } from './types.js';

export const JOBS: readonly AnyJob[] = [
  housekeeping,
  sendEmail,
  importInbox,
  lprMonthly,
  lprCallTasks,
  clickCheck,
  deliveryCheck,
  riskScore,
  signalsScan,
  signalEscalation,
  competitorDiagnostics,
  diagnosticsControl,
  plan,
  crmExport,
];

export function getJob(name: string): AnyJob | undefined {
  return JOBS.find((j) => j.name === name);
}

export function periodicJobs(jobs: readonly AnyJob[] = JOBS): PeriodicJob<unknown>[] {
  return jobs.filter((j): j is PeriodicJob<unknown> => j.kind === 'periodic');
}
