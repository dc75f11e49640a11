/**
 * «Клиенты»: Номер клиента · Клиент · [РИЦ] · Категория · Сумма ИО, руб/мес · Состояние ·
 * [Дата подключения] · [Окончание первичного аванса] · Ответственный ДИС · [Ответственный ТС] ·
 * [Признаки] · [Дата отключения]. A change of state between two imports is recorded in
 * `client_state_changes`, dated by the import (or by «Дата отключения» when given).
 */
import { applyClients } from '../../db/clients.js';
import type { ColumnSpec } from '../columns.js';
import { employeeId, type ImportKind, onceEach, stageColumns, tableRows } from '../kind.js';
import { CellError, clean, isCutName, optText, parseClientRef, parseDate, parseList, parseMoney } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'number', ru: 'Номер клиента', en: 'number', aliases: ['client number'] },
  { key: 'name', ru: 'Клиент', en: 'name', aliases: ['client'] },
  { key: 'ric', ru: 'РИЦ', en: 'ric', optional: true, aliases: ['Р/Ц по клиенту'] },
  { key: 'category', ru: 'Категория', en: 'category', aliases: ['Категория клиента'] },
  { key: 'fee', ru: 'Сумма ИО, руб/мес', en: 'monthly fee', aliases: ['Сумма ИО', 'Сумма информационного обслуживания, р/мес'] },
  { key: 'state', ru: 'Состояние', en: 'state' },
  { key: 'connected', ru: 'Дата подключения', en: 'connected', optional: true },
  { key: 'paUntil', ru: 'Окончание первичного аванса', en: 'primary advance until', optional: true },
  { key: 'remote', ru: 'Ответственный ДИС', en: 'remote specialist' },
  { key: 'field', ru: 'Ответственный ТС', en: 'field specialist', optional: true },
  { key: 'flags', ru: 'Признаки', en: 'flags', optional: true },
  { key: 'disconnectedOn', ru: 'Дата отключения', en: 'disconnected on', optional: true },
];

const STATES: Record<string, string> = {
  обслуживается: 'served',
  served: 'served',
  'первичный аванс': 'primary_advance',
  primary_advance: 'primary_advance',
  отключен: 'disconnected',
  disconnected: 'disconnected',
  реорганизация: 'reorganization',
  reorganization: 'reorganization',
  ликвидация: 'liquidation',
  liquidation: 'liquidation',
};

const FLAGS: Record<string, string> = { двойной: 'double', double: 'double', 'на удержании': 'retention', retention: 'retention' };

// Cyrillic А, В, С look like the Latin categories and are typed as often.
const CATEGORIES: Record<string, string> = { A: 'A', B: 'B', C: 'C', А: 'A', В: 'B', С: 'C' };

function lookup(table: Record<string, string>, what: string, expected: string) {
  return (raw: string): string => {
    const v = table[clean(raw).toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ')];
    if (!v) throw new CellError(`«${clean(raw)}» — ${what} (ожидалось ${expected})`);
    return v;
  };
}

const parseState = lookup(STATES, 'не состояние клиента', 'Обслуживается, Первичный аванс, Отключен, Реорганизация или Ликвидация');
const parseFlag = lookup(FLAGS, 'не признак', 'двойной или на удержании');

function parseCategory(raw: string): string {
  const v = CATEGORIES[clean(raw).toUpperCase()];
  if (!v) throw new CellError(`«${clean(raw)}» — не категория (ожидалось A, B или C)`);
  return v;
}

export const clientsKind: ImportKind = {
  kind: 'clients',
  title: 'Клиенты',
  stage: stageColumns(
    'number integer, name text, name_cut boolean, ric text, category text, fee numeric(12,2), state text, connected date, pa_until date, remote_id bigint, field_id bigint, flags text[], disconnected_on date',
  ),
  *parse(rows, ctx) {
    const once = onceEach<number>();
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const ref = r.get('number', parseClientRef, true);
      const name = optText(r.raw('name')) ?? ref?.name ?? undefined;
      if (!name) r.fail('name', 'Клиент: пусто (ожидалось название клиента)');
      const fee = r.get('fee', parseMoney, true);
      if (fee !== undefined && fee < 0) r.fail('fee', `Сумма ИО, руб/мес: ${fee} — меньше нуля (ожидалось 0 или больше)`);
      const flags = r.get('flags', (raw) => [...new Set(clean(raw) ? parseList(raw).map(parseFlag) : [])]) ?? [];
      const remote = employeeId(r, 'remote', ctx, r.get('remote', clean, true));
      const field = employeeId(r, 'field', ctx, optText(r.raw('field')) ?? undefined);
      const connected = r.get('connected', parseDate);
      const state = r.get('state', parseState, true);
      const disconnectedOn = r.get('disconnectedOn', parseDate);
      if (disconnectedOn !== undefined && state !== undefined && state !== 'disconnected')
        r.fail(
          'disconnectedOn',
          `Дата отключения: ${disconnectedOn} указана у клиента в состоянии «${clean(r.raw('state'))}» (ожидалось пусто или состояние Отключен)`,
        );
      if (ref) once(r, 'number', ref.number, `клиент ${ref.number}`, 'каждый клиент один раз');
      return [
        ref?.number,
        name,
        name ? isCutName(name) : false,
        optText(r.raw('ric')),
        r.get('category', parseCategory, true),
        fee,
        state,
        connected ?? null,
        r.get('paUntil', parseDate) ?? null,
        remote,
        field ?? null,
        flags,
        disconnectedOn ?? null,
      ];
    });
  },
  apply: applyClients,
};
