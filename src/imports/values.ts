/**
 * Cell values in the CRM's Russian formats. Each parser takes the raw cell and returns the
 * value, or throws a {@link CellError} saying what is wrong and what was expected; the row
 * reader adds the file, line and column.
 */
import { isoDate, parseIsoDate, zonedTime } from '../domain/dates.js';
import { checkEmail } from '../domain/email-address.js';

export class CellError extends Error {
  override name = 'CellError';
}

/** Trim, and turn the non-breaking spaces Excel and the CRM put everywhere into plain ones. */
const WIDE_SPACES = /[\u00a0\u202f\u2007]/;
const WIDE_SPACES_ALL = /[\u00a0\u202f\u2007]/g;

export function clean(raw: string | undefined): string {
  const s = (raw ?? '').trim();
  // Test before replacing: most cells have none, and a large export has millions of cells.
  return WIDE_SPACES.test(s) ? s.replace(WIDE_SPACES_ALL, ' ').trim() : s;
}

const GROUPED = /^-?\d{1,3}(?: \d{3})+(?:[,.]\d+)?$/;
const PLAIN = /^-?\d+(?:[,.]\d+)?$/;
const SIMPLE = /^\d{1,15}(?:,\d{1,2})?$/;

/** `0,50`, `15 000,00`, `15 000` (regular or non-breaking spaces), `15000.5`. */
export function parseNumber(raw: string): number {
  const s = clean(raw);
  // Fast path for the usual `8` / `8,00`; the general forms below.
  if (SIMPLE.test(s)) return Number(s.replace(',', '.'));
  if (!GROUPED.test(s) && !PLAIN.test(s)) throw new CellError(`«${s}» — не число (ожидалось, например, 15000, 15 000,00 или 0,50)`);
  return Number(s.replace(/ /g, '').replace(',', '.'));
}

export function parseMoney(raw: string): number {
  const n = parseNumber(raw);
  return Math.round(n * 100) / 100;
}

/** A count such as logins: `8,00` is 8, `0,5` is an error. */
export function parseCount(raw: string): number {
  const n = parseNumber(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new CellError(`«${clean(raw)}» — не целое неотрицательное число (ожидалось, например, 8 или 8,00)`);
  return n;
}

const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATE_EXPECTED = '(ожидалось дд.мм.гггг, дд.мм.гггг чч:мм:сс или гггг-мм-дд)';

function checkedDate(y: number, m: number, d: number, s: string): string {
  const iso = isoDate(y, m, d);
  try {
    parseIsoDate(iso);
  } catch {
    throw new CellError(`«${s}» — такой даты нет в календаре ${DATE_EXPECTED}`);
  }
  return iso;
}

// Exports repeat the same few hundred dates over and over: remember the answers.
const dateCache = new Map<string, string>();
const DATE_CACHE_MAX = 20_000;

/** A calendar date `YYYY-MM-DD` from `dd.mm.yyyy`, `dd.mm.yyyy hh:mm:ss` (time dropped) or ISO. */
export function parseDate(raw: string): string {
  const hit = dateCache.get(raw);
  if (hit !== undefined) return hit;
  const iso = parseDateUncached(raw);
  if (dateCache.size >= DATE_CACHE_MAX) dateCache.clear();
  dateCache.set(raw, iso);
  return iso;
}

function parseDateUncached(raw: string): string {
  const s = clean(raw);
  const ru = RU_DATE.exec(s);
  if (ru) return checkedDate(Number(ru[3]), Number(ru[2]), Number(ru[1]), s);
  const iso = ISO.exec(s);
  if (iso) return checkedDate(Number(iso[1]), Number(iso[2]), Number(iso[3]), s);
  throw new CellError(`«${s}» — не дата ${DATE_EXPECTED}`);
}

/** An instant from a date and optional time; a time without an offset is wall time in `tz`. */
export function parseDateTime(raw: string, tz: string): Date {
  const s = clean(raw);
  const ru = RU_DATE.exec(s);
  const iso = ru ? null : ISO.exec(s);
  const m = ru ?? iso;
  if (!m) throw new CellError(`«${s}» — не дата ${DATE_EXPECTED}`);
  const date = ru ? checkedDate(Number(m[3]), Number(m[2]), Number(m[1]), s) : checkedDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) throw new CellError(`«${s}» — неверное время суток ${DATE_EXPECTED}`);
  const offset = iso?.[7];
  if (offset) {
    const t = new Date(`${date}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(sec).padStart(2, '0')}${offset}`);
    if (!Number.isNaN(t.getTime())) return t;
  }
  return new Date(zonedTime(date, h, mi, tz).getTime() + sec * 1000);
}

