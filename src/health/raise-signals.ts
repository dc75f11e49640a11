/**
 * The hand-off of worsening signals to field support — one path for every capability that
 * finds a threat (signals-scan, competitor diagnostics, …):
 *
 * 1. the signal is recorded once (`signals.dedup_key`; without an explicit key, one per
 *    client and kind within `signals.dedupDays`);
 * 2. a task (kind `signal`, direction «Обслуживание») is created for the client's field (ТС)
 *    specialist, due when the signal would be escalated;
 * 3. an alert e-mail with the signal, its evidence and the client's card is queued to that
 *    specialist (or, when the client has no field specialist with an e-mail address, to the
 *    head of the remote specialist's department, then of the field specialist's) and sent by
 *    `send-email` with retries. The reaction time is `signals.emailed_at − detected_at`,
 *    `emailed_at` being set when the SMTP server accepts the alert;
 * 4. no floods: when one call raises more than `signals.digestAbove` signals for one addressee,
 *    they get one digest e-mail (ordered by zone and fee) instead; every alert and every digest
 *    line carries its signal's «Принято в работу» link (`/a/<token>`). A **baseline** signal
 *    (see scan-signals.ts) gets its task, planned over the next working days, and no e-mail.
 */
import { createHash } from 'node:crypto';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type ClientCard, departmentHeads, type Head, loadClientCards } from '../db/client-cards.js';
import type { NewNotification } from '../db/notifications.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { attachHandOff, insertSignals, type SignalInsert, type SignalRow } from '../db/signals.js';
import { insertTasks, type NewTask } from '../db/tasks.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { byZoneAndFee } from '../domain/signal-edges.js';
import type { NewSignal } from '../domain/signal-rules.js';
import { addWorkingHours } from '../domain/working-hours.js';
import { dispatchNotifications, queueNotifications } from '../mail/outbox.js';
import { ackToken, ackUrl } from '../mail/tracking.js';
import { renderSignalDigest } from './alert-digest.js';
import { renderSignalAlert, signalTitle } from './alert-email.js';

export type { NewSignal } from '../domain/signal-rules.js';

/** Serialises concurrent raises so the dedup window holds across transactions. */
export const RAISE_LOCK = 7_303_241_040;

export interface RaisedSignal {
  id: number;
  clientId: number;
  kind: string;
  taskId: number | null;
  /** The alert e-mail's outbox row; null when nobody could be addressed. */
  notificationId: number | null;
  /** Who the alert went to: the field specialist, or a department head as the fallback. */
  recipient: { employeeId: number; email: string; role: 'field' | 'head' } | null;
}

export interface RaiseResult {
  raised: RaisedSignal[];
  /** Signals left out: same dedup key, or same client and kind within the window. */
  suppressed: number;
  /** Outbox rows to dispatch after the commit (`raiseSignals` does it). */
  notificationIds: number[];
}

export interface RaiseOptions {
  /** Recorded as the task's `created_by` (default `signals`). */
  createdBy?: string;
  /** Kinds whose signals are the baseline: recorded and planned, never e-mailed. */
  baselineKinds?: ReadonlySet<string>;
}

/** The signal's «Принято в работу» link, valid `signals.ackLinkDays` days from `at`. */
export function signalAckUrl(app: App, signalId: number, at: Date): string {
  const expires = new Date(at.getTime() + app.config.signals.ackLinkDays * 86_400_000);
  return ackUrl(app.config.env.publicBaseUrl, ackToken(app.config.env.trackingSecret, signalId, expires));
}

/** When an unacknowledged signal detected at `detectedAt` is escalated. */
export function escalationDeadline(app: App, detectedAt: Date): Date {
  const s = app.config.signals;
  return addWorkingHours(detectedAt, s.ackWorkingHours, app.calendar, app.config.ric.timeZone, s.workday);
}

/** The alert's addressee: the field specialist, else a department head (remote's, then field's). */
export function alertRecipient(card: ClientCard, heads: ReadonlyMap<number, Head>): RaisedSignal['recipient'] {
  if (card.field_id && card.field_active && card.field_email) return { employeeId: card.field_id, email: card.field_email, role: 'field' };
  for (const dep of [card.remote_department_id, card.field_department_id]) {
    const h = dep ? heads.get(dep) : undefined;
    if (h) return { employeeId: h.id, email: h.email, role: 'head' };
  }
  return null;
}

