/**
 * Periods a job runs for: month `2024-06`, ISO week `2024-W23`, half-year `2024-H2`,
 * day `2024-06-03`, and for jobs without a natural period a schedule slot
 * `2024-06-03T1015` (the minute a tick fired, in the RIC's time zone) — or, for a run an event
 * asked for when that minute's run was already taken, the second `2024-06-03T101542`.
 */
import { addDays, daysBetween, type IsoDate, isoDate, localParts, parseIsoDate, weekdayOf } from './dates.js';

export type PeriodKind = 'month' | 'isoweek' | 'halfyear' | 'day' | 'none';

export const PERIOD_FORMS: Record<PeriodKind, { pattern: RegExp; example: string }> = {
  month: { pattern: /^(\d{4})-(0[1-9]|1[0-2])$/, example: '2024-06' },
  isoweek: { pattern: /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/, example: '2024-W23' },
  halfyear: { pattern: /^(\d{4})-H([12])$/, example: '2024-H2' },
  day: { pattern: /^\d{4}-\d{2}-\d{2}$/, example: '2024-06-03' },
  none: { pattern: /^\d{4}-\d{2}-\d{2}T\d{4}(\d{2})?$/, example: '2024-06-03T1015' },
};

/** What a period of each kind is called in an error («не месяц»). */
const PERIOD_WORDS: Record<PeriodKind, string> = {
  month: 'месяц',
  isoweek: 'неделя ISO',
  halfyear: 'полугодие',
  day: 'дата',
  none: 'минута расписания',
};

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/** ISO week-numbering year and week of a calendar date. */
export function isoWeekOf(d: IsoDate): { year: number; week: number } {
  const thursday = addDays(d, 4 - weekdayOf(d));
  const year = parseIsoDate(thursday).year;
  const week = Math.floor(daysBetween(isoDate(year, 1, 1), thursday) / 7) + 1;
  return { year, week };
}

/** Monday of ISO week 1 of `year`. */
function isoWeekOneMonday(year: number): IsoDate {
  const jan4 = isoDate(year, 1, 4);
  return addDays(jan4, 1 - weekdayOf(jan4));
}

/** The period of kind `kind` containing `instant`, read in time zone `tz`. */
export function periodOf(kind: PeriodKind, instant: Date, tz: string): string {
  const p = localParts(instant, tz);
  const date = isoDate(p.year, p.month, p.day);
  switch (kind) {
    case 'month':
      return date.slice(0, 7);
    case 'isoweek': {
      const w = isoWeekOf(date);
      return `${w.year}-W${String(w.week).padStart(2, '0')}`;
    }
    case 'halfyear':
      return `${p.year}-H${p.month <= 6 ? 1 : 2}`;
    case 'day':
      return date;
    case 'none':
      return `${date}T${String(p.hour).padStart(2, '0')}${String(p.minute).padStart(2, '0')}`;
  }
}

/** The first and last calendar day of a period (inclusive). */
export function periodRange(kind: PeriodKind, period: string): { start: IsoDate; end: IsoDate } {
  const m = PERIOD_FORMS[kind].pattern.exec(period);
  if (!m) throw new PeriodError(`«${period}» — не ${PERIOD_WORDS[kind]} (например, ${PERIOD_FORMS[kind].example})`);
  switch (kind) {
    case 'month': {
      const start = `${period}-01`;
      const [y, mo] = [Number(m[1]), Number(m[2])];
      const end = addDays(mo === 12 ? isoDate(y + 1, 1, 1) : isoDate(y, mo + 1, 1), -1);
      return { start, end };
    }
    case 'isoweek': {
      const [y, w] = [Number(m[1]), Number(m[2])];
      const start = addDays(isoWeekOneMonday(y), (w - 1) * 7);
      if (isoWeekOf(start).year !== y) throw new PeriodError(`«${period}»: в ${y} году нет недели ${w}`);
      return { start, end: addDays(start, 6) };
    }
    case 'halfyear': {
      const y = Number(m[1]);
      return m[2] === '1' ? { start: isoDate(y, 1, 1), end: isoDate(y, 6, 30) } : { start: isoDate(y, 7, 1), end: isoDate(y, 12, 31) };
    }
    case 'day':
      try {
        parseIsoDate(period);
      } catch (err) {
        throw new PeriodError((err as Error).message);
      }
      return { start: period, end: period };
    case 'none': {
      const d = period.slice(0, 10);
      return { start: d, end: d };
    }
  }
}

