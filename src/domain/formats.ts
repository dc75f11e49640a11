/**
 * The desk's date and number formats, shared by the e-mails, the diary and the reports (so an
 * alert and a report never write one date two ways): `dd.mm.yyyy`, `dd.mm.yyyy hh:mm:ss` in
 * the RIC's zone, Russian decimals and roubles.
 */

/** A number with exactly `digits` decimals, Russian style (`1 234,50`). */
export const ruNumber = (digits: number) =>
  new Intl.NumberFormat('ru-RU', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const RU2 = ruNumber(2);
export const RU0 = ruNumber(0);
/** At most one decimal (`12,5`), for averages in sentences. */
export const RU1_MAX = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 1 });

/** `15000` → `15 000,00 ₽` (with a non-breaking space, as Intl writes it). */
export function rub(amount: number): string {
  return `${RU2.format(amount)} ₽`;
}

/** `dd.mm.yyyy` of a calendar date or an instant (in `tz`). */
export function ruDate(v: unknown, tz = 'Europe/Moscow'): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v.slice(8, 10)}.${v.slice(5, 7)}.${v.slice(0, 4)}`;
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  return d.toLocaleDateString('ru-RU', { timeZone: tz, day: '2-digit', month: '2-digit', year: 'numeric' });
}

/** `dd.mm.yyyy hh:mm:ss` in `tz`, as the CRM shows times. */
export function ruDateTime(v: unknown, tz = 'Europe/Moscow'): string {
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  const p = new Intl.DateTimeFormat('ru-RU', {
    timeZone: tz,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('day')}.${g('month')}.${g('year')} ${g('hour')}:${g('minute')}:${g('second')}`;
}