function toInserts(app: App, signals: readonly NewSignal[], at: Date, baselineKinds: ReadonlySet<string>): SignalInsert[] {
  const day = localDate(at, app.config.ric.timeZone);
  const seen = new Set<string>();
  const out: SignalInsert[] = [];
  for (const s of signals) {
    const key = s.dedupKey ?? `${s.kind}.${s.clientId}.${day}`;
    // Within one batch, too: one windowed signal per client and kind.
    const batchKey = s.dedupKey ?? `${s.kind}.${s.clientId}`;
    if (seen.has(batchKey)) continue;
    seen.add(batchKey);
    out.push({
      client_id: s.clientId,
      kind: s.kind,
      summary: s.summary,
      evidence: { ...s.evidence, details: s.details },
      dedup_key: key,
      windowed: s.dedupKey === undefined,
      baseline: baselineKinds.has(s.kind),
    });
  }
  return out;
}

function handOffTask(
  s: SignalRow,
  card: ClientCard,
  recipient: RaisedSignal['recipient'],
  at: Date,
  dueAt: Date,
  createdBy: string,
): NewTask {
  return {
    kind: 'signal',
    direction: 'service',
    title: `Сигнал «${signalTitle(s.kind)}»: ${s.summary}. Связаться с клиентом и специалистом ДИС${card.remote_name ? ` (${card.remote_name})` : ''}.`,
    assigneeId: card.field_id ?? recipient?.employeeId ?? null,
    clientId: s.client_id,
    plannedAt: at,
    dueAt,
    priority: 1,
    payload: { signalId: s.id, kind: s.kind, evidence: s.evidence },
    dedupKey: `signal.${s.id}`,
    createdBy,
  };
}

/**
 * Record signals and hand them off, inside the caller's transaction. After the commit, call
 * `dispatchNotifications(app, result.notificationIds)` (or use {@link raiseSignals}).
 */
export async function raiseSignalsIn(
  app: App,
  db: PoolClient,
  signals: readonly NewSignal[],
  opts: RaiseOptions = {},
): Promise<RaiseResult> {
  if (!signals.length) return { raised: [], suppressed: 0, notificationIds: [] };
  await db.query('SELECT pg_advisory_xact_lock($1)', [RAISE_LOCK]);
  const at = now();
  const windowFrom = new Date(at.getTime() - app.config.signals.dedupDays * 86_400_000);
  const baselineKinds = opts.baselineKinds ?? new Set<string>();
  const rows = await insertSignals(db, toInserts(app, signals, at, baselineKinds), at, windowFrom);
  const cards = await loadClientCards(
    db,
    rows.map((r) => r.client_id),
  );
  const heads = await departmentHeads(db);
  const baselineDays = planBaseline(
    app,
    rows.filter((r) => r.baseline).map((s) => ({ s, card: cards.get(s.client_id) as ClientCard })),
    at,
  );
  const plans = rows.map((s) => {
    const card = cards.get(s.client_id) as ClientCard;
    const recipient = alertRecipient(card, heads);
    const deadline = escalationDeadline(app, s.detected_at);
    const day = baselineDays.get(s.id);
    const task = handOffTask(s, card, recipient, day?.plannedAt ?? at, day?.dueAt ?? deadline, opts.createdBy ?? 'signals');
    return { s, card, recipient, deadline, task };
  });
  const taskIds = await insertTasks(
    db,
    plans.map((p) => p.task),
    at,
  );
  // One addressee, several new signals: above `digestAbove`, one digest instead of many alerts.
  const byRecipient = new Map<number, typeof plans>();
  for (const p of plans) {
    if (p.s.baseline) continue;
    if (!p.recipient) {
      app.log.warn({ signalId: p.s.id, clientId: p.s.client_id }, 'signal has nobody to alert: no field specialist and no department head');
      continue;
    }
    const group = byRecipient.get(p.recipient.employeeId) ?? [];
    group.push(p);
    byRecipient.set(p.recipient.employeeId, group);
  }
  const alerts: NewNotification[] = [];
  /** Signal id → the dedup key of the e-mail that carries it. */
  const mailOf = new Map<number, string>();
  for (const group of byRecipient.values()) {
    const recipient = group[0]?.recipient as NonNullable<RaisedSignal['recipient']>;
    if (group.length > app.config.signals.digestAbove) {
      const ordered = byZoneAndFee(group, (p) => ({ zone: p.card.zone, fee: Number(p.card.monthly_fee) }));
      const mail = await renderSignalDigest(
        app,
        ordered.map((p) => ({
          signal: p.s,
          card: p.card,
          taskId: taskIds.get(p.task.dedupKey) ?? null,
          deadline: p.deadline,
          ackUrl: signalAckUrl(app, p.s.id, at),
        })),
      );
      const ids = ordered.map((p) => p.s.id).sort((a, b) => a - b);
      const dedupKey = `signal-digest.${recipient.employeeId}.${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 24)}`;
      for (const p of ordered) mailOf.set(p.s.id, dedupKey);
      alerts.push({ kind: 'signal-digest', dedupKey, employeeId: recipient.employeeId, toEmail: recipient.email, ...mailParts(mail) });
      continue;
    }
    for (const p of group) {
      const taskId = taskIds.get(p.task.dedupKey) ?? null;
      const mail = await renderSignalAlert(
        app,
        p.s,
        p.card,
        { id: taskId, title: signalTitle(p.s.kind) },
        p.deadline,
        signalAckUrl(app, p.s.id, at),
      );
      const dedupKey = `signal-alert.${p.s.id}`;
      mailOf.set(p.s.id, dedupKey);
      alerts.push({ kind: 'signal-alert', dedupKey, employeeId: recipient.employeeId, toEmail: recipient.email, ...mailParts(mail) });
    }
  }
  const { ids: alertIds } = await queueNotifications(db, alerts);
  const raised: RaisedSignal[] = plans.map((p) => ({
    id: p.s.id,
    clientId: p.s.client_id,
    kind: p.s.kind,
    taskId: taskIds.get(p.task.dedupKey) ?? null,
    notificationId: alertIds.get(mailOf.get(p.s.id) ?? '') ?? null,
    recipient: p.recipient,
  }));
  await attachHandOff(
    db,
    raised.map((r) => ({ id: r.id, task_id: r.taskId, notification_id: r.notificationId })),
  );
  return {
    raised,
    suppressed: signals.length - rows.length,
    notificationIds: [...new Set(raised.flatMap((r) => (r.notificationId ? [r.notificationId] : [])))],
  };
}

