/**
 * Configuration of client health: the weekly risk indicator («Фиксация отклонений»), the
 * high-risk categories, the risk-review tasks and the worsening signals. Part of the one
 * config module (src/config.ts validates it with the rest); every threshold the seed gives
 * is here with the seed's value as the default in `config/default.json`.
 */
import { z } from 'zod';
import { SOURCE_KINDS } from './sources.js';

const share = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();
const score = z.number().min(0).max(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, e.g. 09:00');

/** A count component: 0 events → high, 1..dynamicUpTo → dynamic, more → no threat. */
const countComponent = z.strictObject({
  /** Window ending on the last day of the scored week. */
  months: positiveInt,
  dynamicUpTo: positiveInt,
});

export const riskConfigSchema = z
  .strictObject({
    /** The three values a component takes (seed: 0,20 / 0,30 / 0,50). */
    scores: z.strictObject({ noThreat: score, dynamic: score, high: score }),
    /** Indicator zones: ≥ highFrom high risk, ≥ dynamicFrom dynamic risk, below no threat. */
    zones: z.strictObject({ dynamicFrom: score, highFrom: score }),
    /** Weights of the weighted mean of the available components (not in the seed: equal). */
    weights: z.strictObject({
      training: z.number().min(0),
      lk: z.number().min(0),
      lprContact: z.number().min(0),
      logins: z.number().min(0),
      webinars: z.number().min(0),
    }),
    training: z.strictObject({
      /** Share of system users trained within the validity, per client category. */
      norms: z.strictObject({ A: share, B: share, C: share }),
      validityMonths: positiveInt,
      /**
       * 2 (the source's rule, default): the norm met within the validity → no threat, otherwise
       * high («0,34 и выше – нет обученных, согласно установленным нормативам, либо прошло 2
       * года»). 3: some trained but below the norm → dynamic — a deviation from the source.
       */
      levels: z.union([z.literal(2), z.literal(3)]).default(2),
    }),
    lk: countComponent,
    lprContact: countComponent,
    webinars: countComponent,
    /** No logins in `weeks` weeks → high; logins in fewer than half of them → dynamic. */
    logins: z.strictObject({ weeks: positiveInt }),
    /**
     * Import kind → days after which its last import is stale (`н/д`). `contact-events` is
     * also kept fresh by contacts recorded in churnguard itself (task outcomes).
     */
    staleAfterDays: z.record(z.string(), positiveInt).refine((r) => SOURCE_KINDS.every((k) => k in r), {
      message: `expected a limit for each source: ${SOURCE_KINDS.join(', ')}`,
    }),
    categories: z.strictObject({
      /** «Новый»: connected less than this many months before the week's end … */
      newMonths: positiveInt,
      /** … or its primary advance ends within this many days of the week's end. */
      advanceEndingDays: positiveInt,
      /** «Низкая активность»: no logins in these weeks … */
      lowActivityWeeks: positiveInt,
      /** … or their weekly mean fell by this share against the weeks before. */
      lowActivityBaselineWeeks: positiveInt,
      lowActivityDropShare: share,
    }),
    /**
     * Which indicator drives zones, categories and tasks: `crm-first` — the CRM's own
     * «Фиксация отклонений» where the week's report was imported (`admin import deviations`),
     * churnguard's value elsewhere; `computed` — churnguard's value always.
     */
    indicatorSource: z.enum(['crm-first', 'computed']).default('crm-first'),
    tasks: z.strictObject({
      /** After a risk-review task is closed, no new one for this many weeks. */
      cooldownWeeks: z.number().int().nonnegative(),
      dueWorkingDays: positiveInt,
    }),
  })
  .refine((r) => r.zones.dynamicFrom <= r.zones.highFrom, { message: 'zones.dynamicFrom must not exceed zones.highFrom' });

export const signalsConfigSchema = z.strictObject({
  /** One signal per client and kind within this many days. */
  dedupDays: positiveInt,
  /** A signal not acknowledged within this many working hours is escalated. */
  ackWorkingHours: positiveInt,
  /** The working day, in the RIC's time zone, on working days of the production calendar. */
  workday: z.strictObject({ start: hhmm, end: hhmm }),
  paymentDecline: z.strictObject({
    /** Debt growing this many months running. */
    debtGrowthMonths: positiveInt,
    /** A fee cut of at least this share of the previous month's charge. */
    feeCutShare: share,
  }),
  /** No held contact with a key user, ЛПР or ЛВПР in this many days. */
  noKeyContactDays: positiveInt,
  callsWithoutLogin: z.strictObject({
    /** Held calls in a row without the client logging in. */
    calls: positiveInt,
    /** The latest of them is at most this many days old. */
    recentDays: positiveInt,
  }),
  activityDrop: z.strictObject({
    baselineWeeks: positiveInt,
    dropShare: share,
    /** Weekly mean of the baseline below which a drop is noise. */
    minBaselineLogins: z.number().nonnegative(),
    /** Zero logins for this many weeks after activity. */
    zeroWeeks: positiveInt,
  }),
  /** No webinars, trainings, hotline or cabinet requests in this many months. */
  unusedServicesMonths: positiveInt,
  /** Key-person changes detected within this many days are reported. */
  keyPersonChangeDays: positiveInt,
  /** The alert's «Принято в работу» link works for this many days. */
  ackLinkDays: positiveInt,
  /** More signals than this for one field specialist in one scan: one digest e-mail instead. */
  digestAbove: z.number().int().nonnegative(),
  /** Baseline tasks planned per field specialist and working day, from the next working day on. */
  baselineTasksPerDay: positiveInt,
});

export type RiskConfig = z.infer<typeof riskConfigSchema>;
export type SignalsConfig = z.infer<typeof signalsConfigSchema>;

const playbookRule = z.strictObject({
  enabled: z.boolean(),
  zone: z.enum(['dynamic', 'high']).optional(),
  category: z.enum(['new', 'double', 'red_zone', 'low_activity', 'retention']).optional(),
  advanceEndsWithinDays: positiveInt.optional(),
  title: z.string().min(1).max(500),
  dueWorkingDays: positiveInt,
});

/** Playbooks (src/domain/playbooks.ts): name → rule; each can be switched off with `enabled`. */
export const playbooksConfigSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a name like dynamic-zone'),
  playbookRule,
);
