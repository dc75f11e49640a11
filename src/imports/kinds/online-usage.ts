/**
 * «Контроль статистики использования онлайн-версии». Two layouts:
 * - the OLAP export: a settings block, a header `Описание · Актив... · с dd.mm.yyyy по
 *   dd.mm.yyyy …`, rows `NNNNNN - Name (k)` with the activity (Да / Нет / empty) and the
 *   logins of each period, an optional `Итого` row;
 * - a plain table: Номер клиента · [Логин] · Дата (or Неделя с / по) · Входов.
 * An empty period cell of a client row is 0 logins: the export covered that period.
 */
import { applyOnlineUsage } from '../../db/online-usage.js';
import { addDays } from '../../domain/dates.js';
import { type ColumnSpec, Header, isBlank, isTotals, matchHeader, normalizeHeader, RowReader } from '../columns.js';
import { clientId, type ImportKind, type ParseContext, stageColumns, tableRows } from '../kind.js';
import type { SourceRow } from '../text.js';
import { clean, looksLikeClient, parseClientRef, parseCount, parseDate, parseYesNo } from '../values.js';

const PLAIN: ColumnSpec[] = [
  { key: 'number', ru: 'Номер клиента', en: 'number', aliases: ['Клиент', 'client number'] },
  { key: 'login', ru: 'Логин', en: 'login', optional: true },
  { key: 'date', ru: 'Дата', en: 'date', optional: true, aliases: ['Дата статистики'] },
  { key: 'from', ru: 'Неделя с', en: 'week from', optional: true, aliases: ['Неделя c', 'с', 'Начало периода', 'from'] },
  { key: 'to', ru: 'по', en: 'week to', optional: true, aliases: ['Неделя по', 'Окончание периода', 'to'] },
  { key: 'logins', ru: 'Входов', en: 'logins', aliases: ['Количество входов'] },
];

const PERIOD = /^с\s+(\d{2}\.\d{2}\.\d{4})\s+по\s+(\d{2}\.\d{2}\.\d{4})$/i;

/** The OLAP header: column 0 is the client, one activity column, period columns. */
interface OlapLayout {
  header: Header;
  activity: number | null;
  periods: { index: number; start: string; end: string }[];
}

function olapLayout(row: SourceRow): OlapLayout | null {
  if (normalizeHeader(row.cells[0] ?? '') !== 'описание') return null;
  let activity: number | null = null;
  const periods: OlapLayout['periods'] = [];
  row.cells.forEach((cell, index) => {
    const p = PERIOD.exec(clean(cell));
    if (p) periods.push({ index, start: parseDate(p[1] as string), end: parseDate(p[2] as string) });
    else if (activity === null && /^актив/.test(normalizeHeader(cell))) activity = index;
  });
  if (!periods.length) return null;
  const index = new Map<string, number>([['client', 0]]);
  if (activity !== null) index.set('activity', activity);
  const specs = [
    { key: 'client', ru: 'Описание', en: 'description' },
    { key: 'activity', ru: 'Активность', en: 'activity' },
  ];
  return { header: new Header(row.line, index, specs), activity, periods };
}

/** client id, login, period start, period end, logins, activity — followed by the line while parsing. */
type Tuple = [number, string, string, string, number, boolean | null];
type Lined = [...Tuple, number];

function* olapRows(rows: Iterator<SourceRow>, layout: OlapLayout, ctx: ParseContext): Generator<Lined> {
  for (let next = rows.next(); !next.done; next = rows.next()) {
    const src = next.value;
    if (isBlank(src) || isTotals(src)) continue;
    const r = new RowReader(layout.header, src, ctx.errors, ctx.warnings);
    if (!looksLikeClient(r.raw('client'))) {
      r.fail('client', `«${clean(r.raw('client'))}» — не строка клиента (ожидалось «NNNNNN - Название» или Итого)`);
      continue;
    }
    const ref = r.get('client', parseClientRef, true);
    const client = clientId(r, 'client', ctx, ref?.number);
    const active = layout.activity === null ? null : (r.get('activity', parseYesNo) ?? null);
    for (const p of layout.periods) {
      const raw = src.cells[p.index] ?? '';
      let logins = 0;
      if (clean(raw) !== '') {
        try {
          logins = parseCount(raw);
        } catch (err) {
          ctx.errors.add(src.line, p.index + 1, `с ${p.start} по ${p.end}: ${(err as Error).message}`);
          continue;
        }
      }
      if (client !== undefined && r.ok) yield [client, '', p.start, p.end, logins, active, src.line];
    }
  }
}

