/**
 * «Фиксация отклонений» as the CRM's OLAP report exports it: a settings block (which may name
 * the week), «Фильтры», the header `Описание · Сотрудник (упр) · Подразделе... · Обучение (-) ·
 * Использование ЛК (-) · Контакт с ЛПР (-) · Нет входов в систему (-) · Посещение семинаров (-) ·
 * Индикатор (-)`, a totals row `Итого: (N)`, then a row per client and responsible employee
 * (`NNNNNN - Name`, names and departments cut with `...`, employees as `Фамилия И.О. (СИУ)`).
 *
 * The week is `--week`, else the one the settings block names; neither is an error. A client's
 * repeated rows must carry the same values; they become one row per client and week.
 */
import { applyCrmDeviations } from '../../db/crm-deviations.js';
import { weekdayOf } from '../../domain/dates.js';
import { parsePeriod, periodOf, periodRange } from '../../domain/periods.js';
import { count } from '../../domain/ru.js';
import { reevaluateWeek } from '../../health/indicator-source.js';
import { type ColumnSpec, isBlank, isTotals, matchHeader, RowReader } from '../columns.js';
import { clientId, type ImportKind, type ParseContext, stageColumns } from '../kind.js';
import type { SourceRow } from '../text.js';
import { CellError, clean, looksLikeClient, optText, parseClientRef, parseNumber, personName } from '../values.js';

const SCORES = ['training', 'lk', 'lpr_contact', 'logins', 'webinars', 'indicator'] as const;

const COLUMNS: ColumnSpec[] = [
  { key: 'client', ru: 'Описание', en: 'description' },
  { key: 'employee', ru: 'Сотрудник (упр)', en: 'employee', aliases: ['Сотрудник'] },
  { key: 'department', ru: 'Подразделение', en: 'department', optional: true },
  { key: 'training', ru: 'Обучение (-)', en: 'training', aliases: ['Обучение'] },
  { key: 'lk', ru: 'Использование ЛК (-)', en: 'lk', aliases: ['Использование ЛК'] },
  { key: 'lpr_contact', ru: 'Контакт с ЛПР (-)', en: 'lpr contact', aliases: ['Контакт с ЛПР'] },
  { key: 'logins', ru: 'Нет входов в систему (-)', en: 'logins', aliases: ['Нет входов в систему'] },
  { key: 'webinars', ru: 'Посещение семинаров (-)', en: 'webinars', aliases: ['Посещение семинаров', 'Посещение вебинаров (-)'] },
  { key: 'indicator', ru: 'Индикатор (-)', en: 'indicator', aliases: ['Индикатор'] },
];

const ISO_WEEK = /(\d{4})-W(\d{2})/i;
const SPAN = /с\s+(\d{2})\.(\d{2})\.(\d{4})\s+по\s+(\d{2})\.(\d{2})\.(\d{4})/i;
const NTH_WEEK = /(\d{1,2})\s*(?:-?я\s*)?неделя\s+(\d{4})/i;

/** The ISO week a settings cell names, or null; a span that is not one ISO week is an error. */
export function weekNamedIn(cell: string): string | null {
  const s = clean(cell);
  const iso = ISO_WEEK.exec(s);
  if (iso) return parsePeriod('isoweek', `${iso[1]}-W${iso[2]}`);
  const span = SPAN.exec(s);
  if (span) {
    const from = `${span[3]}-${span[2]}-${span[1]}`;
    const to = `${span[6]}-${span[5]}-${span[4]}`;
    const week = periodOf('isoweek', new Date(`${from}T12:00:00Z`), 'UTC');
    const range = periodRange('isoweek', week);
    if (weekdayOf(from) !== 1 || range.end !== to) {
      throw new CellError(`«${s}» — не одна неделя (ожидалось «с <понедельник> по <воскресенье>», например с 01.07.2024 по 07.07.2024)`);
    }
    return week;
  }
  const nth = NTH_WEEK.exec(s);
  if (nth) return parsePeriod('isoweek', `${nth[2]}-W${String(nth[1]).padStart(2, '0')}`);
  return null;
}

function score(raw: string): number {
  const n = parseNumber(raw);
  if (n < 0 || n > 1) throw new CellError(`«${clean(raw)}» — не оценка (ожидалось от 0 до 1, например 0,50)`);
  return n;
}

interface ClientRow {
  line: number;
  values: (number | null)[];
  employees: number[];
  department: string | null;
}

