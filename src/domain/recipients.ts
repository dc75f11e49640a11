/**
 * Who gets the monthly decision-maker e-mail (stage 1 of the two-stage contact), and which
 * variant of it. Pure rules over plain data:
 * - decision makers (ЛПР), and influencers (ЛВПР) when config says so, of served clients;
 * - a syntactically valid address (Cyrillic domains allowed), consent, not unsubscribed,
 *   not suppressed by bounces, still listed by the CRM;
 * - due by their contact frequency: monthly by default, a per-contact number of months
 *   otherwise; nobody twice inside their window;
 * - a non-user gets the non-user variant (reviews, magazine and bulletin, TOP questions,
 *   webinars); a user gets the news hook of the first of their problem areas the month has a
 *   hook for (the month's first hook when none matches). Both are cut by position type, which
 *   picks the TOP questions.
 */
import {
  POSITION_TYPE_TITLES,
  POSITION_TYPES,
  type PositionType,
  PROBLEM_AREA_TITLES,
  PROBLEM_AREAS,
  type ProblemArea,
  positionTypeOf,
  problemAreaOf,
} from './audiences.js';
import { isValidEmail } from './email-address.js';

/** A contact as selection sees it. */
export interface Candidate {
  contactId: number;
  clientId: number;
  /** The client is served (not disconnected). */
  clientServed: boolean;
  /** The client is leaving (liquidation, reorganisation): no monthly e-mail. */
  clientLeaving?: boolean;
  /** Role flags and consent are null when the export lacked their column (unknown). */
  isLpr: boolean | null;
  isLvpr: boolean | null;
  /** Uses the system (пользователь КонсультантПлюс). */
  isSystemUser: boolean | null;
  email: string | null;
  consent: boolean | null;
  unsubscribed: boolean;
  /** Suppressed after bounces (`suppressed_at`, or e-mail status bounced / invalid). */
  suppressed: boolean;
  /** Still listed by the CRM export. */
  active: boolean;
  /** Months between contacts; null → the configured default. */
  frequencyMonths: number | null;
  positionType: string | null;
  problemAreas: readonly string[];
  /** The latest earlier month this contact got the e-mail in (`2024-05`), or null. */
  lastPeriod: string | null;
}

export interface SelectionRules {
  /** The month being sent, `2024-06`. */
  period: string;
  includeLvpr: boolean;
  defaultFrequencyMonths: number;
  /** Areas the month's content has a news hook for, in the content's order. */
  hookAreas: readonly ProblemArea[];
}

export type Exclusion =
  | 'client_not_served'
  | 'client_leaving'
  | 'lpr_role_unknown'
  | 'not_decision_maker'
  | 'inactive'
  | 'no_email'
  | 'invalid_email'
  | 'no_consent'
  | 'unsubscribed'
  | 'suppressed'
  | 'not_due';

/** Why a contact does not get the e-mail, in Russian (previews, dry runs). */
export const EXCLUSION_TEXT: Record<Exclusion, string> = {
  client_not_served: 'клиент не на обслуживании',
  client_leaving: 'клиент в ликвидации или реорганизации',
  lpr_role_unknown: 'нет данных о роли ЛПР',
  not_decision_maker: 'не ЛПР (и не ЛВПР, когда они включены)',
  inactive: 'контакт больше не числится в КИС',
  no_email: 'нет адреса e-mail',
  invalid_email: 'адрес e-mail с ошибкой',
  no_consent: 'нет согласия на рассылку',
  unsubscribed: 'отписался от рассылки',
  suppressed: 'адрес заблокирован после возвратов писем',
  not_due: 'ещё не прошёл срок с прошлого письма (частота контакта)',
};

/** A variant of the mailing: one MJML compilation, shared by everyone it fits. */
export interface Variant {
  /** `non-user.manager`, `hook.inspections.accountant`. */
  key: string;
  audience: 'non-user' | 'user';
  positionType: PositionType;
  /** The news hook's area (users only). */
  area: ProblemArea | null;
}

export type Judgement = { ok: true; variant: Variant } | { ok: false; reason: Exclusion };

/** Whole months from `a` to `b` (`2024-03` → `2024-06` is 3). */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number) as [number, number];
  const [yb, mb] = b.split('-').map(Number) as [number, number];
  return (yb - ya) * 12 + (mb - ma);
}

export function variantKey(audience: 'non-user' | 'user', positionType: PositionType, area: ProblemArea | null): string {
  return audience === 'non-user' ? `non-user.${positionType}` : `hook.${area}.${positionType}`;
}

