/**
 * One scan for worsening signals over every served client: source freshness now, the facts
 * (one SQL statement), the pure rules per client, then the hand-off of what is new.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { withTransaction } from '../db/pool.js';
import { deleteConditions, insertConditions, loadConditions, recordBaselines, takenBaselines } from '../db/signal-conditions.js';
import { loadSignalFacts } from '../db/signal-facts.js';
import { loadSourceTimes } from '../db/source-times.js';
import { addMonths, localDate, localParts } from '../domain/dates.js';
import { dmy } from '../domain/ru-dates.js';
import { baselineKinds, conditionKey, KIND_SOURCES, splitEdges } from '../domain/signal-edges.js';
import { detectSignals, lastCompleteWeekEnd, type NewSignal } from '../domain/signal-rules.js';
import { type SourceKind, unfreshSources } from '../domain/sources.js';
import { dispatchNotifications } from '../mail/outbox.js';
import { RAISE_LOCK, raiseSignalsIn } from './raise-signals.js';

export interface Detection {
  signals: NewSignal[];
  clients: number;
  /** Sources not fresh now: the rules reading them detected nothing. */
  staleSources: string[];
  /** True when the kind's rule could run now (its sources fresh). */
  evaluable(kind: string): boolean;
  /** The instant the facts were read at. */
  at: Date;
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
    at,
    evaluable: (kind) => kind in KIND_SOURCES && fresh(KIND_SOURCES[kind as keyof typeof KIND_SOURCES]),
  };
}

export interface ScanStats {
  clients: number;
  detected: number;
  raised: number;
  suppressed: number;
  emailed: number;
  /** Conditions already true on the first scan of their source: tasks, no e-mail. */
  baseline: number;
  /** Conditions still true since an earlier scan: nothing new raised. */
  holding: number;
  byKind: Record<string, number>;
  staleSources: string[];
}

/**
 * Detect, keep only rising edges, take the baseline of kinds scanned for the first time, raise.
 * One transaction under the raise lock, so two scans never both see a condition as new.
 */
export async function scanSignals(app: App): Promise<ScanStats> {
  const d = await detectAll(app);
  const at = d.at;
  const res = await withTransaction(app.pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [RAISE_LOCK]);
    const held = await loadConditions(db);
    const edges = splitEdges(d.signals, held, d.evaluable);
    // A scan that sees no client (only the staff imported so far) takes no baseline: the
    // liquidations and reorganisations of the first clients import are the baseline, not alerts.
    const baselineOf = d.clients ? baselineKinds(d.evaluable, await takenBaselines(db)) : new Set<string>();
    const rising = edges.rising.map((s) => withSince(app, s, at));
    const r = await raiseSignalsIn(app, db, rising, { createdBy: 'signals-scan', baselineKinds: baselineOf });
    const signalOf = new Map(r.raised.map((x) => [conditionKey(x.clientId, x.kind), x.id]));
    await insertConditions(
      db,
      edges.rising
        .filter((s) => s.dedupKey === undefined)
        .map((s) => ({ clientId: s.clientId, kind: s.kind, since: at, signalId: signalOf.get(conditionKey(s.clientId, s.kind)) ?? null })),
    );
    await deleteConditions(db, edges.ended);
    const counts = new Map([...baselineOf].map((k) => [k, r.raised.filter((x) => x.kind === k).length]));
    await recordBaselines(db, counts, at);
    return { ...r, holding: edges.holding.length, baseline: r.raised.filter((x) => baselineOf.has(x.kind)).length };
  });
  await dispatchNotifications(app, res.notificationIds);
  const byKind: Record<string, number> = {};
  for (const r of res.raised) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return {
    clients: d.clients,
    detected: d.signals.length,
    raised: res.raised.length - res.baseline,
    suppressed: res.suppressed,
    emailed: res.notificationIds.length,
    baseline: res.baseline,
    holding: res.holding,
    byKind,
    staleSources: d.staleSources,
  };
}

/** The evidence says since when the condition holds (for a rising edge: this scan). */
function withSince(app: App, s: NewSignal, at: Date): NewSignal {
  if (s.dedupKey !== undefined) return s;
  const since = localDate(at, app.config.ric.timeZone);
  return { ...s, evidence: { ...s.evidence, since: at.toISOString() }, details: [...s.details, `Выполняется с ${dmy(since)}`] };
}
