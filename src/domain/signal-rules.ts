/**
 * Detection rules of the worsening signals, per client, from facts the signals-scan job loads
 * for all clients at once. Pure: each rule returns the signal (Russian summary, evidence lines,
 * raw evidence) or nothing. A rule reading a source that is not fresh detects nothing.
 */

import { addDays, addMonths, daysBetween, type IsoDate, localDate } from './dates.js';
import { RU1_MAX } from './formats.js';
import { type Gender, genderOfPatronymic } from './gender.js';
import type { SignalsConfig } from './health-config.js';
import { count, rub } from './ru.js';
import { dmy } from './ru-dates.js';
import type { SignalKind } from './signal-kinds.js';
import type { SourceKind } from './sources.js';

/** A signal to raise: what signals-scan detects and what other capabilities hand over. */
export interface NewSignal {
  clientId: number;
  kind: SignalKind;
  /** One Russian line: what happened. */
  summary: string;
  /** Russian evidence lines, shown in the e-mail and the task. */
  details: string[];
  /** Raw evidence (dates, amounts, ids), stored in `signals.evidence`. */
  evidence: Record<string, unknown>;
  /**
   * Identity of the signal. Unset: one signal per client and kind within `signals.dedupDays`.
   * Set (e.g. `competitor.<findingId>`): this key alone decides, the window does not apply.
   */
  dedupKey?: string;
}

export type KeyRole = 'lpr' | 'lvpr' | 'key_user';

export interface SignalFacts {
  clientId: number;
  state: string;
  stateChangedAt: Date | null;
  connectedOn: IsoDate | null;
  /** Monthly charges and debt, newest month first (`YYYY-MM-01`). */
  payments: { month: IsoDate; charged: number; debt: number }[];
  /** Active contacts who are a key user, ЛПР or ЛВПР. */
  keyPeople: number;
  lastKeyContactAt: Date | null;
  /** Held phone calls, newest first. */
  heldCalls: { at: Date; withLogin: boolean }[];
  /** Logins per week, `[0]` = the last complete week. */
  weeklyLogins: number[];
  /** Uses of the services within `unusedServicesMonths`. */
  services: { webinars: number; trainings: number; hotline: number; lk: number };
  /** Key-person changes detected within `keyPersonChangeDays`. */
  keyPersonChanges: {
    id: number;
    role: KeyRole;
    leftName: string | null;
    cameName: string | null;
    /** The CRM's «Пол» when known; else the patronymic tells (src/domain/gender.ts). */
    leftGender?: Gender | null;
    cameGender?: Gender | null;
    detectedAt: Date;
  }[];
}

export interface ScanContext {
  now: Date;
  tz: string;
  cfg: SignalsConfig;
  /** True when every one of `kinds` is fresh now. */
  fresh(kinds: readonly SourceKind[]): boolean;
}

const ROLE_NAMES: Record<KeyRole, string> = { lpr: 'ЛПР', lvpr: 'ЛВПР', key_user: 'ключевого пользователя' };
const ROLE_LABELS: Record<KeyRole, string> = { lpr: 'ЛПР', lvpr: 'ЛВПР', key_user: 'ключевой пользователь' };

/**
 * One change of a key person in words that agree with the people's gender: «Смена ЛПР: ушла
 * Ильина Алла Ивановна, пришёл Андреев Иван Петрович». When a name's gender is unknown (no «Пол»,
 * no patronymic) the sentence has no gendered verb: «Смена ключевого лица (ЛПР): Ильина А. → Андреев И.».
 */
export function keyPersonChangeLine(c: SignalFacts['keyPersonChanges'][number]): string {
  const left = c.leftName ? (c.leftGender ?? genderOfPatronymic(c.leftName)) : undefined;
  const came = c.cameName ? (c.cameGender ?? genderOfPatronymic(c.cameName)) : undefined;
  if (!c.leftName && !c.cameName) return `Смена ${ROLE_NAMES[c.role]}: без подробностей`;
  if (left !== null && came !== null) {
    const parts = [
      c.leftName ? `${left === 'f' ? 'ушла' : 'ушёл'} ${c.leftName}` : null,
      c.cameName ? `${came === 'f' ? 'пришла' : 'пришёл'} ${c.cameName}` : null,
    ].filter(Boolean);
    return `Смена ${ROLE_NAMES[c.role]}: ${parts.join(', ')}`;
  }
  const change =
    c.leftName && c.cameName ? `${c.leftName} → ${c.cameName}` : c.leftName ? `${c.leftName}, замены нет` : `новое — ${c.cameName}`;
  return `Смена ключевого лица (${ROLE_LABELS[c.role]}): ${change}`;
}