/** The variant of a key made by {@link variantKey}; throws on anything else. */
export function parseVariantKey(key: string): Variant {
  const parts = key.split('.');
  const pt = parts[parts.length - 1] as PositionType;
  if (!(POSITION_TYPES as readonly string[]).includes(pt)) throw new Error(`unknown variant "${key}"`);
  if (parts.length === 2 && parts[0] === 'non-user') return { key, audience: 'non-user', positionType: pt, area: null };
  const area = parts[1] as ProblemArea;
  if (parts.length === 3 && parts[0] === 'hook' && (PROBLEM_AREAS as readonly string[]).includes(area)) {
    return { key, audience: 'user', positionType: pt, area };
  }
  throw new Error(`unknown variant "${key}"`);
}

export function chooseVariant(
  c: Pick<Candidate, 'isSystemUser' | 'positionType' | 'problemAreas'>,
  hookAreas: readonly ProblemArea[],
): Variant {
  const positionType = positionTypeOf(c.positionType);
  if (!c.isSystemUser || hookAreas.length === 0) {
    return { key: variantKey('non-user', positionType, null), audience: 'non-user', positionType, area: null };
  }
  const own = c.problemAreas.map(problemAreaOf).filter((a): a is ProblemArea => a !== null);
  const area = own.find((a) => hookAreas.includes(a)) ?? (hookAreas[0] as ProblemArea);
  return { key: variantKey('user', positionType, area), audience: 'user', positionType, area };
}

/** Whether one contact gets this month's e-mail, and which variant; the first failing rule is the reason. */
export function judge(c: Candidate, rules: SelectionRules): Judgement {
  if (!c.clientServed) return { ok: false, reason: 'client_not_served' };
  if (c.clientLeaving) return { ok: false, reason: 'client_leaving' };
  if (!(c.isLpr || (rules.includeLvpr && c.isLvpr))) {
    // An export without the «ЛПР» (or «ЛВПР») column: the role is unknown, not «Нет».
    const unknown = c.isLpr === null || (rules.includeLvpr && c.isLvpr === null);
    return { ok: false, reason: unknown ? 'lpr_role_unknown' : 'not_decision_maker' };
  }
  if (!c.active) return { ok: false, reason: 'inactive' };
  const email = c.email?.trim() ?? '';
  if (!email) return { ok: false, reason: 'no_email' };
  if (!isValidEmail(email)) return { ok: false, reason: 'invalid_email' };
  if (!c.consent) return { ok: false, reason: 'no_consent' };
  if (c.unsubscribed) return { ok: false, reason: 'unsubscribed' };
  if (c.suppressed) return { ok: false, reason: 'suppressed' };
  const every = c.frequencyMonths ?? rules.defaultFrequencyMonths;
  if (c.lastPeriod !== null && monthsBetween(c.lastPeriod, rules.period) < every) return { ok: false, reason: 'not_due' };
  return { ok: true, variant: chooseVariant(c, rules.hookAreas) };
}

export interface Selection<C extends Candidate> {
  recipients: (C & { variant: Variant })[];
  excluded: Partial<Record<Exclusion, number>>;
  /** Recipients per variant key, keys sorted. */
  perVariant: Record<string, number>;
}

export function selectRecipients<C extends Candidate>(candidates: readonly C[], rules: SelectionRules): Selection<C> {
  const recipients: (C & { variant: Variant })[] = [];
  const excluded: Partial<Record<Exclusion, number>> = {};
  const perVariant: Record<string, number> = {};
  for (const c of candidates) {
    const j = judge(c, rules);
    if (!j.ok) {
      excluded[j.reason] = (excluded[j.reason] ?? 0) + 1;
      continue;
    }
    recipients.push({ ...c, variant: j.variant });
    perVariant[j.variant.key] = (perVariant[j.variant.key] ?? 0) + 1;
  }
  const sorted = Object.fromEntries(Object.entries(perVariant).sort(([a], [b]) => a.localeCompare(b)));
  return { recipients, excluded, perVariant: sorted };
}

/** «ЛПР-пользователь, инфоповод «проверки»: бухгалтер». */
export function variantTitle(key: string): string {
  const v = parseVariantKey(key);
  const who = POSITION_TYPE_TITLES[v.positionType];
  return v.area
    ? `ЛПР — пользователь системы, инфоповод «${PROBLEM_AREA_TITLES[v.area]}»: ${who}`
    : `ЛПР — не пользователь системы: ${who}`;
}
