/**
 * Coverage, not only age: each event source records the span its imported data covers — the
 * period an export declares (the OLAP settings block's «Период: с … по …», or `import <kind>
 * FILE --from D [--to D]`), otherwise its rows' earliest date to the day of the import (an export
 * lists everything up to the day it was taken). The spans of all imports of a source are merged
 * where they are at most a week apart; a longer gap is a hole. A component is `н/д` for a week
 * when its source does not cover the component's whole window («данные ЛК с 10.03.2024: окно 3
 * месяцев не покрыто»): «0 обращений» before the export's first day means nothing. The trainings
 * export is a registry (complete); the contact list a snapshot: neither is checked here. A source
 * with no span recorded at all (imports from before this rule) is judged by age alone.
 */
import { addDays, addMonths, daysBetween, type IsoDate } from './dates.js';
import type { RiskConfig } from './health-config.js';
import type { ComponentKey } from './risk-components.js';
import { plural } from './ru.js';
import type { SourceKind } from './sources.js';

export interface Span {
  from: IsoDate;
  to: IsoDate;
}

/** Gaps between imports up to this many days are bridged (a weekly export taken a day late). */
export const MAX_GAP_DAYS = 7;

/** The event sources whose coverage is recorded (the others are registries or snapshots). */
export const COVERED_SOURCES: readonly SourceKind[] = ['lk-requests', 'contact-events', 'webinars', 'online-usage', 'hotline', 'payments'];

/** The source whose coverage decides each component (training reads a registry: none). */
export const COMPONENT_COVERAGE: Readonly<Record<ComponentKey, SourceKind | null>> = {
  training: null,
  lk: 'lk-requests',
  lprContact: 'contact-events',
  logins: 'online-usage',
  webinars: 'webinars',
};

/** How the reason names a source's data: «данные ЛК», «данные о контактах» … */
export const COVERAGE_NAMES: Readonly<Record<SourceKind, string>> = {
  contacts: 'контактных лиц',
  trainings: 'об обучении',
  'lk-requests': 'ЛК',
  'contact-events': 'о контактах',
  'online-usage': 'о входах',
  webinars: 'о вебинарах',
  hotline: 'горячей линии',
  payments: 'об оплатах',
};

/** Spans sorted and merged where the gap between them is at most `maxGapDays` days. */
export function mergeSpans(spans: readonly Span[], maxGapDays = MAX_GAP_DAYS): Span[] {
  const sorted = spans.filter((s) => s.from <= s.to).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    // Days strictly between the two: 0 when adjacent.
    if (last && daysBetween(last.to, s.from) - 1 <= maxGapDays) {
      if (s.to > last.to) last.to = s.to;
    } else out.push({ ...s });
  }
  return out;
}

/** Does one merged span hold the whole of [from, to]? */
export function covers(merged: readonly Span[], from: IsoDate, to: IsoDate): boolean {
  return merged.some((s) => s.from <= from && s.to >= to);
}

export interface ComponentWindow {
  from: IsoDate;
  to: IsoDate;
  /** «3 месяцев», «4 недель»: the window's length as the reason says it (genitive). */
  length: string;
}

const monthsGen = (n: number) => `${n} ${plural(n, ['месяца', 'месяцев', 'месяцев'])}`;
const weeksGen = (n: number) => `${n} ${plural(n, ['недели', 'недель', 'недель'])}`;

/** The window a component reads for a week ending `weekEnd` (null: not a windowed count). */
export function componentWindow(k: ComponentKey, weekEnd: IsoDate, cfg: RiskConfig): ComponentWindow | null {
  const months = (m: number): ComponentWindow => ({ from: addDays(addMonths(weekEnd, -m), 1), to: weekEnd, length: monthsGen(m) });
  switch (k) {
    case 'lk':
      return months(cfg.lk.months);
    case 'lprContact':
      return months(cfg.lprContact.months);
    case 'webinars':
      return months(cfg.webinars.months);
    case 'logins':
      return { from: addDays(weekEnd, -7 * cfg.logins.weeks + 1), to: weekEnd, length: weeksGen(cfg.logins.weeks) };
    default:
      return null;
  }
}

/** `с 10.03.2024`, `с 10.03.2024 по 31.03.2024 и с 15.04.2024`: the spans as the reason lists them. */
export function spansText(merged: readonly Span[], dmy: (d: IsoDate) => string, upTo?: IsoDate): string {
  if (!merged.length) return 'нет';
  return merged.map((s) => (upTo !== undefined && s.to >= upTo ? `с ${dmy(s.from)}` : `с ${dmy(s.from)} по ${dmy(s.to)}`)).join(' и ');
}

export interface Uncovered {
  kind: SourceKind;
  window: ComponentWindow;
  reason: string;
}

/**
 * Components whose source's recorded coverage does not hold their whole window in the week
 * ending `weekEnd`, with the `н/д` reason. Sources without any recorded span are left to the
 * age rule.
 */
export function uncoveredComponents(
  coverage: Readonly<Partial<Record<SourceKind, readonly Span[]>>>,
  weekEnd: IsoDate,
  cfg: RiskConfig,
  dmy: (d: IsoDate) => string,
): Map<ComponentKey, Uncovered> {
  const out = new Map<ComponentKey, Uncovered>();
  for (const [k, kind] of Object.entries(COMPONENT_COVERAGE) as [ComponentKey, SourceKind | null][]) {
    if (!kind) continue;
    const spans = coverage[kind];
    if (!spans?.length) continue;
    const window = componentWindow(k, weekEnd, cfg);
    if (!window) continue;
    const merged = mergeSpans(spans);
    if (covers(merged, window.from, window.to)) continue;
    out.set(k, {
      kind,
      window,
      reason: `н/д: данные ${COVERAGE_NAMES[kind]} ${spansText(merged, dmy, window.to)}: окно ${window.length} не покрыто`,
    });
  }
  return out;
}

/** Is this component reason a lack of coverage (as opposed to a stale or missing source)? */
export function isCoverageReason(reason: string | null | undefined): boolean {
  return reason !== null && reason !== undefined && /^н\/д: данные .*: окно .* не покрыто$/.test(reason);
}

/**
 * What the card's «Покрытие данных» column says of a component in the week ending `weekEnd`:
 * whether the imports of its source hold the component's whole window. The trainings registry
 * is complete by nature; a source with no span recorded is judged by the age of its last import.
 */
export function componentCoverageText(
  k: ComponentKey,
  coverage: Readonly<Partial<Record<SourceKind, readonly Span[]>>>,
  weekEnd: IsoDate,
  cfg: RiskConfig,
  dmy: (d: IsoDate) => string,
): string {
  const kind = COMPONENT_COVERAGE[k];
  const window = componentWindow(k, weekEnd, cfg);
  if (!kind || !window) return 'реестр обучения: полный';
  const spans = coverage[kind];
  const range = `${dmy(window.from)}–${dmy(window.to)}`;
  if (!spans?.length)
    return `период данных ${COVERAGE_NAMES[kind]} не записан (проверяется давность выгрузки); окно ${window.length} ${range}`;
  const merged = mergeSpans(spans);
  const held = covers(merged, window.from, window.to) ? 'покрыто' : 'не покрыто';
  return `данные ${COVERAGE_NAMES[kind]} ${spansText(merged, dmy, window.to)}: окно ${window.length} ${range} ${held}`;
}
