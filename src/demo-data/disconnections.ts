/**
 * The demo RIC's disconnection history: which clients cancelled their subscription, and when —
 * more often after a high or rising indicator, as in life, but not only then (a client also
 * leaves for reasons no component sees, and a client at risk often stays). Pure and seeded:
 * the same scores and seed give the same history, so the demo's ROC AUC is stable.
 */
import { addDays, type IsoDate } from '../domain/dates.js';
import { Rng } from './random.js';

/** A client's indicator per week, oldest first (null: not scored that week). */
export interface IndicatorSeries {
  clientId: number;
  weekly: readonly (number | null)[];
}

export interface Disconnection {
  clientId: number;
  on: IsoDate;
}

export interface DisconnectionOptions {
  /** Disconnections fall on days in [from, to]. */
  from: IsoDate;
  to: IsoDate;
  seed: number;
  /** The week (index into `weekly`) whose level and trend decide the odds; default: 3 weeks before the last. */
  atWeek?: number;
}

// Odds of leaving: a logistic curve of the indicator's level and its rise over the weeks
// before. Tuned so about one client in ten leaves, most of them from the high zone.
const BASE = -3.4;
const PER_LEVEL = 14;
const PER_RISE = 12;
const LEVEL_CENTRE = 0.34;

function mean(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The chance that a client with this level and rise leaves. */
export function leaveChance(level: number, rise: number): number {
  return 1 / (1 + Math.exp(-(BASE + PER_LEVEL * (level - LEVEL_CENTRE) + PER_RISE * Math.max(0, rise))));
}

export function generateDisconnections(series: readonly IndicatorSeries[], o: DisconnectionOptions): Disconnection[] {
  const rng = new Rng(o.seed);
  const span = Math.max(0, Math.round((Date.parse(o.to) - Date.parse(o.from)) / 86_400_000));
  const out: Disconnection[] = [];
  for (const s of series) {
    const at = o.atWeek ?? s.weekly.length - 3;
    const level = s.weekly[at] ?? mean(s.weekly.slice(0, at + 1));
    const before = mean(s.weekly.slice(0, Math.max(1, at - 3)));
    // Draw for every client, scored or not, so one client's data never shifts another's fate.
    const draw = rng.next();
    const day = rng.int(0, span);
    if (level === null) continue;
    if (draw < leaveChance(level, before === null ? 0 : level - before)) out.push({ clientId: s.clientId, on: addDays(o.from, day) });
  }
  return out;
}