type Rule = (f: SignalFacts, ctx: ScanContext) => Omit<NewSignal, 'clientId'> | null;

export const paymentDecline: Rule = (f, ctx) => {
  if (!ctx.fresh(['payments'])) return null;
  const c = ctx.cfg.paymentDecline;
  const p = f.payments;
  const [m0, m1] = p;
  if (!m0 || !m1 || m0.month < addMonths(`${localDate(ctx.now, ctx.tz).slice(0, 7)}-01`, -2)) return null;
  const consecutive = (n: number) => p.slice(0, n + 1).every((m, i) => i === 0 || addMonths(m.month, 1) === p[i - 1]?.month);
  const months = c.debtGrowthMonths;
  if (p.length > months && consecutive(months) && p.slice(0, months).every((m, i) => m.debt > (p[i + 1] as typeof m).debt)) {
    const chain = p
      .slice(0, months + 1)
      .reverse()
      .map((m) => rub(m.debt));
    return {
      kind: 'payment_decline',
      summary: `Долг растёт ${count(months, ['месяц', 'месяца', 'месяцев'])} подряд: ${chain.join(' → ')}`,
      details: p.slice(0, months + 1).map((m) => `${dmy(m.month).slice(3)}: начислено ${rub(m.charged)}, долг ${rub(m.debt)}`),
      evidence: { reason: 'debt_growth', payments: p.slice(0, months + 1) },
    };
  }
  if (consecutive(1) && m1.charged > 0 && m0.charged <= m1.charged * (1 - c.feeCutShare)) {
    return {
      kind: 'payment_decline',
      summary: `Сумма обслуживания снижена: ${rub(m1.charged)} → ${rub(m0.charged)}`,
      details: [m1, m0].map((m) => `${dmy(m.month).slice(3)}: начислено ${rub(m.charged)}, долг ${rub(m.debt)}`),
      evidence: { reason: 'fee_cut', payments: [m0, m1] },
    };
  }
  return null;
};

export const noKeyContact: Rule = (f, ctx) => {
  if (!ctx.fresh(['contact-events', 'contacts'])) return null;
  const days = ctx.cfg.noKeyContactDays;
  const today = localDate(ctx.now, ctx.tz);
  if (f.connectedOn && daysBetween(f.connectedOn, today) < days) return null;
  if (f.lastKeyContactAt && daysBetween(localDate(f.lastKeyContactAt, ctx.tz), today) < days) return null;
  const last = f.lastKeyContactAt ? localDate(f.lastKeyContactAt, ctx.tz) : null;
  return {
    kind: 'no_key_contact',
    summary: `Нет состоявшегося контакта с ключевым пользователем, ЛПР, ЛВПР ${count(days, ['день', 'дня', 'дней'])}`,
    details: [
      last ? `Последний состоявшийся контакт: ${dmy(last)}` : 'Состоявшихся контактов с ними не было',
      ...(f.keyPeople === 0 ? ['ЛПР, ЛВПР и ключевой пользователь не указаны в контактных лицах'] : []),
    ],
    evidence: { lastKeyContactAt: f.lastKeyContactAt?.toISOString() ?? null, keyPeople: f.keyPeople, days },
  };
};

export const callsWithoutLogin: Rule = (f, ctx) => {
  if (!ctx.fresh(['contact-events'])) return null;
  const { calls, recentDays } = ctx.cfg.callsWithoutLogin;
  const last = f.heldCalls.slice(0, calls);
  if (last.length < calls || last.some((c) => c.withLogin)) return null;
  const newest = last[0] as { at: Date };
  if (daysBetween(localDate(newest.at, ctx.tz), localDate(ctx.now, ctx.tz)) > recentDays) return null;
  const dates = last.map((c) => dmy(localDate(c.at, ctx.tz))).reverse();
  return {
    kind: 'calls_without_login',
    summary: `${count(calls, ['состоявшийся звонок', 'состоявшихся звонка', 'состоявшихся звонков'])} подряд без входа в систему`,
    details: [`Звонки «Контакт состоялся» без входа: ${dates.join(', ')}`],
    evidence: { calls: last.map((c) => c.at.toISOString()) },
  };
};

