/**
 * Recording competitor findings and handing them off — the one path for `finding add`,
 * `POST /api/findings`, the `findings` import and a diagnostics task closed as competitor-found.
 * In the caller's transaction, for each finding new by its key (src/domain/findings.ts):
 *
 * 1. the finding is recorded (a repeat returns the existing one and does nothing else);
 * 2. the remote specialist gets the follow-up comparison-event task (training with comparison
 *    elements, in the seed's words), key `competitor-comparison.<findingId>`;
 * 3. a `competitor` signal (key `competitor.<findingId>`) goes through the signals hand-off:
 *    the field (ТС) specialist's task and the alert e-mail with the finding and the client's
 *    card, escalated to the department head when not acknowledged in time.
 *
 * The alert is sent by `send-email` right after the commit ({@link recordFindings} dispatches
 * it; inside another transaction, dispatch `notificationIds` after it commits). The SMTP
 * acceptance lands in `competitor_findings.field_notified_at` (migration 0050).
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type ClientCard, loadClientCards } from '../db/client-cards.js';
import { attachFindingHandOff, type FindingRow, type FindingSource, insertFindings } from '../db/findings.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { insertTasks, type NewTask } from '../db/tasks.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { comparisonTitle, findingKey, findingSummary, validUntilText } from '../domain/findings.js';
import { ruDateTime } from '../domain/formats.js';
import { periodOf } from '../domain/periods.js';
import { type NewSignal, type RaisedSignal, raiseSignalsIn } from '../health/raise-signals.js';
import { dispatchNotifications } from '../mail/outbox.js';

/** The kind of the remote specialist's follow-up task. */
export const COMPARISON_KIND = 'competitor-comparison';

/** A finding as submitted, already validated and resolved (client and employee ids). */
export interface FindingInput {
  clientId: number;
  /** The competitor's system, as written (tidied by `cleanCompetitor`). */
  competitor: string;
  /** Last day of validity of the competitor's contract (`YYYY-MM-DD`), if known. */
  validUntil: string | null;
  /** Who at the client uses it (Контактное лицо). */
  contactName: string | null;
  note: string | null;
  /** The employee who found it; null → the client's remote specialist. */
  foundBy: number | null;
  source: FindingSource;
  /** The diagnostics task it answers; null → the client's open one (or the current campaign's). */
  diagnosticsTaskId?: number | null;
}

export interface RecordedFinding {
  finding: FindingRow;
  /** False: the same finding was recorded before; nothing else happened. */
  created: boolean;
  signalId: number | null;
  /** The field specialist's task of the signal. */
  fieldTaskId: number | null;
  comparisonTaskId: number | null;
  /** Who the alert e-mail went to. */
  alert: RaisedSignal['recipient'];
}

export interface RecordResult {
  findings: RecordedFinding[];
  /** Outbox rows to dispatch after the commit. */
  notificationIds: number[];
}

function dueAt(app: App, at: Date, workingDays: number): Date {
  const tz = app.config.ric.timeZone;
  const [h, m] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  return zonedTime(app.calendar.addWorkingDays(localDate(at, tz), workingDays), h, m, tz);
}

