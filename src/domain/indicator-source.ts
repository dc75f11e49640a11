/**
 * Which indicator the desk acts on (`risk.indicatorSource`). The CRM computes its own
 * «Фиксация отклонений» (not the equal-weight mean of the five columns it shows: client 204036
 * of the seed has all five at 0,50 and an indicator of 0,36). Under `crm-first` a week's CRM
 * value, where it was imported, gives the zone, the categories and the tasks; elsewhere, and
 * always under `computed`, churnguard's own value does.
 */
import type { RiskConfig } from './health-config.js';
import type { RiskCategory } from './risk-categories.js';
import { type Zone, zoneOf } from './risk-model.js';

export type IndicatorSourceSetting = 'crm-first' | 'computed';
/** Where the value the desk acts on came from (`risk_scores.indicator_source`). */
export type IndicatorOrigin = 'crm' | 'computed';

export const ORIGIN_NAMES: Readonly<Record<IndicatorOrigin, string>> = {
  crm: 'КИС (Фиксация отклонений)',
  computed: 'churnguard',
};

export interface EffectiveIndicator {
  indicator: number | null;
  zone: Zone | null;
  source: IndicatorOrigin;
}

/** The indicator to act on, from churnguard's value and the CRM's (null when not imported). */
export function effectiveIndicator(
  computed: number | null,
  crm: number | null,
  setting: IndicatorSourceSetting,
  zones: RiskConfig['zones'],
): EffectiveIndicator {
  if (setting === 'crm-first' && crm !== null) return { indicator: crm, zone: zoneOf(crm, zones), source: 'crm' };
  return { indicator: computed, zone: zoneOf(computed, zones), source: 'computed' };
}

const CATEGORY_ORDER: readonly RiskCategory[] = ['new', 'double', 'red_zone', 'low_activity', 'retention'];

/**
 * The categories with «Красная зона» re-decided for a changed zone (high this week and the
 * last); the others do not depend on the indicator. Order kept as in categoriesOf.
 */
export function withRedZone(categories: readonly string[], zone: Zone | null, previousZone: Zone | null): RiskCategory[] {
  const set = new Set(categories.filter((c) => c !== 'red_zone') as RiskCategory[]);
  if (zone === 'high' && previousZone === 'high') set.add('red_zone');
  return CATEGORY_ORDER.filter((c) => set.has(c));
}
