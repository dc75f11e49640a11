/**
 * `crm-export`: each morning, the previous working day's contact events and tasks written for
 * the CRM as `<day>-contact-events.tsv` and `<day>-tasks.tsv` in the outbox folder, once and
 * atomically (src/exports/crm-daily.ts). The run's period is the day it runs for.
 */
import { z } from 'zod';
import { exportDayForCrm } from '../exports/crm-daily.js';
import type { PeriodicJob } from './types.js';

export const crmExport: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'crm-export',
  description: 'write the previous working day’s contact events and tasks for the CRM (var/outbox/crm)',
  periodKind: 'day',
  schedule: 'crm-export',
  options: z.strictObject({}),
  async run({ app, period }) {
    const res = await exportDayForCrm(app, period);
    return {
      day: res.day,
      files: res.written.map((f) => f.file),
      rows: Object.fromEntries(res.written.map((f) => [`${f.day} ${f.kind}`, f.rows])),
      alreadyWritten: res.alreadyWritten,
    };
  },
};
