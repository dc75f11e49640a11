/**
 * One scan for worsening signals over every served client: source freshness now, the facts
 * (one SQL statement), the pure rules per client, then the hand-off of what is new.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { loadSignalFacts } from '../db/signal-facts.js';
import { loadSourceTimes } from '../db/source-times.js';
import { addMonths, localDate, localParts } from '../domain/dates.js';
import { detectSignals, lastCompleteWeekEnd, type NewSignal } from '../domain/signal-rules.js';
import { type SourceKind, unfreshSources } from '../domain/sources.js';
import { raiseSignals } from './raise-signals.js';

export interface Detection {
  signals: NewSignal[];
  clients: number;
  /** Sources not fresh now: the rules reading them detected nothing. */
  staleSources: string[];
}

export async function detectAll(app: App): Promise<Detection> {
  const at = now();
  const tz = app.config.ric.timeZone;
  const cfg = app.config.signals;
  const today = localDate(at, tz);
  const times = await loadSourceTimes(app.pool);
  const staleAfter = app.config.risk.staleAfterDays;
  const fresh = (kinds: readonly SourceKind[]) => unfreshSources(kinds, times, at, staleAfter).length === 0;
  const facts = await loadSignalFacts(app.pool, {
    now: at,
    paymentsFrom: addMonths(`${today.slice(0, 7)}-01`, -(cfg.paymentDecline.debtGrowthMonths + 3)),
    paymentMonths: cfg.paymentDecline.debtGrowthMonths + 1,
    calls: cfg.callsWithoutLogin.calls,
    usageWeekEnd: lastCompleteWeekEnd(today, localParts(at, tz).weekday),
    usageWeeks: cfg.activityDrop.baselineWeeks + cfg.activityDrop.zeroWeeks + 1,
    servicesFrom: addMonths(today, -cfg.unusedServicesMonths),
    today,
    changesFrom: new Date(at.getTime() - cfg.keyPersonChangeDays * 86_400_000),
  });
  const ctx = { now: at, tz, cfg, fresh };
  const all = Object.keys(staleAfter) as SourceKind[];
  return {
    signals: facts.flatMap((f) => detectSignals(f, ctx)),
    clients: facts.length,
    staleSources: unfreshSources(all, times, at, staleAfter).map((s) => s.kind),
  };
}

export interface ScanStats {
  clients: number;
  detected: number;
  raised: number;
  suppressed: number;
  emailed: number;
  byKind: Record<string, number>;
  staleSources: string[];
}

export async function scanSignals(app: App): Promise<ScanStats> {
  const d = await detectAll(app);
  const res = await raiseSignals(app, d.signals, { createdBy: 'signals-scan' });
  const byKind: Record<string, number> = {};
  for (const r of res.raised) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return {
    clients: d.clients,
    detected: d.signals.length,
    raised: res.raised.length,
    suppressed: res.suppressed,
    emailed: res.notificationIds.length,
    byKind,
    staleSources: d.staleSources,
  };
}