/** Check a period string; throws {@link PeriodError} naming the expected form. */
export function parsePeriod(kind: PeriodKind, period: string): string {
  periodRange(kind, period);
  return period;
}

/** The period `n` periods after (or before, n < 0) `period`. */
export function shiftPeriod(kind: PeriodKind, period: string, n: number): string {
  const { start } = periodRange(kind, period);
  switch (kind) {
    case 'month': {
      const { year, month } = parseIsoDate(start);
      const t = new Date(Date.UTC(year, month - 1 + n, 1));
      return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, 1).slice(0, 7);
    }
    case 'isoweek': {
      const w = isoWeekOf(addDays(start, 7 * n));
      return `${w.year}-W${String(w.week).padStart(2, '0')}`;
    }
    case 'halfyear': {
      const { year } = parseIsoDate(start);
      const idx = year * 2 + (period.endsWith('H1') ? 0 : 1) + n;
      return `${Math.floor(idx / 2)}-H${(idx % 2) + 1}`;
    }
    case 'day':
      return addDays(start, n);
    case 'none':
      throw new PeriodError('минуту расписания нельзя сдвинуть');
  }
}

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
const ddmm = (d: IsoDate) => `${d.slice(8, 10)}.${d.slice(5, 7)}`;

/**
 * A period as people read it (the codes stay for the admin script's options):
 * `2024-H1` → «1-е полугодие 2024», `2024-W22` → «неделя 22 (27.05–02.06.2024)»,
 * `2024-06` → «июнь 2024», `2024-06-03` → «03.06.2024», a schedule slot `2024-06-03T1015` →
 * «03.06.2024 10:15». Anything else is returned as given.
 */
export function periodName(period: string): string {
  const kind = (Object.keys(PERIOD_FORMS) as PeriodKind[]).find((k) => PERIOD_FORMS[k].pattern.test(period));
  if (!kind) return period;
  const { start, end } = periodRange(kind, period);
  const dmy = (d: IsoDate) => `${ddmm(d)}.${d.slice(0, 4)}`;
  switch (kind) {
    case 'halfyear':
      return `${period.slice(6)}-е полугодие ${period.slice(0, 4)}`;
    case 'isoweek':
      return `неделя ${Number(period.slice(6))} (${start.slice(0, 4) === end.slice(0, 4) ? ddmm(start) : dmy(start)}–${dmy(end)})`;
    case 'month':
      return `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}`;
    case 'day':
      return dmy(start);
    case 'none':
      return `${dmy(start)} ${period.slice(11, 13)}:${period.slice(13, 15)}${period.length > 15 ? `:${period.slice(15, 17)}` : ''}`;
  }
}

/** A range of ISO weeks: «недели 11–22 (11.03–02.06.2024)». */
export function weekRangeName(from: string, to: string): string {
  if (from === to) return periodName(from);
  const a = periodRange('isoweek', from);
  const b = periodRange('isoweek', to);
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  const fromWeek = sameYear ? `${Number(from.slice(6))}` : `${Number(from.slice(6))}/${from.slice(0, 4)}`;
  const startText = sameYear ? ddmm(a.start) : `${ddmm(a.start)}.${a.start.slice(0, 4)}`;
  return `недели ${fromWeek}–${Number(to.slice(6))} (${startText}–${ddmm(b.end)}.${b.end.slice(0, 4)})`;
}

/** {@link periodName} at the start of a sentence or a title: «Неделя 22 (27.05–02.06.2024)». */
export function periodTitle(period: string): string {
  const n = periodName(period);
  return n.charAt(0).toUpperCase() + n.slice(1);
}
