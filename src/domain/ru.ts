/** Russian wording shared by e-mails, tasks and reports: months, plurals, money. */

const MONTHS_NOMINATIVE = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];
const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `2024-06` → `Июнь 2024` (an e-mail subject). */
export function monthTitle(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return `${capitalize(MONTHS_NOMINATIVE[m - 1] as string)} ${y}`;
}

/** `2024-06` → `Июнь 2024 года` (a report subtitle, as the CRM writes it). */
export function monthOfYear(period: string): string {
  return `${monthTitle(period)} года`;
}

/** `2024-06-03` → `3 июня 2024`. */
export function longDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS_GENITIVE[m - 1]} ${y}`;
}

/**
 * The Russian plural of a count: `plural(5, ['вебинар', 'вебинара', 'вебинаров'])` → `вебинаров`
 * (forms for 1, 2–4, 5+).
 */
export function plural(n: number, forms: readonly [one: string, few: string, many: string]): string {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return forms[2];
  if (b === 1) return forms[0];
  if (b >= 2 && b <= 4) return forms[1];
  return forms[2];
}

/** `n` followed by its plural form: `count(0, […])` → `0 вебинаров`. */
export function count(n: number, forms: readonly [string, string, string]): string {
  return `${n} ${plural(n, forms)}`;
}

export { rub } from './formats.js';

/**
 * A text in Russian quotes «…», the quotes inside it turned into „…“ (and straight "…" too), as
 * Russian typography nests them: `quoted('МБОУ «СОШ № 29»')` → «МБОУ „СОШ № 29“».
 */
export function quoted(s: string): string {
  const inner = s
    .replace(/«/g, '„')
    .replace(/»/g, '“')
    .replace(/"([^"]*)"/g, '„$1“');
  return `«${inner}»`;
}

/**
 * The subject of a month's e-mail with one colon at most: «Июнь 2024: ТОП вопросов …», but a
 * topic with a colon of its own goes first, the month after it in brackets: «Торги и суды:
 * изменения 44-ФЗ (июнь 2024)».
 */
export function monthSubject(period: string, topic: string): string {
  return topic.includes(':') ? `${topic} (${monthTitle(period).toLowerCase()})` : `${monthTitle(period)}: ${topic}`;
}
