/**
 * High-risk categories («Категории клиентов с высоким риском отключений»), recomputed weekly:
 * new clients (especially with a short primary advance), "double" clients, clients in the
 * red zone, clients with low activity, clients on retention with high need.
 */

import { addDays, addMonths, type IsoDate } from './dates.js';
import type { RiskConfig } from './health-config.js';
import type { Zone } from './risk-model.js';

export type RiskCategory = 'new' | 'double' | 'red_zone' | 'low_activity' | 'retention';

export const CATEGORY_NAMES: Readonly<Record<RiskCategory, string>> = {
  new: 'Новый',
  double: 'Двойной',
  red_zone: 'Красная зона',
  low_activity: 'Низкая активность',
  retention: 'На удержании с высокой потребностью',
};

export interface CategoryFacts {
  connectedOn: IsoDate | null;
  primaryAdvanceUntil: IsoDate | null;
  /** CRM flags: `double`, `retention`. */
  flags: readonly string[];
  zone: Zone | null;
  previousZone: Zone | null;
  /** Logins per week, `[0]` = the scored week; null when the usage source is stale. */
  weeklyLogins: readonly number[] | null;
}

/** Mean of `weekly[from .. from+n)`, missing weeks as 0. */
function weeklyMean(weekly: readonly number[], from: number, n: number): number {
  let sum = 0;
  for (let i = from; i < from + n; i++) sum += weekly[i] ?? 0;
  return sum / n;
}

/**
 * Low activity: no logins in the last `lowActivityWeeks`, or their weekly mean fell by
 * `lowActivityDropShare` or more against the `lowActivityBaselineWeeks` before them.
 */
export function isLowActivity(weekly: readonly number[], c: RiskConfig['categories']): boolean {
  const recent = weeklyMean(weekly, 0, c.lowActivityWeeks);
  if (recent === 0) return true;
  const base = weeklyMean(weekly, c.lowActivityWeeks, c.lowActivityBaselineWeeks);
  return base > 0 && recent <= base * (1 - c.lowActivityDropShare);
}

/** The categories of a client for the week ending `weekEnd`, in a fixed order. */
export function categoriesOf(f: CategoryFacts, weekEnd: IsoDate, cfg: RiskConfig): RiskCategory[] {
  const c = cfg.categories;
  const out: RiskCategory[] = [];
  const recentlyConnected = f.connectedOn !== null && f.connectedOn > addMonths(weekEnd, -c.newMonths);
  const advanceEnding =
    f.primaryAdvanceUntil !== null && f.primaryAdvanceUntil >= weekEnd && f.primaryAdvanceUntil <= addDays(weekEnd, c.advanceEndingDays);
  if (recentlyConnected || advanceEnding) out.push('new');
  if (f.flags.includes('double')) out.push('double');
  if (f.zone === 'high' && f.previousZone === 'high') out.push('red_zone');
  if (f.weeklyLogins && isLowActivity(f.weeklyLogins, c)) out.push('low_activity');
  if (f.flags.includes('retention')) out.push('retention');
  return out;
}