/** The week and the rows per client; errors at their places. */
function* deviationRows(rows: Iterable<SourceRow>, ctx: ParseContext): Generator<unknown[]> {
  const it = rows[Symbol.iterator]();
  let named: { week: string; line: number; column: number } | null = null;
  let header = null;
  for (let next = it.next(); !next.done; next = it.next()) {
    const src = next.value;
    if (isBlank(src)) continue;
    header = matchHeader(src, COLUMNS);
    if (header) break;
    src.cells.forEach((cell, i) => {
      let week: string | null;
      try {
        week = weekNamedIn(cell);
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        ctx.errors.add(src.line, i + 1, `настройки: ${err.message}`);
        return;
      }
      if (week === null) return;
      if (named && named.week !== week) {
        ctx.errors.add(src.line, i + 1, `в настройках неделя ${week}, а в строке ${named.line} — ${named.week} (ожидалась одна неделя)`);
      } else if (!named) named = { week, line: src.line, column: i + 1 };
    });
  }
  if (!header) {
    ctx.errors.add(
      1,
      1,
      'не найдена строка заголовков (ожидалось Описание · Сотрудник (упр) · Подразделе... · Обучение (-) · Использование ЛК (-) · Контакт с ЛПР (-) · Нет входов в систему (-) · Посещение семинаров (-) · Индикатор (-))',
    );
    return;
  }
  const given = ctx.options.week ?? null;
  const fromFile = named as { week: string; line: number; column: number } | null;
  if (given && fromFile && given !== fromFile.week) {
    ctx.errors.add(
      fromFile.line,
      fromFile.column,
      `отчёт за неделю ${fromFile.week}, а --week задаёт ${given} (ожидалась одна и та же неделя)`,
    );
  }
  const week = given ?? fromFile?.week ?? null;
  if (!week) {
    ctx.errors.add(header.line, 1, 'в отчёте не указана неделя (ожидалось --week 2024-W27 или неделя в блоке настроек)');
    return;
  }
  const { start, end } = periodRange('isoweek', week);
  ctx.cover(start);
  ctx.cover(end);
  ctx.facts.week = week;

  // A few hundred employees over 100 000 rows: each written form is looked up once.
  const employees = new Map<string, number | 'ambiguous' | undefined>();
  const employeeOf = (r: RowReader): number | undefined => {
    const name = r.get('employee', personName);
    if (name === undefined) return undefined;
    if (!employees.has(name)) employees.set(name, ctx.refs.employees.find(name));
    const id = employees.get(name);
    if (id === 'ambiguous') r.fail('employee', `сотрудник «${name}» подходит к нескольким сотрудникам (ожидалось полное ФИО)`);
    else if (id === undefined)
      r.fail('employee', `сотрудник «${name}» неизвестен (ожидался сотрудник из загруженной ранее выгрузки «Сотрудники»)`);
    return typeof id === 'number' ? id : undefined;
  };
  const byClient = new Map<number, ClientRow>();
  let totals: { line: number; n: number } | null = null;
  let dataRows = 0;
  for (let next = it.next(); !next.done; next = it.next()) {
    const src = next.value;
    if (isBlank(src)) continue;
    const r = new RowReader(header, src, ctx.errors);
    if (isTotals(src)) {
      const m = /\((\d+)\)/.exec(clean(src.cells[0]));
      if (m) totals = { line: src.line, n: Number(m[1]) };
      continue;
    }
    if (!looksLikeClient(r.raw('client'))) {
      r.fail('client', `«${clean(r.raw('client'))}» — не строка клиента (ожидалось «NNNNNN - Название» или Итого)`);
      continue;
    }
    dataRows++;
    const ref = r.get('client', parseClientRef, true);
    const client = clientId(r, 'client', ctx, ref?.number);
    const employee = employeeOf(r);
    const values = SCORES.map((k) => r.get(k, score, k === 'indicator') ?? null);
    if (client === undefined || !r.ok) continue;
    const earlier = byClient.get(client);
    if (!earlier) {
      byClient.set(client, {
        line: src.line,
        values,
        employees: employee === undefined ? [] : [employee],
        department: optText(r.raw('department')),
      });
      continue;
    }
    const differs = SCORES.findIndex((_, i) => earlier.values[i] !== values[i]);
    if (differs >= 0) {
      const k = SCORES[differs] as string;
      r.fail(
        k,
        `клиент ${ref?.number} уже есть в строке ${earlier.line} с «${header.title(k)}» ${fmt(earlier.values[differs])}, здесь ${fmt(values[differs])} (ожидались одинаковые значения во всех строках клиента)`,
      );
      continue;
    }
    if (employee !== undefined && !earlier.employees.includes(employee)) earlier.employees.push(employee);
  }
  if (totals && totals.n !== byClient.size && totals.n !== dataRows && !ctx.errors.any) {
    ctx.errors.add(
      totals.line,
      1,
      `Итого: (${totals.n}), а в отчёте ${count(byClient.size, ['клиент', 'клиента', 'клиентов'])} в ${count(dataRows, ['строке', 'строках', 'строках'])} (ожидался весь отчёт)`,
    );
  }
  ctx.facts.clients = byClient.size;
  if (ctx.errors.any) return;
  for (const [client, row] of byClient) yield [client, week, ...row.values, row.employees, row.department];
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'пусто' : v.toFixed(2).replace('.', ',');
}

export const deviationsKind: ImportKind = {
  kind: 'deviations',
  title: 'Фиксация отклонений (КИС)',
  stage: stageColumns(
    'client_id bigint, week text, training numeric, lk numeric, lpr_contact numeric, logins numeric, webinars numeric, indicator numeric, employee_ids bigint[], department text',
  ),
  parse: (rows, ctx) => deviationRows(rows, ctx),
  async apply(db, ctx) {
    const result = await applyCrmDeviations(db, ctx);
    const { rows } = await db.query<{ week: string }>('SELECT DISTINCT week FROM import_stage');
    const reevaluated = [];
    for (const { week } of rows) reevaluated.push(await reevaluateWeek(ctx.app, db, week, ctx.now));
    return { ...result, extra: { reevaluated } };
  },
};
