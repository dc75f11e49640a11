/**
 * A contact's frequency («Частота контакта»), as the CRM export and the outcome form give it:
 * a plain number of months (as before), or the CRM's words — «2 р в месяц», «раз в 2 недели»,
 * «еженедельно», «ежемесячно», «раз в квартал». Monthly and longer is kept in months
 * (`contacts.contact_frequency_months`, what the monthly e-mail counts); shorter is an interval
 * in days (`contacts.contact_interval_days`, what plans the next call after a held contact).
 */

/** Either months (monthly and longer) or days (shorter than a month), never both. */
export type ContactFrequency = { months: number; days: null } | { months: null; days: number };

export class ContactFrequencyError extends Error {
  override name = 'ContactFrequencyError';
}

/** What the error names as accepted. */
export const FREQUENCY_FORMS =
  'число месяцев от 1 до 24 или, например, 2 р в месяц, раз в 2 недели, еженедельно, ежемесячно, раз в квартал';

// A month of «2 р в месяц» is 30 days (→ 15), a quarter 90: the CRM's wording is not calendar-precise.
const UNIT_DAYS = { week: 7, month: 30, quarter: 90 } as const;
const UNIT_MONTHS = { month: 1, quarter: 3 } as const;
const WORDS: Record<string, ContactFrequency> = {
  еженедельно: { months: null, days: 7 },
  ежемесячно: { months: 1, days: null },
  ежеквартально: { months: 3, days: null },
};
const TIMES = /^(?:(\d+)\s*)?(?:р|раз|раза)\s+в\s+(?:(\d+)\s*)?(недел[юиь]|нед|месяц|месяца|месяцев|мес|квартал|квартала|кв)$/;

function unitOf(word: string): keyof typeof UNIT_DAYS {
  if (word.startsWith('нед')) return 'week';
  if (word.startsWith('мес')) return 'month';
  return 'quarter';
}

function months(n: number, raw: string): ContactFrequency {
  if (n < 1 || n > 24) throw new ContactFrequencyError(`«${raw}» — вне допустимых значений (ожидалось ${FREQUENCY_FORMS})`);
  return { months: n, days: null };
}

/** Parse a frequency; throws {@link ContactFrequencyError} naming the value and the forms accepted. */
export function parseContactFrequency(raw: string): ContactFrequency {
  const given = raw.replace(/[\u00a0\u202f\u2007]/g, ' ').trim();
  const s = given.toLowerCase().replaceAll('ё', 'е').replace(/\./g, ' ').replaceAll('/', ' в ').replace(/\s+/g, ' ').trim();
  // A plain number is months, as the column always was («3», or «3,00» from a spreadsheet).
  const plain = /^(\d+)(?:[.,]0+)?$/.exec(given);
  if (plain) return months(Number(plain[1]), given);
  const word = WORDS[s];
  if (word) return word;
  const m = TIMES.exec(s);
  if (!m) throw new ContactFrequencyError(`«${given}» — не частота контакта (ожидалось ${FREQUENCY_FORMS})`);
  const times = Number(m[1] ?? 1);
  const every = Number(m[2] ?? 1);
  const unit = unitOf(m[3] as string);
  if (times < 1 || every < 1) throw new ContactFrequencyError(`«${given}» — не частота контакта (ожидалось ${FREQUENCY_FORMS})`);
  if (unit !== 'week' && times === 1) return months(every * UNIT_MONTHS[unit], given);
  const days = Math.round((every * UNIT_DAYS[unit]) / times);
  if (days < 1 || days > 730) throw new ContactFrequencyError(`«${given}» — вне допустимых значений (ожидалось ${FREQUENCY_FORMS})`);
  return { months: null, days };
}

/** In Russian, for the task's history and the CLI: «раз в 15 дн.», «ежемесячно», «не задана». */
export function describeFrequency(f: { months: number | null; days: number | null }): string {
  if (f.days !== null) return f.days === 7 ? 'еженедельно' : `раз в ${f.days} дн.`;
  if (f.months !== null) return f.months === 1 ? 'ежемесячно' : `раз в ${f.months} мес.`;
  return 'не задана';
}
