/**
 * The five components of the weekly risk indicator («Фиксация отклонений»), each scored into
 * one of three values with a Russian reason, as the seed defines them:
 *
 * | component | high risk | dynamic risk | no threat |
 * |---|---|---|---|
 * | Обучение | the category's norm not met within 2 years | (only with `training.levels` 3: some trained, below the norm) | norm met |
 * | Использование ЛК | no request in 3 months | 1 request | more |
 * | Контакт с ЛПР | no held contact with an ЛПР in 3 months | 1 | more |
 * | Нет входов в систему | no logins in 4 weeks | logins in under half of the weeks | otherwise |
 * | Посещение семинаров | no webinar in 6 months | 1 | more |
 *
 * Every window ends on the last day of the scored week. Pure functions: the job loads the
 * counts (set-based SQL), these turn them into scores.
 */
import type { RiskConfig } from './health-config.js';
import { count } from './ru.js';

/** The components, in the order of the CRM's report columns. */
export type ComponentKey = 'training' | 'lk' | 'lprContact' | 'logins' | 'webinars';
export const COMPONENTS: readonly ComponentKey[] = ['training', 'lk', 'lprContact', 'logins', 'webinars'];

/** The CRM's column headers of «Фиксация отклонений». */
export const COMPONENT_HEADERS: Readonly<Record<ComponentKey, string>> = {
  training: 'Обучение (-)',
  lk: 'Использование ЛК (-)',
  lprContact: 'Контакт с ЛПР (-)',
  logins: 'Нет входов в систему (-)',
  webinars: 'Посещение семинаров (-)',
};

/** Short Russian names (explain, notes, task texts). */
export const COMPONENT_NAMES: Readonly<Record<ComponentKey, string>> = {
  training: 'Обучение',
  lk: 'Использование ЛК',
  lprContact: 'Контакт с ЛПР',
  logins: 'Входы в систему',
  webinars: 'Посещение семинаров',
};

/** A component's value: 0.20 / 0.30 / 0.50, or null when its source is stale or missing (н/д). */
export interface ComponentScore {
  score: number | null;
  /** Russian, e.g. `0 вебинаров за 6 мес.`. */
  reason: string;
}

export type Level = 'noThreat' | 'dynamic' | 'high';

const at = (cfg: RiskConfig, level: Level, reason: string): ComponentScore => ({ score: cfg.scores[level], reason });

/** `6` → `6 мес.`, `24` → `2 года`, `12` → `1 год`. */
export function monthsText(months: number): string {
  return months % 12 === 0 ? count(months / 12, ['год', 'года', 'лет']) : `${months} мес.`;
}

/** 0 → high, 1..dynamicUpTo → dynamic, more → no threat. */
export function levelOfCount(n: number, dynamicUpTo: number): Level {
  if (n <= 0) return 'high';
  return n <= dynamicUpTo ? 'dynamic' : 'noThreat';
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

export interface TrainingFacts {
  category: 'A' | 'B' | 'C';
  /** Active contacts marked as system users. */
  systemUsers: number;
  /** Of them, trained (a training matched to the person) within the validity. */
  trainedUsers: number;
}

export function scoreTraining(f: TrainingFacts, cfg: RiskConfig): ComponentScore {
  const norm = cfg.training.norms[f.category];
  const within = `за ${monthsText(cfg.training.validityMonths)}`;
  if (f.systemUsers <= 0) return at(cfg, 'high', 'нет пользователей системы среди контактных лиц');
  const trained = Math.min(f.trainedUsers, f.systemUsers);
  const reason = `обучено ${trained} из ${count(f.systemUsers, ['пользователя', 'пользователей', 'пользователей'])} ${within} (норма ${percent(norm)})`;
  if (trained === 0) return at(cfg, 'high', reason);
  // Compare in whole permille: 4 of 5 users is exactly the 80 % norm.
  const met = Math.round((trained / f.systemUsers) * 1000) >= Math.round(norm * 1000);
  if (met) return at(cfg, 'noThreat', reason);
  // The source knows two values only: below the norm is high. The third level is our variant.
  return at(cfg, cfg.training.levels === 3 ? 'dynamic' : 'high', reason);
}

export function scoreLk(requests: number, cfg: RiskConfig): ComponentScore {
  const reason = `${count(requests, ['обращение', 'обращения', 'обращений'])} в ЛК за ${monthsText(cfg.lk.months)}`;
  return at(cfg, levelOfCount(requests, cfg.lk.dynamicUpTo), reason);
}

export function scoreLprContact(heldContacts: number, hasLpr: boolean, cfg: RiskConfig): ComponentScore {
  let reason = `${count(heldContacts, ['контакт', 'контакта', 'контактов'])} с ЛПР за ${monthsText(cfg.lprContact.months)}`;
  if (!hasLpr) reason += ' (ЛПР не указан)';
  return at(cfg, levelOfCount(heldContacts, cfg.lprContact.dynamicUpTo), reason);
}

export function scoreWebinars(attended: number, cfg: RiskConfig): ComponentScore {
  const reason = `${count(attended, ['вебинар', 'вебинара', 'вебинаров'])} за ${monthsText(cfg.webinars.months)}`;
  return at(cfg, levelOfCount(attended, cfg.webinars.dynamicUpTo), reason);
}

/** `weekly[0]` is the scored week, `weekly[1]` the week before, …; missing weeks count as 0. */
export function scoreLogins(weekly: readonly number[], cfg: RiskConfig): ComponentScore {
  const weeks = cfg.logins.weeks;
  const window = Array.from({ length: weeks }, (_, i) => weekly[i] ?? 0);
  const total = window.reduce((a, b) => a + b, 0);
  const active = window.filter((n) => n > 0).length;
  const of = `${weeks} нед.`;
  if (total === 0) return at(cfg, 'high', `${count(0, ['вход', 'входа', 'входов'])} за ${of}`);
  const reason = `входы в ${active} из ${of} (${count(total, ['вход', 'входа', 'входов'])})`;
  return at(cfg, active * 2 < weeks ? 'dynamic' : 'noThreat', reason);
}
