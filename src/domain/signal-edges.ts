/**
 * No floods: a worsening signal is raised when its condition becomes true, not on every scan
 * it stays true (edge triggering), and the conditions that already hold when a source is first
 * scanned are the **baseline** — planned as work, never e-mailed. Pure rules over what the
 * scan detected and what `signal_conditions` / `signal_baselines` remember.
 */

import type { SignalKind } from './signal-kinds.js';
import type { NewSignal } from './signal-rules.js';
import type { SourceKind } from './sources.js';

/** The CRM exports each scanned kind reads (reorganisation/liquidation read the client list). */
export const KIND_SOURCES: Readonly<Record<Exclude<SignalKind, 'competitor'>, readonly SourceKind[]>> = {
  payment_decline: ['payments'],
  no_key_contact: ['contact-events', 'contacts'],
  calls_without_login: ['contact-events'],
  activity_drop: ['online-usage'],
  services_unused: ['webinars', 'trainings', 'hotline', 'lk-requests'],
  key_person_change: ['contacts'],
  reorganization: [],
  liquidation: [],
};

export const SCANNED_KINDS = Object.keys(KIND_SOURCES) as (keyof typeof KIND_SOURCES)[];

export interface HeldCondition {
  clientId: number;
  kind: string;
  since: Date;
}

export const conditionKey = (clientId: number, kind: string) => `${kind}.${clientId}`;

export interface EdgeResult {
  /** Signals whose condition became true in this scan (plus every keyed signal: an event). */
  rising: NewSignal[];
  /** Conditions still holding: (client, kind) → since. */
  holding: HeldCondition[];
  /** Conditions no longer holding, on kinds this scan could evaluate. */
  ended: HeldCondition[];
}

/**
 * Split the scan's detections into rising edges and conditions that still hold. A signal with
 * its own dedup key (a key-person change, a change of state) names an event and always passes
 * (its key deduplicates it); a windowed one is a condition. A condition the scan does not see
 * ends only when its kind could be evaluated (its sources fresh): missing data is no news.
 */
export function splitEdges(
  detected: readonly NewSignal[],
  held: ReadonlyMap<string, HeldCondition>,
  evaluable: (kind: string) => boolean,
): EdgeResult {
  const rising: NewSignal[] = [];
  const holding: HeldCondition[] = [];
  const seen = new Set<string>();
  for (const s of detected) {
    if (s.dedupKey !== undefined) {
      rising.push(s);
      continue;
    }
    const key = conditionKey(s.clientId, s.kind);
    if (seen.has(key)) continue;
    seen.add(key);
    const h = held.get(key);
    if (h) holding.push(h);
    else rising.push(s);
  }
  const ended = [...held.values()].filter((h) => !seen.has(conditionKey(h.clientId, h.kind)) && evaluable(h.kind));
  return { rising, holding, ended };
}

/** Kinds whose baseline this scan takes: evaluable now, never baselined before. */
export function baselineKinds(evaluable: (kind: string) => boolean, taken: ReadonlySet<string>): Set<string> {
  return new Set(SCANNED_KINDS.filter((k) => evaluable(k) && !taken.has(k)));
}

const ZONE_ORDER: Readonly<Record<string, number>> = { high: 0, dynamic: 1, none: 2 };

/** The order a specialist reads a digest or works a baseline in: riskier zone first, then bigger fee. */
export function byZoneAndFee<T>(items: readonly T[], of: (t: T) => { zone: string | null; fee: number }): T[] {
  return [...items].sort((a, b) => {
    const x = of(a);
    const y = of(b);
    return (ZONE_ORDER[x.zone ?? ''] ?? 3) - (ZONE_ORDER[y.zone ?? ''] ?? 3) || y.fee - x.fee;
  });
}
