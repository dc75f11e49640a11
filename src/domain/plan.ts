/**
 * The planner's rule, one pass in memory (no I/O): every open visit («Контакт с клиентом») gets
 * a working day inside its window (earliest start … deadline), each person's day filled up to
 * capacity in order of value — signal and finding hand-offs first, then deadlines, then the
 * client's zone and fee, then age. A share of each day (`reserveShare`) is kept for hand-offs,
 * which may use the whole capacity. Visits already on the first day of the plan (today, once
 * the day has started) stay there. What does not fit inside its window is overflow, with its
 * reason in the desk's words; a visit already past its deadline is planned on the first free day.
 */
import type { IsoDate } from './dates.js';
import { count } from './ru.js';
import { dmy } from './ru-dates.js';

/** Task kinds that hand urgent work over: a worsening signal, a competitor's system found. */
export const HANDOFF_KINDS: readonly string[] = ['signal', 'competitor-comparison'];

export interface PlanVisit {
  id: number;
  assigneeId: number;
  startsOn: IsoDate;
  dueOn: IsoDate;
  /** The day it is planned on now (kept when it is the plan's first day and `keepFirstDay`). */
  plannedOn: IsoDate | null;
  handoff: boolean;
  /** 2 high, 1 dynamic, 0 none or unknown. */
  zoneRank: number;
  fee: number;
  /** Creation time (ms): older first among equals. */
  createdAt: number;
  /** The day of its ЛПР call after the monthly e-mail: it takes a place booked for it there. */
  callOn?: IsoDate | null;
}

export interface PlanPerson {
  id: number;
  /** Visits per working day. */
  capacity: number;
  /** Days away (leave, sick days): no plan on them. */
  absent: ReadonlySet<IsoDate>;
  /**
   * Places of a day held for the calls that follow the monthly e-mail's waves: their tasks come
   * on the day itself, after the morning plan, and a call's visit (`callOn`) takes its place.
   */
  booked?: ReadonlyMap<IsoDate, number>;
}

export interface PlanInput {
  /** The working days of the plan, in order; the first is today (or the next working day). */
  days: readonly IsoDate[];
  /** Keep visits planned on `days[0]` where they are (the day has started). */
  keepFirstDay: boolean;
  reserveShare: number;
  people: ReadonlyMap<number, PlanPerson>;
  visits: readonly PlanVisit[];
}

export interface Placement {
  id: number;
  plannedOn: IsoDate | null;
  overflowReason: string | null;
}

/** Places of a day kept for hand-offs: `reserveShare` of the capacity, rounded. */
export function reservedPlaces(capacity: number, reserveShare: number): number {
  return Math.min(capacity, Math.round(capacity * reserveShare));
}

/** Value order: hand-offs, deadline, zone, fee, age, id. */
export function byValue(a: PlanVisit, b: PlanVisit): number {
  return (
    Number(b.handoff) - Number(a.handoff) ||
    (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) ||
    b.zoneRank - a.zoneRank ||
    b.fee - a.fee ||
    a.createdAt - b.createdAt ||
    a.id - b.id
  );
}

/** Index of the first element of sorted `xs` that is ≥ `x` (xs.length when none). */
function lowerBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as string) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted `xs` that is > `x`. */
function upperBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as string) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const VISITS = ['визит', 'визита', 'визитов'] as const;
const WORKING_DAYS = ['рабочий день', 'рабочих дня', 'рабочих дней'] as const;

