/**
 * "Missing data is not good news": each risk component and signal rule reads CRM exports of
 * certain kinds (`imports.kind`). A source never imported, or whose latest import finished
 * longer ago than its limit (`risk.staleAfterDays`), is stale; a component on a stale source
 * is shown as `н/д` and left out of the indicator, and a rule on a stale source detects
 * nothing (an absence of events proves nothing when the events were never loaded).
 */
import type { ComponentKey } from './risk-components.js';

/** Import kinds, as the importer records them in `imports.kind`. */
export type SourceKind = 'contacts' | 'trainings' | 'lk-requests' | 'contact-events' | 'online-usage' | 'webinars' | 'hotline' | 'payments';

export const SOURCE_KINDS: readonly SourceKind[] = [
  'contacts',
  'trainings',
  'lk-requests',
  'contact-events',
  'online-usage',
  'webinars',
  'hotline',
  'payments',
];

/** Russian names of the CRM exports, for notes and reasons. */
export const SOURCE_NAMES: Readonly<Record<SourceKind, string>> = {
  contacts: 'Контактные лица',
  trainings: 'Обучение',
  'lk-requests': 'Запросы в ЛК',
  'contact-events': 'Работы (контакты)',
  'online-usage': 'Статистика онлайн-версии',
  webinars: 'Посещение вебинаров',
  hotline: 'Горячая линия',
  payments: 'Начисления и оплаты',
};

/**
 * The sources each component reads. Training needs the contact list (who is a system user);
 * the ЛПР contact needs it too (who is an ЛПР).
 */
export const COMPONENT_SOURCES: Readonly<Record<ComponentKey, readonly SourceKind[]>> = {
  training: ['trainings', 'contacts'],
  lk: ['lk-requests'],
  lprContact: ['contact-events', 'contacts'],
  logins: ['online-usage'],
  webinars: ['webinars'],
};

/** When each source was last refreshed (null: never). */
export type SourceTimes = Readonly<Partial<Record<SourceKind, Date | null>>>;

export type Freshness = 'fresh' | 'stale' | 'missing';

export interface SourceState {
  kind: SourceKind;
  state: Freshness;
  last: Date | null;
}

const DAY_MS = 86_400_000;

/**
 * Freshness of a source at the reference instant `ref` (the end of the scored week, or the
 * time of a scan). An import finished after `ref` also counts: it carries the history up to `ref`.
 */
export function sourceState(
  kind: SourceKind,
  times: SourceTimes,
  ref: Date,
  staleAfterDays: Readonly<Record<string, number>>,
): SourceState {
  const last = times[kind] ?? null;
  if (!last) return { kind, state: 'missing', last: null };
  const limit = staleAfterDays[kind];
  if (limit === undefined) throw new Error(`risk.staleAfterDays has no limit for source "${kind}"`);
  return { kind, state: last.getTime() >= ref.getTime() - limit * DAY_MS ? 'fresh' : 'stale', last };
}

/** The sources of `kinds` that are not fresh at `ref`. */
export function unfreshSources(
  kinds: readonly SourceKind[],
  times: SourceTimes,
  ref: Date,
  staleAfterDays: Readonly<Record<string, number>>,
): SourceState[] {
  return kinds.map((k) => sourceState(k, times, ref, staleAfterDays)).filter((s) => s.state !== 'fresh');
}

/** Components whose sources are not all fresh, with the offending sources. */
export function staleComponents(
  times: SourceTimes,
  ref: Date,
  staleAfterDays: Readonly<Record<string, number>>,
): Map<ComponentKey, SourceState[]> {
  const out = new Map<ComponentKey, SourceState[]>();
  for (const [component, kinds] of Object.entries(COMPONENT_SOURCES) as [ComponentKey, readonly SourceKind[]][]) {
    const bad = unfreshSources(kinds, times, ref, staleAfterDays);
    if (bad.length) out.set(component, bad);
  }
  return out;
}

/** `н/д: «Обучение» не загружалось` / `н/д: «Обучение» загружено 01.03.2024`. */
export function staleReason(bad: readonly SourceState[], formatDate: (d: Date) => string): string {
  return `н/д: ${bad
    .map((s) => (s.last ? `«${SOURCE_NAMES[s.kind]}» загружено ${formatDate(s.last)}` : `«${SOURCE_NAMES[s.kind]}» не загружалось`))
    .join(', ')}`;
}
