/**
 * «Работы» (contact events): [Номер] · Номер клиента · [Контактное лицо] · Исполнитель ·
 * Способ контакта · Плановая дата · Состояние · [Цель контакта] · [Комментарий к действию] ·
 * [Причина / результат]. Состояние «Контакт состоялся» with the result «Контакт состоялся с
 * входом» is a contact held with the client logged in.
 */
import { applyContactEvents } from '../../db/contact-events.js';
import type { ColumnSpec } from '../columns.js';
import { clientId, employeeId, type ImportKind, onceEach, ordinalKeys, stageColumns, tableRows } from '../kind.js';
import { CellError, clean, optText, parseClientRef, parseDateTime, personName } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'crm', ru: 'Номер', en: 'crm number', optional: true, aliases: ['Номер работы'] },
  { key: 'number', ru: 'Номер клиента', en: 'client number', aliases: ['Клиент'] },
  { key: 'contact', ru: 'Контактное лицо', en: 'contact', optional: true },
  { key: 'employee', ru: 'Исполнитель', en: 'employee' },
  { key: 'channel', ru: 'Способ контакта', en: 'channel' },
  { key: 'planned', ru: 'Плановая дата', en: 'planned at' },
  { key: 'state', ru: 'Состояние', en: 'state' },
  { key: 'goal', ru: 'Цель контакта', en: 'goal', optional: true },
  { key: 'note', ru: 'Комментарий к действию', en: 'comment', optional: true },
  { key: 'result', ru: 'Причина / результат', en: 'result', optional: true, aliases: ['Причина / результат п'] },
];

const OUTCOMES: Record<string, string> = {
  запланирована: 'planned',
  planned: 'planned',
  'контакт состоялся': 'held',
  held: 'held',
  'контакт состоялся с входом': 'held_with_login',
  held_with_login: 'held_with_login',
  'не состоялся': 'not_held',
  'контакт не состоялся': 'not_held',
  not_held: 'not_held',
};

export function parseOutcome(raw: string): string {
  const v = OUTCOMES[clean(raw).toLowerCase().replace(/\s+/g, ' ')];
  if (!v)
    throw new CellError(
      `«${clean(raw)}» — не состояние (ожидалось Запланирована, Контакт состоялся, Контакт состоялся с входом или Не состоялся)`,
    );
  return v;
}

export function channelOf(raw: string): string {
  const s = clean(raw).toLowerCase();
  if (/телефон|звон|phone/.test(s)) return 'phone';
  if (/почт|письм|e-?mail|рассылк/.test(s)) return 'email';
  if (/визит|выезд|встреч|visit/.test(s)) return 'visit';
  return 'other';
}

export const contactEventsKind: ImportKind = {
  kind: 'contact-events',
  title: 'Работы',
  stage: stageColumns(
    'client_id bigint, contact_name text, employee_id bigint, crm_number text, channel text, planned_at timestamptz, occurred_at timestamptz, outcome text, goal text, note text, result text, natural_key text',
  ),
  *parse(rows, ctx) {
    const key = ordinalKeys();
    const once = onceEach<string>();
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const crm = optText(r.raw('crm'));
      const ref = r.get('number', parseClientRef, true);
      const client = clientId(r, 'number', ctx, ref?.number);
      const employee = employeeId(r, 'employee', ctx, r.get('employee', clean, true));
      const contact = r.get('contact', personName) ?? null;
      const channel = r.get('channel', channelOf, true);
      const planned = r.get('planned', (raw) => parseDateTime(raw, ctx.tz), true);
      const result = optText(r.raw('result'));
      let outcome = r.get('state', parseOutcome, true);
      if (outcome === 'held' && result && parseResultOutcome(result) === 'held_with_login') outcome = 'held_with_login';
      if (crm) {
        once(r, 'crm', crm, `работа ${crm}`, 'каждая работа один раз');
      }
      if (client === undefined || planned === undefined || !outcome) return undefined;
      ctx.cover(planned.toISOString().slice(0, 10));
      const natural = crm ? `crm|${crm}` : key([ref?.number, employee, planned.toISOString(), contact]);
      const occurred = outcome === 'planned' ? null : planned;
      return [
        client,
        contact,
        employee,
        crm,
        channel,
        planned,
        occurred,
        outcome,
        optText(r.raw('goal')),
        optText(r.raw('note')),
        result,
        natural,
      ];
    });
  },
  apply: applyContactEvents,
};

function parseResultOutcome(result: string): string | undefined {
  return OUTCOMES[result.toLowerCase().replace(/\s+/g, ' ')];
}