async function employeeNames(db: PoolClient, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<{ id: number; name: string }>('SELECT id, name FROM employees WHERE id = ANY($1::bigint[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

function comparisonTask(app: App, f: FindingRow, card: ClientCard, at: Date, createdBy: string): NewTask {
  return {
    kind: COMPARISON_KIND,
    direction: 'anti_competitor',
    title: comparisonTitle({
      competitor: f.competitor,
      validUntil: f.valid_until,
      contactName: f.contact_name,
      fieldName: card.field_name,
    }),
    assigneeId: card.remote_id,
    clientId: f.client_id,
    plannedAt: at,
    dueAt: dueAt(app, at, app.config.diagnostics.comparisonDueWorkingDays),
    priority: 1,
    payload: { findingId: f.id, competitor: f.competitor, validUntil: f.valid_until, contactName: f.contact_name },
    dedupKey: `${COMPARISON_KIND}.${f.id}`,
    createdBy,
  };
}

function competitorSignal(app: App, f: FindingRow, finder: string | null, comparisonTaskId: number | null, card: ClientCard): NewSignal {
  const details = [
    `Система конкурента: ${f.competitor}`,
    `Действует: ${validUntilText(f.valid_until)}`,
    `Контактное лицо: ${f.contact_name ?? 'не выяснено'}`,
    ...(f.note ? [`Комментарий: ${f.note}`] : []),
    `Выявил: ${finder ?? 'не указано'}, ${ruDateTime(f.found_at, app.config.ric.timeZone).slice(0, 16)}`,
    comparisonTaskId
      ? `Специалисту ДИС${card.remote_name ? ` ${card.remote_name}` : ''} поставлена задача № ${comparisonTaskId}: обучение с элементами сравнения`
      : 'Специалист ДИС не назначен: мероприятие по сравнению организует специалист ТС',
  ];
  return {
    clientId: f.client_id,
    kind: 'competitor',
    summary: findingSummary({ competitor: f.competitor, validUntil: f.valid_until }),
    details,
    evidence: {
      findingId: f.id,
      competitor: f.competitor,
      validUntil: f.valid_until,
      contactName: f.contact_name,
      note: f.note,
      foundBy: finder,
      foundAt: f.found_at.toISOString(),
      source: f.source,
      comparisonTaskId,
    },
    dedupKey: `competitor.${f.id}`,
  };
}

/** Record findings and hand the new ones off, inside the caller's transaction. */
export async function recordFindingsIn(app: App, db: PoolClient, inputs: readonly FindingInput[]): Promise<RecordResult> {
  const at = now();
  const halfYear = periodOf('halfyear', at, app.config.ric.timeZone);
  const { created, existing } = await insertFindings(
    db,
    inputs.map((i) => ({
      client_id: i.clientId,
      competitor: i.competitor,
      valid_until: i.validUntil,
      contact_name: i.contactName,
      note: i.note,
      found_by: i.foundBy,
      source: i.source,
      diagnostics_task_id: i.diagnosticsTaskId ?? null,
      half_year: halfYear,
      dedup_key: findingKey(i.clientId, i.competitor, i.validUntil),
    })),
    at,
  );
  const cards = await loadClientCards(db, [...new Set(created.map((f) => f.client_id))]);
  const names = await employeeNames(db, [...new Set(created.flatMap((f) => (f.found_by ? [f.found_by] : [])))]);
  const createdBy = `finding-${created[0]?.source ?? 'admin'}`;
  const comparisons = created.flatMap((f) => {
    const card = cards.get(f.client_id) as ClientCard;
    return card.remote_id ? [comparisonTask(app, f, card, at, createdBy)] : [];
  });
  const comparisonIds = await insertTasks(db, comparisons, at);
  const comparisonOf = (f: FindingRow) => comparisonIds.get(`${COMPARISON_KIND}.${f.id}`) ?? null;
  const raised = await raiseSignalsIn(
    app,
    db,
    created.map((f) =>
      competitorSignal(app, f, f.found_by ? (names.get(f.found_by) ?? null) : null, comparisonOf(f), cards.get(f.client_id) as ClientCard),
    ),
    { createdBy },
  );
  const bySignal = new Map(raised.raised.map((r) => [r.id, r]));
  // Every new finding's signal is new too (its key names the new finding's id).
  const { rows: signals } = await db.query<{ id: number; dedup_key: string; task_id: number | null }>(
    'SELECT id, dedup_key, task_id FROM signals WHERE dedup_key = ANY($1::text[])',
    [[...created, ...existing].map((f) => `competitor.${f.id}`)],
  );
  const signalOf = new Map(signals.map((s) => [s.dedup_key, s]));
  const links = created.map((f) => ({
    id: f.id,
    signal_id: signalOf.get(`competitor.${f.id}`)?.id ?? null,
    comparison_task_id: comparisonOf(f),
  }));
  await attachFindingHandOff(db, links);
  const recorded: RecordedFinding[] = created.map((f, i) => {
    const link = links[i] as (typeof links)[number];
    const signal = link.signal_id ? bySignal.get(link.signal_id) : undefined;
    return {
      finding: { ...f, signal_id: link.signal_id, comparison_task_id: link.comparison_task_id },
      created: true,
      signalId: link.signal_id,
      fieldTaskId: signal?.taskId ?? null,
      comparisonTaskId: link.comparison_task_id,
      alert: signal?.recipient ?? null,
    };
  });
  for (const f of existing) {
    const signal = signalOf.get(`competitor.${f.id}`);
    recorded.push({
      finding: f,
      created: false,
      signalId: f.signal_id,
      fieldTaskId: signal?.task_id ?? null,
      comparisonTaskId: f.comparison_task_id,
      alert: null,
    });
  }
  return { findings: recorded, notificationIds: raised.notificationIds };
}

/** Record findings, hand the new ones off, and send the alerts after the commit. Safe to call twice. */
export async function recordFindings(app: App, inputs: readonly FindingInput[]): Promise<RecordResult> {
  const res = await withTransaction(app.pool, (db) => recordFindingsIn(app, db, inputs));
  await dispatchNotifications(app, res.notificationIds);
  return res;
}
