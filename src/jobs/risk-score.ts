/**
 * `risk-score`: the weekly risk indicator («Фиксация отклонений»). Fires on Monday 07:00 in the
 * RIC's zone and scores the ISO week just ended (period offset −1); `trigger risk-score
 * --period 2024-W22` scores any week again with the same result. Safe to run twice and to be
 * killed: the week's rows are replaced in one transaction, tasks are deduplicated by key.
 */
import { z } from 'zod';
import { computeWeek, scoreWeek } from '../health/score-week.js';
import type { PeriodicJob } from './types.js';

export const riskScore: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  createsWork: true,
  name: 'risk-score',
  description: 'weekly risk indicator of every served client (Фиксация отклонений), categories, risk-review tasks',
  periodKind: 'isoweek',
  periodOffset: -1,
  schedule: 'risk-score',
  options: z.strictObject({}),
  async run({ app, period }) {
    return { ...(await scoreWeek(app, period)) };
  },
  async plan({ app, period }) {
    const { scores, stale } = await computeWeek(app, period);
    const zones: Record<string, number> = {};
    for (const s of scores) zones[s.zone ?? 'н/д'] = (zones[s.zone ?? 'н/д'] ?? 0) + 1;
    return { week: period, clients: scores.length, zones, stale: Object.fromEntries(stale) };
  },
};