export const activityDrop: Rule = (f, ctx) => {
  if (!ctx.fresh(['online-usage'])) return null;
  const { baselineWeeks, dropShare, minBaselineLogins, zeroWeeks } = ctx.cfg.activityDrop;
  const w = (i: number) => f.weeklyLogins[i] ?? 0;
  const sum = (from: number, n: number) => Array.from({ length: n }, (_, i) => w(from + i)).reduce((a, b) => a + b, 0);
  const recentZero = sum(0, zeroWeeks) === 0;
  const before = sum(zeroWeeks, baselineWeeks);
  if (recentZero && before > 0) {
    return {
      kind: 'activity_drop',
      summary: `${count(0, ['вход', 'входа', 'входов'])} ${count(zeroWeeks, ['неделю', 'недели', 'недель'])} подряд после активности`,
      details: [`Входов за ${baselineWeeks} нед. до этого: ${before}`],
      evidence: { reason: 'zero', weeklyLogins: f.weeklyLogins.slice(0, zeroWeeks + baselineWeeks) },
    };
  }
  const base = sum(1, baselineWeeks) / baselineWeeks;
  if (base >= minBaselineLogins && base > 0 && w(0) <= base * (1 - dropShare)) {
    const fall = Math.round((1 - w(0) / base) * 100);
    return {
      kind: 'activity_drop',
      summary: `Входов за неделю: ${w(0)} при среднем ${RU1_MAX.format(base)} за ${baselineWeeks} предыдущих нед. (−${fall} %)`,
      details: [`Входы по неделям, с последней: ${f.weeklyLogins.slice(0, baselineWeeks + 1).join(', ')}`],
      evidence: { reason: 'drop', lastWeek: w(0), baseline: base, weeklyLogins: f.weeklyLogins.slice(0, baselineWeeks + 1) },
    };
  }
  return null;
};

export const servicesUnused: Rule = (f, ctx) => {
  if (!ctx.fresh(['webinars', 'trainings', 'hotline', 'lk-requests'])) return null;
  const months = ctx.cfg.unusedServicesMonths;
  if (f.connectedOn && f.connectedOn > addMonths(localDate(ctx.now, ctx.tz), -months)) return null;
  const s = f.services;
  if (s.webinars + s.trainings + s.hotline + s.lk > 0) return null;
  return {
    kind: 'services_unused',
    summary: `За ${months} мес. нет вебинаров, обучения, обращений на ГЛ и в ЛК`,
    details: ['Не пользуется сервисами: вебинары, курсы, ГЛ, личный кабинет'],
    evidence: { months, ...s },
  };
};

export const keyPersonChange: Rule = (f) => {
  if (!f.keyPersonChanges.length) return null;
  const lines = f.keyPersonChanges.map(keyPersonChangeLine);
  return {
    kind: 'key_person_change',
    summary: lines[0] as string,
    details: lines,
    evidence: { changes: f.keyPersonChanges.map((c) => ({ ...c, detectedAt: c.detectedAt.toISOString() })) },
    // Each change is an event of its own: a later change raises a new signal.
    dedupKey: `key_person_change.${f.clientId}.${Math.max(...f.keyPersonChanges.map((c) => c.id))}`,
  };
};

/** Reorganisation or liquidation: one signal per change of the client's state. */
export const stateChange: Rule = (f, ctx) => {
  if (f.state !== 'reorganization' && f.state !== 'liquidation') return null;
  const since = f.stateChangedAt ? localDate(f.stateChangedAt, ctx.tz) : null;
  const title = f.state === 'reorganization' ? 'Реорганизация' : 'Ликвидация';
  return {
    kind: f.state,
    summary: `${title} клиента${since ? ` с ${dmy(since)}` : ''}: снижение интереса по объективным причинам`,
    details: [`Состояние клиента в КИС: «${title}»`],
    evidence: { state: f.state, stateChangedAt: f.stateChangedAt?.toISOString() ?? null },
    dedupKey: `${f.state}.${f.clientId}.${since ?? 'state'}`,
  };
};

export const RULES: readonly Rule[] = [
  paymentDecline,
  noKeyContact,
  callsWithoutLogin,
  activityDrop,
  servicesUnused,
  keyPersonChange,
  stateChange,
];

/** Every signal the facts of one client show. */
export function detectSignals(f: SignalFacts, ctx: ScanContext): NewSignal[] {
  const out: NewSignal[] = [];
  for (const rule of RULES) {
    const s = rule(f, ctx);
    if (s) out.push({ clientId: f.clientId, ...s });
  }
  return out;
}

/** The last complete ISO week's Sunday before the local date of `now`. */
export function lastCompleteWeekEnd(today: IsoDate, weekday: number): IsoDate {
  return addDays(today, -weekday);
}