/** The plan: a day or an overflow reason for every visit, never more than capacity on a day. */
export function planVisits(input: PlanInput): Placement[] {
  const { days } = input;
  const n = days.length;
  const first = days[0];
  const out: Placement[] = [];
  interface Load {
    person: PlanPerson;
    used: Int32Array;
    /** Days before these indexes are full for a regular visit / a hand-off. */
    fullBefore: [number, number];
    /** The person's deadlines, sorted: how many visits compete up to a deadline. */
    dues: string[];
    /** Booked places (counted in `used`) not yet taken by their calls, by day index. */
    booked: Int32Array;
  }
  const loads = new Map<number, Load>();
  const loadOf = (id: number): Load | null => {
    let l = loads.get(id);
    if (!l) {
      const person = input.people.get(id);
      if (!person) return null;
      const booked = new Int32Array(n);
      if (person.booked) for (let i = 0; i < n; i++) booked[i] = person.booked.get(days[i] as IsoDate) ?? 0;
      l = { person, used: booked.slice(), fullBefore: [0, 0], dues: [], booked };
      loads.set(id, l);
    }
    return l;
  };
  const rest: PlanVisit[] = [];
  for (const v of input.visits) {
    const l = loadOf(v.assigneeId);
    l?.dues.push(v.dueOn);
    // Today's visits stay on today — unless the person is away today.
    if (l && input.keepFirstDay && first !== undefined && v.plannedOn === first && !l.person.absent.has(first)) {
      if (v.callOn === first && (l.booked[0] as number) > 0) l.booked[0] = (l.booked[0] as number) - 1;
      else l.used[0] = (l.used[0] as number) + 1;
      out.push({ id: v.id, plannedOn: first, overflowReason: null });
    } else rest.push(v);
  }
  for (const l of loads.values()) l.dues.sort();
  rest.sort(byValue);
  for (const v of rest) {
    const l = loadOf(v.assigneeId);
    if (!l || first === undefined) {
      out.push({ id: v.id, plannedOn: null, overflowReason: 'сотрудник не работает в РИЦ: передайте визит другому' });
      continue;
    }
    const { person, used } = l;
    const limit = v.handoff ? person.capacity : person.capacity - reservedPlaces(person.capacity, input.reserveShare);
    const cls = v.handoff ? 1 : 0;
    const overdue = v.dueOn < first;
    const startIdx = lowerBound(days, v.startsOn);
    const endIdx = overdue ? n - 1 : upperBound(days, v.dueOn) - 1;
    // A call after the monthly e-mail takes the place booked for it on its day.
    const callOn = v.callOn ?? null;
    const callIdx = callOn ? lowerBound(days, callOn) : -1;
    if (
      callOn &&
      callIdx >= startIdx &&
      callIdx <= endIdx &&
      days[callIdx] === callOn &&
      (l.booked[callIdx] as number) > 0 &&
      !person.absent.has(callOn)
    ) {
      l.booked[callIdx] = (l.booked[callIdx] as number) - 1;
      out.push({ id: v.id, plannedOn: callOn, overflowReason: null });
      continue;
    }
    const full = (i: number) => person.absent.has(days[i] as string) || (used[i] as number) >= limit;
    let i = Math.max(startIdx, l.fullBefore[cls]);
    while (i <= endIdx && full(i)) i++;
    if (startIdx <= l.fullBefore[cls]) {
      // Everything from the pointer up to i is full: move the pointer on.
      l.fullBefore[cls] = Math.max(l.fullBefore[cls], i);
    }
    if (i <= endIdx) {
      used[i] = (used[i] as number) + 1;
      out.push({ id: v.id, plannedOn: days[i] as string, overflowReason: null });
      continue;
    }
    out.push({ id: v.id, plannedOn: null, overflowReason: overflowReason(v, l, days, startIdx, endIdx) });
  }
  return out;
}

/** `2024-06-12` → `12.06`. */
function short(d: IsoDate): string {
  return dmy(d).slice(0, 5);
}

function overflowReason(
  v: PlanVisit,
  l: { person: PlanPerson; dues: string[] },
  days: readonly IsoDate[],
  startIdx: number,
  endIdx: number,
): string {
  const window = days.slice(startIdx, endIdx + 1);
  const away = window.filter((d) => l.person.absent.has(d));
  if (window.length && away.length === window.length) {
    // The leave's last day: it may go on past the deadline.
    let end = endIdx;
    while (end + 1 < days.length && l.person.absent.has(days[end + 1] as string)) end++;
    return `сотрудник отсутствует по ${short(days[end] as string)}: передайте визит другому`;
  }
  if (l.person.capacity === 0) return 'норма сотрудника — 0 визитов в день: передайте визит другому';
  const due = short(v.dueOn);
  if (!window.length) return `срок ${due} прошёл до начала плана`;
  const competing = upperBound(l.dues, v.dueOn);
  const free = window.length - away.length;
  return `не помещается до срока ${due}: ${count(competing, VISITS)} на ${count(free, WORKING_DAYS)} при норме ${l.person.capacity}`;
}