function mailParts(m: { subject: string; html: string; text: string }) {
  return { subject: m.subject, html: m.html, text: m.text };
}

/**
 * Baseline tasks, planned over the next working days: per addressee, riskier zone and bigger
 * fee first, `signals.baselineTasksPerDay` a day, due `risk.tasks.dueWorkingDays` later.
 */
function planBaseline(
  app: App,
  items: readonly { s: SignalRow; card: ClientCard }[],
  at: Date,
): Map<number, { plannedAt: Date; dueAt: Date }> {
  const out = new Map<number, { plannedAt: Date; dueAt: Date }>();
  if (!items.length) return out;
  const tz = app.config.ric.timeZone;
  const [sh, sm] = app.config.signals.workday.start.split(':').map(Number) as [number, number];
  const [eh, em] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  const perDay = app.config.signals.baselineTasksPerDay;
  const today = localDate(at, tz);
  const byOwner = new Map<number, { s: SignalRow; card: ClientCard }[]>();
  for (const i of items) {
    const owner = i.card.field_id ?? 0;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), i]);
  }
  for (const list of byOwner.values()) {
    byZoneAndFee(list, (i) => ({ zone: i.card.zone, fee: Number(i.card.monthly_fee) })).forEach((i, n) => {
      const day = app.calendar.addWorkingDays(today, 1 + Math.floor(n / perDay));
      const due = app.calendar.addWorkingDays(day, app.config.risk.tasks.dueWorkingDays);
      out.set(i.s.id, { plannedAt: zonedTime(day, sh, sm, tz), dueAt: zonedTime(due, eh, em, tz) });
    });
  }
  return out;
}

/**
 * Record signals, create the field specialist's tasks and send the alert e-mails — the hand-off
 * API for every capability. Safe to call twice with the same signals (deduplicated).
 */
export async function raiseSignals(app: App, signals: readonly NewSignal[], opts: RaiseOptions = {}): Promise<RaiseResult> {
  const res = await withTransaction(app.pool, (db) => raiseSignalsIn(app, db, signals, opts));
  await dispatchNotifications(app, res.notificationIds);
  return res;
}