function plainRow(r: RowReader, ctx: ParseContext): Lined | undefined {
  const ref = r.get('number', parseClientRef, true);
  const client = clientId(r, 'number', ctx, ref?.number);
  const date = r.get('date', parseDate);
  const from = r.get('from', parseDate);
  const to = r.get('to', parseDate);
  const logins = r.get('logins', parseCount, true);
  const start = date ?? from;
  if (!start) {
    if (r.ok) r.fail('date', 'нет даты (ожидалось «Дата» или «Неделя с» и «по»)');
    return undefined;
  }
  const end = date ?? to ?? addDays(start, 6);
  if (end < start) r.fail('to', `по ${end} раньше, чем с ${start} (ожидался конец периода)`);
  if (client === undefined || logins === undefined) return undefined;
  return [client, clean(r.raw('login')), start, end, logins, null, r.line];
}

// Keys of (client, period start) without a login are numbers: a 200 000-row export then
// costs no key strings. Dates get small indexes; a value packs the logins and the line.
const LINE_BITS = 2 ** 22;

/** One row per (client, login, period start): an identical repeat is dropped, a conflicting one is an error. */
function* unique(rows: Iterable<Lined>, ctx: ParseContext): Generator<Tuple> {
  const seen = new Map<number | string, number>();
  const days = new Map<string, number>();
  const clients = new Set<number>();
  for (const lined of rows) {
    const line = lined[6];
    // Drop the line in place: no new array per row.
    (lined as unknown[]).length = 6;
    const t = lined as unknown as Tuple;
    let day = days.get(t[2]);
    if (day === undefined) {
      day = days.size;
      days.set(t[2], day);
      ctx.cover(t[2]);
    }
    ctx.cover(t[3]);
    const key = t[1] === '' && day < 65536 ? t[0] * 65536 + day : `${t[0]}|${t[1]}|${t[2]}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const [firstLogins, firstLine] = [Math.floor(earlier / LINE_BITS), earlier % LINE_BITS];
      if (firstLogins !== t[4]) {
        ctx.errors.add(line, 1, `входы с ${t[2]} уже указаны в строке ${firstLine}: ${firstLogins} (ожидалось одно значение)`);
      }
      continue;
    }
    seen.set(key, t[4] * LINE_BITS + (line % LINE_BITS));
    clients.add(t[0]);
    if (!ctx.errors.any) yield t;
  }
  ctx.facts.clients = clients.size;
}

/** Rows before the header are the settings block; the first header found decides the layout. */
function* layoutRows(rows: Iterable<SourceRow>, ctx: ParseContext): Generator<Lined> {
  const it = rows[Symbol.iterator]();
  for (let next = it.next(); !next.done; next = it.next()) {
    const src = next.value;
    const olap = olapLayout(src);
    if (olap) {
      if (olap.activity !== null) ctx.present.add('activity');
      yield* olapRows(it, olap, ctx);
      return;
    }
    if (!isBlank(src) && matchHeader(src, PLAIN)) {
      const rest = (function* () {
        yield src;
        for (let n = it.next(); !n.done; n = it.next()) yield n.value;
      })();
      yield* tableRows(rest, PLAIN, ctx, (r) => plainRow(r, ctx)) as Iterable<Lined>;
      return;
    }
  }
  ctx.errors.add(
    1,
    1,
    'не найдена строка заголовков (ожидался заголовок OLAP «Описание · Актив... · с дд.мм.гггг по дд.мм.гггг …» или Номер клиента · [Логин] · Дата · Входов)',
  );
}

export const onlineUsageKind: ImportKind = {
  kind: 'online-usage',
  title: 'Статистика использования онлайн-версии',
  stage: stageColumns('client_id bigint, login text, period_start date, period_end date, logins integer, active boolean'),
  parse: (rows, ctx) => unique(layoutRows(rows, ctx), ctx),
  apply: applyOnlineUsage,
};
