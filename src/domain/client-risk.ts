/**
 * One client's week: the five components (or `н/д`), the indicator, its zone, the change since
 * last week, and the categories — from counts the risk-score job loads for all clients at once.
 */

import type { IsoDate } from './dates.js';
import type { RiskConfig } from './health-config.js';
import { effectiveIndicator, type IndicatorOrigin, seriesDeltas } from './indicator-source.js';
import { categoriesOf, type RiskCategory } from './risk-categories.js';
import {
  COMPONENTS,
  type ComponentKey,
  type ComponentScore,
  scoreLk,
  scoreLogins,
  scoreLprContact,
  scoreTraining,
  scoreWebinars,
} from './risk-components.js';
import { indicatorOf, type Zone, zoneOf } from './risk-model.js';

/** What the job counts per client, every window ending on the last day of the scored week. */
export interface RiskFacts {
  clientId: number;
  category: 'A' | 'B' | 'C';
  systemUsers: number;
  trainedUsers: number;
  /**
   * Active contacts whose «Пользователь системы» is unknown (the export lacked the column):
   * the training component is `н/д` rather than guessed. Absent counts as 0.
   */
  unknownUsers?: number;
  lkRequests: number;
  lprContacts: number;
  hasLpr: boolean;
  webinars: number;
  /** Logins per week, `[0]` = the scored week, `[1]` the one before, … */
  weeklyLogins: readonly number[];
  connectedOn: IsoDate | null;
  primaryAdvanceUntil: IsoDate | null;
  flags: readonly string[];
  /** churnguard's own indicator and zone of the week before (its series, not the acting value). */
  previousZone: Zone | null;
  previousIndicator: number | null;
  /** The CRM's indicator of the week before, when its report was imported (absent: none). */
  previousCrmIndicator?: number | null;
}

export interface ClientRisk {
  clientId: number;
  components: Record<ComponentKey, ComponentScore>;
  /** The value the desk acts on (risk.indicatorSource): the CRM's or churnguard's. */
  indicator: number | null;
  zone: Zone | null;
  source: IndicatorOrigin;
  /** churnguard's own weighted mean of the components, and its zone. */
  computedIndicator: number | null;
  computedZone: Zone | null;
  /** The CRM's «Индикатор (-)» of the week, when its report was imported. */
  crmIndicator: number | null;
  /** Change since last week within the acting series (null: that series has no value last week). */
  delta: number | null;
  /** Change since last week within churnguard's series and within the CRM's. */
  computedDelta: number | null;
  crmDelta: number | null;
  stale: ComponentKey[];
  categories: RiskCategory[];
}

/**
 * Score one client. `stale` maps each component whose source is not fresh to its `н/д` reason;
 * those components get no score and do not count in the indicator. `crmIndicator` is the CRM's
 * value of the week, when imported; under `crm-first` it decides the zone and categories.
 */
export function scoreClient(
  f: RiskFacts,
  weekEnd: IsoDate,
  stale: ReadonlyMap<ComponentKey, string>,
  cfg: RiskConfig,
  crmIndicator: number | null = null,
): ClientRisk {
  const computed: Record<ComponentKey, () => ComponentScore> = {
    training: () => scoreTraining(f, cfg),
    lk: () => scoreLk(f.lkRequests, cfg),
    lprContact: () => scoreLprContact(f.lprContacts, f.hasLpr, cfg),
    logins: () => scoreLogins(f.weeklyLogins, cfg),
    webinars: () => scoreWebinars(f.webinars, cfg),
  };
  const components = {} as Record<ComponentKey, ComponentScore>;
  const unknown = new Map(stale);
  if ((f.unknownUsers ?? 0) > 0 && !unknown.has('training'))
    unknown.set('training', `н/д: нет данных, кто из контактных лиц пользователь системы (${f.unknownUsers})`);
  for (const k of COMPONENTS) {
    const why = unknown.get(k);
    components[k] = why === undefined ? computed[k]() : { score: null, reason: why };
  }
  const computedIndicator = indicatorOf(components, cfg.weights);
  const acting = effectiveIndicator(computedIndicator, crmIndicator, cfg.indicatorSource, cfg.zones);
  const { indicator, zone, source } = acting;
  const deltas = seriesDeltas(
    { computed: computedIndicator, crm: crmIndicator, acting },
    { computed: f.previousIndicator, computedZone: f.previousZone, crm: f.previousCrmIndicator ?? null },
    cfg.zones,
  );
  const categories = categoriesOf(
    {
      connectedOn: f.connectedOn,
      primaryAdvanceUntil: f.primaryAdvanceUntil,
      flags: f.flags,
      zone,
      // «Красная зона» within one series: the acting series' zone of last week.
      previousZone: deltas.previousZone,
      weeklyLogins: stale.has('logins') ? null : f.weeklyLogins,
    },
    weekEnd,
    cfg,
  );
  return {
    clientId: f.clientId,
    components,
    indicator,
    zone,
    source,
    computedIndicator,
    computedZone: zoneOf(computedIndicator, cfg.zones),
    crmIndicator,
    delta: deltas.acting,
    computedDelta: deltas.computed,
    crmDelta: deltas.crm,
    stale: COMPONENTS.filter((k) => unknown.has(k)),
    categories,
  };
}