/** A month `YYYY-MM-01` from `mm.yyyy`, `yyyy-mm` or a date in it. */
export function parseMonth(raw: string): string {
  const s = clean(raw);
  const ru = /^(\d{1,2})\.(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})$/.exec(s);
  if (ru || iso) {
    const [month, year] = ru ? [Number(ru[1]), Number(ru[2])] : [Number(iso?.[2]), Number(iso?.[1])];
    if (month >= 1 && month <= 12) return isoDate(year, month, 1);
    throw new CellError(`«${s}» — не месяц (ожидалось мм.гггг, например 06.2024)`);
  }
  try {
    return `${parseDate(s).slice(0, 8)}01`;
  } catch {
    throw new CellError(`«${s}» — не месяц (ожидалось мм.гггг, например 06.2024)`);
  }
}

const YES = new Set(['да', 'yes', 'true', '1', 'д', 'y', '+']);
const NO = new Set(['нет', 'no', 'false', '0', 'н', 'n', '-']);

/** `Да` / `Нет` / empty (null). */
export function parseYesNo(raw: string): boolean | null {
  const s = clean(raw).toLowerCase();
  if (s === '') return null;
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  throw new CellError(`«${clean(raw)}» — не «Да» и не «Нет» (ожидалось Да, Нет или пусто)`);
}

/** A client named by number: `193254`, or the CRM's `193254 - Name (2)` with the child count dropped. */
export interface ClientRef {
  number: number;
  /** The name as written (may be cut with `...`), or null for a bare number. */
  name: string | null;
}

const BARE_NUMBER = /^\d{1,8}$/;
const DESCRIPTOR = /^(\d{1,8})(?:\s+-\s+(.*?))?(?:\s+\(\d+\))?$/s;

export function parseClientRef(raw: string): ClientRef {
  const s = clean(raw);
  if (BARE_NUMBER.test(s)) return { number: Number(s), name: null };
  const m = DESCRIPTOR.exec(s);
  if (!m) throw new CellError(`«${s}» не называет клиента (ожидался номер клиента или «NNNNNN - Название»)`);
  const name = m[2]?.trim();
  return { number: Number(m[1]), name: name ? name : null };
}

/** Is this descriptor a client row (`NNNNNN - …`)? Used to tell client rows from group rows. */
export function looksLikeClient(raw: string): boolean {
  return /^\d{1,8}\s+-\s+/.test(clean(raw));
}

/** A name cut by the CRM (`Телерадиокомп...`) must not overwrite the full one. */
export function isCutName(name: string): boolean {
  return /(\.\.\.|…)$/.test(name);
}

/** A comma-separated list (flags, problem areas), trimmed, without empties. */
export function parseList(raw: string): string[] {
  return clean(raw)
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** An optional e-mail, by the one address rule (domain/email-address.ts; Cyrillic included). */
export function parseEmail(raw: string): string | null {
  const s = clean(raw);
  if (s === '') return null;
  const check = checkEmail(s);
  if (!check.ok) throw new CellError(`«${s}» — не адрес e-mail: ${check.reason} (ожидалось, например, name@example.ru)`);
  return s;
}

/**
 * A phone as people write it: `8-910-123-45-67`, `+7 (4722) 32-12-34`, `32-12-34 доб. 105`,
 * several separated by `,` or `;`. Each must have 5 to 15 digits and nothing but digits,
 * spaces, `+ - ( ) .` and an extension word.
 */
export function parsePhone(raw: string): string {
  const s = clean(raw);
  for (const one of s.split(/[,;]/)) {
    const t = one.replace(/(доб\.?|вн\.?|ext\.?)\s*\d+\s*$/i, '').trim();
    const digits = t.replace(/\D/g, '').length;
    if (!/^[+\d\s()\-.]+$/.test(t) || digits < 5 || digits > 15)
      throw new CellError(`«${s}» — не номер телефона (ожидалось, например, 8-910-123-45-67 или +7 (4722) 32-12-34)`);
  }
  return s;
}

/** A person's or employee's name as the CRM writes it, without the trailing `(Специалист …)`. */
export function personName(raw: string): string {
  return clean(raw)
    .replace(/\s*\([^)]*\)?\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Text or null. */
export function optText(raw: string | undefined): string | null {
  const s = clean(raw);
  return s === '' ? null : s;
}
