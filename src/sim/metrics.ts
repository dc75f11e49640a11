/**
 * The simulation's figures, read from the service's own tables (what the desk would see) and,
 * for what only the world knows (disconnections to come), from the world's record. Weekly:
 * open work, the day's plan vs capacity, overflow, age of open work, tasks closed on time,
 * contacts and e-mails per ЛПР in the month so far, alerts per field specialist and their
 * reaction time. At the end: out-of-sample ROC AUC and recall of the high zone (churnguard's
 * indicator and the CRM's, on the same client-weeks), and the uplift
 * of a held call after entering the high zone. Monthly: database size and rows per table.
 */
import type { App } from '../app.js';
import { addDays, type IsoDate } from '../domain/dates.js';
import { zoneOf } from '../domain/risk-model.js';
import { aucOf, type ScoreBin } from '../domain/roc.js';
import { median } from '../domain/stats.js';

export interface WeekFigures {
  week: string;
  monday: IsoDate;
  openTotal: number;
  openMedian: number;
  openMax: number;
  /** The largest day's list of one person, and that person's capacity that day. */
  largestPlan: number;
  largestPlanCapacity: number;
  overflow: number;
  closed: number;
  onTimeShare: number | null;
  medianOpenAgeDays: number | null;
  /** Month so far (the month of the week's Sunday). */
  lprReachedShare: number | null;
  /** ЛПР (contact every 28 days or less often) who answered twice or more in the month: held or refused; an unanswered try is not a call. */
  lprCalledTwice: number;
  /**
   * ЛПР (contact every 28 days or less often) who answered a call of the desk this week less
   * than {@link SOON_DAYS} calendar days after their previous answered call (the CRM's or the desk's):
   * a near-repeat the person notices, wherever the two calls fall in the calendar.
   */
  lprCalledSoon: number;
  emailsPerLpr: number | null;
  alerts: number;
  alertsPerFieldMedian: number;
  alertsPerFieldMax: number;
  reactionMedianHours: number | null;
  highZone: number;
  disconnected: number;
  shocks: number;
  moved: number;
}

export interface MonthFigures {
  month: string;
  disconnections: number;
  /** Rows per table at the month's end (or the run's end). */
  rows: Record<string, number>;
}

export interface MonthSize {
  month: string;
  bytes: number;
}

/** Two answered calls closer than this are «called again soon» (three weeks: under a month's rhythm, whatever the waves). */
export const SOON_DAYS = 21;

const num = (x: unknown): number => Number(x ?? 0);
const numOrNull = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
const round = (x: number | null, digits = 3): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** The figures of the service's tables for the week ending `sundayEnd` (exclusive instant). */
export async function weekFromDb(
  app: App,
  o: { weekStart: Date; weekEnd: Date; monthStart: Date },
): Promise<
  Pick<
    WeekFigures,
    | 'openTotal'
    | 'openMedian'
    | 'openMax'
    | 'closed'
    | 'onTimeShare'
    | 'medianOpenAgeDays'
    | 'lprReachedShare'
    | 'lprCalledTwice'
    | 'lprCalledSoon'
    | 'emailsPerLpr'
    | 'alerts'
    | 'alertsPerFieldMedian'
    | 'alertsPerFieldMax'
    | 'reactionMedianHours'
    | 'highZone'
  >
