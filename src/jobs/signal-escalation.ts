/**
 * `signal-escalation`: every quarter of an hour in the working day, signals not acknowledged
 * within `signals.ackWorkingHours` working hours get one e-mail to the department head.
 */
import { z } from 'zod';
import { escalateOverdue } from '../health/escalation.js';
import type { PeriodicJob } from './types.js';

export const signalEscalation: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'signal-escalation',
  description: 'e-mail the department head about signals not acknowledged in time',
  periodKind: 'none',
  schedule: 'signal-escalation',
  options: z.strictObject({}),
  async run({ app }) {
    return { ...(await escalateOverdue(app)) };
  },
};
