/**
 * `plan`: each morning, the day's plan of every person — deadlines for tasks without one, open
 * tasks gathered into visits, every open visit planned on a working day up to capacity or
 * listed as overflow (src/workload/plan-work.ts). The same planning runs after each job that
 * creates work (`createsWork`), keeping today's visits where they are.
 */
import { z } from 'zod';
import { planWork } from '../workload/plan-work.js';
import type { PeriodicJob } from './types.js';

export const plan: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  name: 'plan',
  description: 'plan every person’s visits up to capacity; overflow for the head',
  periodKind: 'day',
  schedule: 'plan',
  options: z.strictObject({}),
  async run({ app, period }) {
    const stats = await planWork(app, { date: period });
    return { ...stats };
  },
};