> {
  const db = app.pool;
  const open = await db.query<{ n: number; age: number | null }>(
    `SELECT count(t.id)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM $1::timestamptz - t.created_at) / 86400)::float8 AS age
       FROM employees e LEFT JOIN tasks t ON t.assignee_id = e.id AND t.state = 'open' AND t.created_at < $1
      WHERE e.active AND e.role IN ('remote', 'field') GROUP BY e.id ORDER BY e.id`,
    [o.weekEnd],
  );
  const counts = open.rows.map((r) => r.n);
  const ages = await db.query<{ age: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM $1::timestamptz - created_at) / 86400)::float8 AS age
       FROM tasks WHERE state = 'open' AND created_at < $1`,
    [o.weekEnd],
  );
  const closed = await db.query<{ closed: number; on_time: number }>(
    `SELECT count(*)::int AS closed, count(*) FILTER (WHERE due_at IS NULL OR closed_at <= due_at)::int AS on_time
       FROM tasks WHERE state = 'done' AND closed_at >= $1 AND closed_at < $2`,
    [o.weekStart, o.weekEnd],
  );
  // ЛПР of served clients; held contacts and calls recorded here in the month so far.
  const lpr = await db.query<{ lprs: number; reached: number; twice: number; emails: number }>(
    `WITH l AS (
       SELECT k.id, coalesce(k.contact_interval_days, 30 * coalesce(k.contact_frequency_months, 1)) AS every
         FROM contacts k JOIN clients c ON c.id = k.client_id WHERE k.is_lpr AND c.state = 'served'),
     ev AS (
       -- A call counts when the person answered (held, or refused to talk): «не дозвонились»
       -- followed by another try is one contact reached late, not the ЛПР called twice.
       SELECT e.contact_id, count(*) FILTER (WHERE e.outcome IN ('held', 'held_with_login', 'refused')) AS calls,
              bool_or(e.outcome IN ('held', 'held_with_login')) AS held
         FROM contact_events e
        WHERE e.import_id IS NULL AND e.occurred_at >= $1 AND e.occurred_at < $2 GROUP BY e.contact_id),
     em AS (
       SELECT m.contact_id, count(*) AS n FROM messages m
        WHERE m.state = 'sent' AND m.sent_at >= $1 AND m.sent_at < $2 GROUP BY m.contact_id)
     SELECT count(*)::int AS lprs, count(*) FILTER (WHERE ev.held)::int AS reached,
            count(*) FILTER (WHERE ev.calls > 1 AND l.every >= 28)::int AS twice, coalesce(sum(em.n), 0)::int AS emails
       FROM l LEFT JOIN ev ON ev.contact_id = l.id LEFT JOIN em ON em.contact_id = l.id`,
    [o.monthStart, o.weekEnd],
  );
  const soon = await db.query<{ n: number }>(
    `SELECT count(DISTINCT e.contact_id)::int AS n
       FROM contact_events e
       JOIN contacts k ON k.id = e.contact_id AND k.is_lpr
            AND coalesce(k.contact_interval_days, 30 * coalesce(k.contact_frequency_months, 1)) >= 28
       JOIN clients c ON c.id = k.client_id AND c.state = 'served'
      WHERE e.import_id IS NULL AND e.outcome IN ('held', 'held_with_login', 'refused')
        AND e.occurred_at >= $1 AND e.occurred_at < $2
        AND EXISTS (SELECT 1 FROM contact_events p
                     WHERE p.client_id = e.client_id AND p.contact_id = e.contact_id AND p.id <> e.id
                       AND p.outcome IN ('held', 'held_with_login', 'refused')
                       AND p.occurred_at <= e.occurred_at AND p.occurred_at > e.occurred_at - make_interval(days => $3 + 1)
                       AND (e.occurred_at AT TIME ZONE $4)::date - (p.occurred_at AT TIME ZONE $4)::date < $3)`,
    [o.weekStart, o.weekEnd, SOON_DAYS, app.config.ric.timeZone],
  );
  const alerts = await db.query<{ field: number; n: number }>(
    `SELECT e.id AS field, count(s.id)::int AS n
       FROM employees e
       LEFT JOIN clients c ON c.field_specialist_id = e.id
       LEFT JOIN signals s ON s.client_id = c.id AND NOT s.baseline AND s.detected_at >= $1 AND s.detected_at < $2
      WHERE e.active AND e.role = 'field' GROUP BY e.id ORDER BY e.id`,
    [o.weekStart, o.weekEnd],
  );
  const reaction = await db.query<{ h: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - coalesce(emailed_at, detected_at)) / 3600)::float8 AS h
       FROM signals WHERE NOT baseline AND acknowledged_at >= $1 AND acknowledged_at < $2`,
    [o.weekStart, o.weekEnd],
  );
  const high = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM risk_scores WHERE zone = 'high' AND week = (SELECT max(week) FROM risk_scores)`,
  );
  const l = lpr.rows[0];
  const c = closed.rows[0];
  const perField = alerts.rows.map((r) => r.n);
  return {
    openTotal: counts.reduce((a, b) => a + b, 0),
    openMedian: median(counts) ?? 0,
    openMax: counts.length ? Math.max(...counts) : 0,
    closed: num(c?.closed),
    onTimeShare: c?.closed ? round(num(c.on_time) / c.closed) : null,
    medianOpenAgeDays: round(numOrNull(ages.rows[0]?.age), 1),
    lprReachedShare: l?.lprs ? round(num(l.reached) / l.lprs) : null,
    lprCalledTwice: num(l?.twice),
    lprCalledSoon: num(soon.rows[0]?.n),
    emailsPerLpr: l?.lprs ? round(num(l.emails) / l.lprs) : null,
    alerts: perField.reduce((a, b) => a + b, 0),
    alertsPerFieldMedian: median(perField) ?? 0,
    alertsPerFieldMax: perField.length ? Math.max(...perField) : 0,
    reactionMedianHours: round(numOrNull(reaction.rows[0]?.h), 1),
    highZone: num(high.rows[0]?.n),
  };
}

/** Tables whose rows record the machine's timing (a slow answer taken for an outage), not the desk's work. */
const TIMING_TABLES = ['db_outages'];

/** Rows per table (the service's tables but those of the machine's timing), for the monthly figures. */
export async function rowsPerTable(app: App): Promise<Record<string, number>> {
  const { rows } = await app.pool.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[])) ORDER BY tablename`,
    [TIMING_TABLES],
  );
  const out: Record<string, number> = {};
  for (const { tablename } of rows) {
    const r = await app.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${tablename.replace(/"/g, '""')}"`);
    out[tablename] = num(r.rows[0]?.n);
  }
  return out;
}

export async function databaseBytes(app: App): Promise<number> {
  const { rows } = await app.pool.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
  return num(rows[0]?.n);
}

export interface Prediction {
  /** Scored client-weeks whose whole horizon lies inside the run. */
  clientWeeks: number;
  horizonWeeks: number;
  /** Of them, followed by a disconnection within the horizon. */
  followedByDisconnection: number;
  auc: number | null;
  /** Share of those disconnections whose client-week was in the high zone. */
  highZoneRecall: number | null;
  highZonePrecision: number | null;
}

/** Both indicators' out-of-sample figures, on the same client-weeks (those that have both). */
export interface Predictions {
  /** churnguard's own indicator (its computed series, whichever acts). */
  churnguard: Prediction;
  /** The CRM's «Фиксация отклонений», as imported. */
  crm: Prediction;
}

/**
 * How well each indicator of a scored week predicted the disconnections that came after it
 * (out of sample: the outcome is only known later, from the world's record of who left):
 * churnguard's own series and the CRM's, on the client-weeks that have both.
 */
export async function predictions(app: App, leftOn: Map<number, IsoDate>, runEnd: IsoDate, horizonWeeks: number): Promise<Predictions> {
  const { rows } = await app.pool.query<{ number: number; week_end: string; ours: string; crm: string }>(
    `SELECT c.number, r.week_end::text AS week_end, r.computed_indicator::text AS ours, d.indicator::text AS crm
       FROM risk_scores r JOIN clients c ON c.id = r.client_id
       JOIN crm_deviations d ON d.week = r.week AND d.client_id = r.client_id
      WHERE r.computed_indicator IS NOT NULL AND r.week_end + $1::int <= $2::date
      ORDER BY r.week_end, c.number`,
    [horizonWeeks * 7, runEnd],
  );
  const zones = app.config.risk.zones;
  const of = (pick: (r: (typeof rows)[number]) => string) =>
    prediction(
      rows.map((r) => ({ number: r.number, weekEnd: r.week_end, indicator: Number(pick(r)) })),
      leftOn,
      horizonWeeks,
      zones,
    );
  return { churnguard: of((r) => r.ours), crm: of((r) => r.crm) };
}

/** ROC AUC and the high zone's recall and precision of one indicator over scored client-weeks. */
export function prediction(
  scores: readonly { number: number; weekEnd: IsoDate; indicator: number }[],
  leftOn: Map<number, IsoDate>,
  horizonWeeks: number,
  zones: { dynamicFrom: number; highFrom: number },
): Prediction {
  const bins = new Map<string, ScoreBin>();
  let left = 0;
  let highLeft = 0;
  let high = 0;
  let scored = 0;
  for (const r of scores) {
    const gone = leftOn.get(r.number);
    // A client already gone by the week's end is not a prediction.
    if (gone !== undefined && gone <= r.weekEnd) continue;
    scored++;
    const positive = gone !== undefined && gone <= addDays(r.weekEnd, horizonWeeks * 7);
    const key = r.indicator.toFixed(2);
    const bin = bins.get(key) ?? { value: Number(key), left: 0, stayed: 0 };
    if (positive) bin.left++;
    else bin.stayed++;
    bins.set(key, bin);
    if (positive) left++;
    if (zoneOf(r.indicator, zones) === 'high') {
      high++;
      if (positive) highLeft++;
    }
  }
  return {
    clientWeeks: scored,
    horizonWeeks,
    followedByDisconnection: left,
    auc: round(aucOf([...bins.values()])),
    highZoneRecall: left ? round(highLeft / left) : null,
    highZonePrecision: high ? round(highLeft / high) : null,
  };
}

export interface Uplift {
  /** Clients entering the high zone with a held call within 4 weeks, and comparable ones without. */
  treated: number;
  control: number;
  treatedRate: number | null;
  controlRate: number | null;
  /** Control rate minus treated rate, stratified by fee band, with a 95 % confidence interval. */
  difference: number | null;
  ci95: [number, number] | null;
}

/**
 * Disconnection rate of clients who got a held call within four weeks after entering the high
 * zone vs high-zone entrants who did not, matched on zone, fee band and weeks in zone (each
 * entry is the first week in zone), stratified by fee band (up to 15 000 and above).
 */
export async function uplift(app: App, leftOn: Map<number, IsoDate>, runEnd: IsoDate, horizonWeeks: number): Promise<Uplift> {
  const { rows } = await app.pool.query<{ number: number; week_end: string; fee: string; called: boolean }>(
    `WITH z AS (
       SELECT client_id, week, week_end, zone, lag(zone) OVER (PARTITION BY client_id ORDER BY week) AS before FROM risk_scores)
     SELECT c.number, z.week_end::text AS week_end, c.monthly_fee::text AS fee,
            EXISTS (SELECT 1 FROM contact_events e
                     WHERE e.client_id = z.client_id AND e.import_id IS NULL AND e.outcome IN ('held', 'held_with_login')
                       AND e.occurred_at > z.week_end::timestamp AND e.occurred_at <= z.week_end::timestamp + interval '28 days') AS called
       FROM z JOIN clients c ON c.id = z.client_id
      WHERE z.zone = 'high' AND z.before IS DISTINCT FROM 'high' AND z.before IS NOT NULL
        AND z.week_end + 28 <= $1::date
      ORDER BY z.week_end, c.number`,
    [runEnd],
  );
  const strata = new Map<string, { t: number; tl: number; c: number; cl: number }>();
  let t = 0;
  let tl = 0;
  let c = 0;
  let cl = 0;
  for (const r of rows) {
    const gone = leftOn.get(r.number);
    if (gone !== undefined && gone <= addDays(r.week_end, 28)) continue;
    const leftLater = gone !== undefined && gone <= addDays(r.week_end, horizonWeeks * 7);
    const band = Number(r.fee) <= 15000 ? 'small' : 'large';
    const s = strata.get(band) ?? { t: 0, tl: 0, c: 0, cl: 0 };
    if (r.called) {
      s.t++;
      t++;
      if (leftLater) {
        s.tl++;
        tl++;
      }
    } else {
      s.c++;
      c++;
      if (leftLater) {
        s.cl++;
        cl++;
      }
    }
    strata.set(band, s);
  }
  let diff = 0;
  let variance = 0;
  let weight = 0;
  for (const s of strata.values()) {
    if (!s.t || !s.c) continue;
    const pt = s.tl / s.t;
    const pc = s.cl / s.c;
    const w = s.t;
    diff += w * (pc - pt);
    variance += w * w * ((pt * (1 - pt)) / s.t + (pc * (1 - pc)) / s.c);
    weight += w;
  }
  const d = weight ? diff / weight : null;
  const se = weight ? Math.sqrt(variance) / weight : null;
  return {
    treated: t,
    control: c,
    treatedRate: t ? round(tl / t) : null,
    controlRate: c ? round(cl / c) : null,
    difference: round(d),
    ci95: d !== null && se !== null ? [round(d - 1.96 * se) as number, round(d + 1.96 * se) as number] : null,
  };
}
