/**
 * Which indicator the desk acts on (`risk.indicatorSource`). The CRM computes its own
 * «Фиксация отклонений» (not the equal-weight mean of the five columns it shows: client 204036
 * of the seed has all five at 0,50 and an indicator of 0,36). Under `crm-first` a week's CRM
 * value, where it was imported, gives the zone, the categories and the tasks; elsewhere, and
 * always under `computed`, churnguard's own value does.
 *
 * The two indicators are two series, never spliced: every change («за неделю», «наибольший
 * рост») and «Красная зона» (high two weeks running) compare a week with the previous week of
 * the series that acts this week; where that series has no value the previous week, there is
 * no change (`н/д`) and no red zone, rather than a jump made of the switch of source.
 */
import type { RiskConfig } from './health-config.js';
import type { RiskCategory } from './risk-categories.js';
import { deltaOf, type Zone, zoneOf } from './risk-model.js';

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

/** The previous week of both series: churnguard's value and zone, the CRM's value (null: none). */
export interface PreviousWeek {
  computed: number | null;
  computedZone: Zone | null;
  crm: number | null;
}

/** The acting series' previous value and zone: the CRM's when the CRM's acts this week, else churnguard's. */
export function previousOfSeries(source: IndicatorOrigin, prev: PreviousWeek, zones: RiskConfig['zones']): EffectiveIndicator {
  if (source === 'crm') return { indicator: prev.crm, zone: zoneOf(prev.crm, zones), source };
  return { indicator: prev.computed, zone: prev.computedZone ?? zoneOf(prev.computed, zones), source };
}

/** The changes since the previous week within each series, and within the acting one. */
export function seriesDeltas(
  now: { computed: number | null; crm: number | null; acting: EffectiveIndicator },
  prev: PreviousWeek,
  zones: RiskConfig['zones'],
): { computed: number | null; crm: number | null; acting: number | null; previousZone: Zone | null } {
  const p = previousOfSeries(now.acting.source, prev, zones);
  return {
    computed: deltaOf(now.computed, prev.computed),
    crm: deltaOf(now.crm, prev.crm),
    acting: deltaOf(now.acting.indicator, p.indicator),
    previousZone: p.zone,
  };
}

/** What a row says about its source: `КИС`, `churnguard`, or the fallback named under `crm-first`. */
export const FALLBACK_TEXT = 'по расчёту churnguard: отчёта КИС за неделю нет';

export function sourceLabel(source: IndicatorOrigin | null, setting: IndicatorSourceSetting): string {
  if (source === null) return 'н/д';
  if (source === 'crm') return 'КИС';
  return setting === 'crm-first' ? FALLBACK_TEXT : 'churnguard';
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
