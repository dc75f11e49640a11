/**
 * `competitor-diagnostics`: the twice-yearly campaign «Диагностика и профилактика появления
 * конкурентов» (15 January and 15 July, 09:00 RIC time; period `2024-H1` / `2024-H2`). One task
 * per served client for its remote specialist, split by monthly fee into small and medium /
 * large, due dates staggered under `diagnostics.maxDuePerDay`. `trigger competitor-diagnostics
 * --force` for the same half-year gives tasks only to clients served since (as the weekly
 * diagnostics-control does); `--dry-run` shows what it would give.
 */
import { z } from 'zod';
import { planCampaign, runCampaign } from '../diagnostics/campaign.js';
import type { Segment } from '../domain/diagnostics.js';
import type { PeriodicJob } from './types.js';

export const competitorDiagnostics: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  createsWork: true,
  name: 'competitor-diagnostics',
  description: 'twice a year: a competitor-diagnostics task for every served client (small and medium / large segment)',
  periodKind: 'halfyear',
  schedule: 'competitor-diagnostics',
  options: z.strictObject({}),
  async run({ app, period }) {
    return { ...(await runCampaign(app, period)) };
  },
  async plan({ app, period }) {
    const p = await planCampaign(app, app.pool, period);
    const bySegment: Record<Segment, number> = { small_medium: 0, large: 0 };
    const perSpecialist = new Map<number, { tasks: number; firstDue: string; lastDue: string }>();
    for (const t of p.plans) {
      bySegment[t.segment]++;
      const s = perSpecialist.get(t.specialistId) ?? { tasks: 0, firstDue: t.dueOn, lastDue: t.dueOn };
      s.tasks++;
      if (t.dueOn < s.firstDue) s.firstDue = t.dueOn;
      if (t.dueOn > s.lastDue) s.lastDue = t.dueOn;
      perSpecialist.set(t.specialistId, s);
    }
    return {
      period,
      start: p.start,
      tasks: p.tasks.length,
      bySegment,
      beyondPeriod: p.plans.filter((t) => t.beyondWindow).length,
      withoutSpecialist: p.withoutSpecialist.length,
      perSpecialist: Object.fromEntries(perSpecialist),
    };
  },
};
