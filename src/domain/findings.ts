/**
 * A competitor found at a client («Конкурент», a finding): pure rules of its identity and
 * wording. A finding is the same finding when it names the same client, the same competitor's
 * system (case, quotes, spaces and ё aside) and the same end of validity — so a finding
 * submitted twice (two clicks, an admin command and an import of the same row) is recorded,
 * alerted and tasked once.
 *
 * The seed's example: «В организации стоит до сентября месяца система конкурента Охрана труда»
 * → «Выяснить ФИО специалиста по охране труда. Назначить обучение с элементами сравнения и
 * передать в работу Кайдаш В.»
 */
import { addDays, addMonths, type IsoDate, isoDate, parseIsoDate } from './dates.js';
import { longDate, quoted } from './ru.js';

const QUOTES = /[«»"“”„'’]/g;

/** The name as written, tidied: no surrounding quotes, single spaces. */
export function cleanCompetitor(raw: string): string {
  return raw
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(QUOTES, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The comparable form: lower case, ё → е, no quotes or extra spaces. */
export function normalizeCompetitor(raw: string): string {
  return cleanCompetitor(raw).toLowerCase().replace(/ё/g, 'е');
}

/** The finding's idempotency key (`competitor_findings.dedup_key`). */
export function findingKey(clientId: number, competitor: string, validUntil: IsoDate | null): string {
  return `finding.${clientId}.${normalizeCompetitor(competitor)}.${validUntil ?? ''}`;
}

/** Month names in the nominative, genitive and prepositional (`сентябрь`, `сентября`, `сентябре`). */
const MONTH_NAMES = [
  /^январ[ьяе]$/,
  /^феврал[ьяе]$/,
  /^март[ае]?$/,
  /^апрел[ьяе]$/,
  /^ма[йяе]$/,
  /^июн[ьяе]$/,
  /^июл[ьяе]$/,
  /^август[ае]?$/,
  /^сентябр[ьяе]$/,
  /^октябр[ьяе]$/,
  /^ноябр[ьяе]$/,
  /^декабр[ьяе]$/,
];

function endOfMonth(year: number, month: number): IsoDate {
  return addDays(addMonths(isoDate(year, month, 1), 1), -1);
}

export const VALID_UNTIL_EXPECTED = 'ожидался месяц ГГГГ-ММ (например, 2024-09) или мм.гггг, месяц словами («сентябрь 2024») или дата';

/**
 * When the competitor's contract ends. A month means "through that month" (its last day):
 * `2024-09`, `09.2024`, `сентябрь 2024`, `сентября 2024 г.`; a date is taken as is:
 * `2024-09-15`, `15.09.2024`. Throws an Error saying what was expected.
 */
export function parseValidUntil(raw: string): IsoDate {
  const s = raw
    .replace(/[\u00a0\u202f]/g, ' ')
    .trim()
    .toLowerCase();
  const fail = () => new Error(`«${raw.trim()}» — не месяц и не дата (${VALID_UNTIL_EXPECTED})`);
  let m = /^(\d{4})-(\d{1,2})$/.exec(s) ?? null;
  if (m) return monthEnd(Number(m[1]), Number(m[2]), fail);
  m = /^(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) return monthEnd(Number(m[2]), Number(m[1]), fail);
  m = /^([а-яё]+)\s+(\d{4})(?:\s*(?:г\.?|года))?$/.exec(s);
  if (m) {
    const month = MONTH_NAMES.findIndex((re) => re.test((m?.[1] ?? '').replace(/ё/g, 'е'))) + 1;
    if (!month) throw fail();
    return monthEnd(Number(m[2]), month, fail);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) {
    const [y, mo, d] = s.includes('-') ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
    const iso = isoDate(Number(y), Number(mo), Number(d));
    try {
      parseIsoDate(iso);
    } catch {
      throw fail();
    }
    return iso;
  }
  throw fail();
}

function monthEnd(year: number, month: number, fail: () => Error): IsoDate {
  if (month < 1 || month > 12 || year < 1990 || year > 2100) throw fail();
  return endOfMonth(year, month);
}

/** `до 30 сентября 2024`, or `срок не выяснен`. */
export function validUntilText(d: IsoDate | null): string {
  return d ? `до ${longDate(d)}` : 'срок не выяснен';
}

/** What the signal says in one line, after the seed: «В организации стоит система конкурента …». */
export function findingSummary(f: { competitor: string; validUntil: IsoDate | null }): string {
  return `В организации стоит система конкурента ${quoted(f.competitor)}${f.validUntil ? ` ${validUntilText(f.validUntil)}` : ''}`;
}

/**
 * The remote specialist's follow-up (a comparison event), in the seed's words: find the user of
 * the competitor's system, schedule training with comparison elements, pass it to the field
 * specialist.
 */
export function comparisonTitle(f: {
  competitor: string;
  validUntil: IsoDate | null;
  contactName: string | null;
  fieldName: string | null;
}): string {
  const who = f.contactName
    ? `Связаться с пользователем системы конкурента (${f.contactName}).`
    : 'Выяснить ФИО пользователя системы конкурента.';
  const pass = f.fieldName ? ` и передать в работу ${f.fieldName.replace(/\.$/, '')}` : '';
  return `${who} Назначить обучение с элементами сравнения${pass}. ${findingSummary(f)}.`;
}
