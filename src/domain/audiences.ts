/**
 * Who a piece of the month's content is for: the contact's position type (тип должности КЛ)
 * and the problem areas (проблемные зоны) of a decision maker who uses the system, which pick
 * the news hook (инфоповод) of the seed:
 * - `line_of_business` — вид деятельности основной компании или взаимосвязанных с ней юр. лиц;
 * - `inspections` — проверки (ГИТ, Роспотребнадзор, прокуратура, ФНС);
 * - `counterparty_checks` — проверка контрагентов на благонадёжность;
 * - `tenders_courts` — участие в торгах, судах;
 * - `licences_leasing` — сертификация, лицензии, лизинг.
 */

export const POSITION_TYPES = ['manager', 'accountant', 'lawyer', 'hr', 'economist', 'labor_safety', 'other'] as const;
export type PositionType = (typeof POSITION_TYPES)[number];

export const PROBLEM_AREAS = ['line_of_business', 'inspections', 'counterparty_checks', 'tenders_courts', 'licences_leasing'] as const;
export type ProblemArea = (typeof PROBLEM_AREAS)[number];

/** Russian names, as the desk reads them in tasks and previews. */
export const PROBLEM_AREA_TITLES: Record<ProblemArea, string> = {
  line_of_business: 'вид деятельности',
  inspections: 'проверки',
  counterparty_checks: 'проверка контрагентов',
  tenders_courts: 'торги и суды',
  licences_leasing: 'сертификация, лицензии, лизинг',
};

export const POSITION_TYPE_TITLES: Record<PositionType, string> = {
  manager: 'руководитель',
  accountant: 'бухгалтер',
  lawyer: 'юрист',
  hr: 'кадровик',
  economist: 'экономист',
  labor_safety: 'специалист по охране труда',
  other: 'другое',
};

/**
 * Words the CRM's «Интересы» column may carry for each area (lower case, matched as the start
 * of a word), so contacts imported with Russian interests map onto the same areas.
 */
const AREA_WORDS: [ProblemArea, RegExp][] = [
  // Before inspections: «проверка контрагентов» is a counterparty check, not an inspection.
  ['counterparty_checks', /(^|[^а-яё])(контрагент|благонад)/],
  ['line_of_business', /(^|[^а-яё])(вид деятельн|деятельност|отрасл)/],
  ['inspections', /(^|[^а-яё])(провер|гит|роспотреб|прокурат|фнс|налогов)/],
  ['tenders_courts', /(^|[^а-яё])(торг|тендер|закуп|суд)/],
  ['licences_leasing', /(^|[^а-яё])(лиценз|сертифик|лизинг)/],
];

/** A problem area from a code (`inspections`) or a Russian word (`Проверки ГИТ`); null when unknown. */
export function problemAreaOf(raw: string): ProblemArea | null {
  const s = raw.trim().toLowerCase().replace(/ё/g, 'е');
  if ((PROBLEM_AREAS as readonly string[]).includes(s)) return s as ProblemArea;
  for (const [area, re] of AREA_WORDS) if (re.test(s)) return area;
  return null;
}

/** A position type from the stored value; anything unknown or missing counts as `other`. */
export function positionTypeOf(raw: string | null | undefined): PositionType {
  return raw && (POSITION_TYPES as readonly string[]).includes(raw) ? (raw as PositionType) : 'other';
}
