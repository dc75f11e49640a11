/**
 * The weekly risk indicator of a client: the weighted mean of its available components
 * (stale ones, `н/д`, are left out), and its zone — the seed's «0,34 и выше – высокий риск
 * (угрозы); от 0,3 до 0,34 – динамический риск; от 0,2 до 0,29 – нет угрозы».
 *
 * Glossary: indicator (Индикатор) 0..1; zone high / dynamic / none; component scores in
 * risk-components.ts; categories (segments of high churn risk) in risk-categories.ts.
 */
import type { RiskConfig } from './health-config.js';
import { COMPONENTS, type ComponentKey, type ComponentScore } from './risk-components.js';

export type Zone = 'high' | 'dynamic' | 'none';

export const ZONE_NAMES: Readonly<Record<Zone, string>> = {
  high: 'высокий риск',
  dynamic: 'динамический риск',
  none: 'нет угрозы',
};

/** Indicators are kept to 3 decimals (`risk_scores.indicator numeric(5,3)`). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Weighted mean of the components that have a score; null when none has (all `н/д`). */
export function indicatorOf(scores: Readonly<Record<ComponentKey, ComponentScore>>, weights: RiskConfig['weights']): number | null {
  let sum = 0;
  let weight = 0;
  for (const k of COMPONENTS) {
    const s = scores[k].score;
    if (s === null || weights[k] <= 0) continue;
    sum += s * weights[k];
    weight += weights[k];
  }
  return weight > 0 ? round3(sum / weight) : null;
}

/** The zone of an indicator; boundaries compared in thousandths, so 0.34 is high. */
export function zoneOf(indicator: number | null, zones: RiskConfig['zones']): Zone | null {
  if (indicator === null) return null;
  const x = Math.round(indicator * 1000);
  if (x >= Math.round(zones.highFrom * 1000)) return 'high';
  if (x >= Math.round(zones.dynamicFrom * 1000)) return 'dynamic';
  return 'none';
}

/** Change of the indicator since last week; null when either week has none. */
export function deltaOf(indicator: number | null, previous: number | null): number | null {
  return indicator === null || previous === null ? null : round3(indicator - previous);
}

/** `0.366` → `0,37` as the CRM shows a score. */
export function scoreText(x: number | null): string {
  return x === null ? 'н/д' : x.toFixed(2).replace('.', ',');
}
