/**
 * Back to the CRM: what churnguard recorded, in the columns and value forms of the CRM's own
 * exports, so the desk loads it into the CRM instead of typing it again.
 * - `contact-events`: the contact events recorded here (outcomes from the CLI, the API and the
 *   diary) as the «Работы» export the `contact-events` import reads;
 * - `tasks`: the tasks churnguard created (the «ПриЗ» the CRM would hold).
 * Every row carries churnguard's reference in «Комментарий к действию» (`[cg:task 123]`), which
 * the contact-events import recognises when the CRM sends the row back (no double counting).
 * Windows-1251 tab-separated text with CRLF by default (the CRM's own form), or `.xlsx`.
 */
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { App } from '../app.js';
import { neutraliseFormula } from '../domain/clean-text.js';
import { CRM_CONTACT_EVENT_COLUMNS } from '../domain/crm-columns.js';
import { addDays, localParts, zonedTime } from '../domain/dates.js';

export type ExportKind = 'contact-events' | 'tasks';
export const EXPORT_KINDS: readonly ExportKind[] = ['contact-events', 'tasks'];
export type ExportFormat = 'tsv' | 'xlsx';

export interface ExportRequest {
  kind: ExportKind;
  /** Local dates (RIC's zone), inclusive. */
  from: string;
  to: string;
  format: ExportFormat;
  out: string;
}

/** The CRM's «Способ контакта» of a channel. */
export const CHANNELS: Record<string, string> = {
  phone: 'Телефонный звонок',
  email: 'Электронное письмо',
  visit: 'Визит',
  other: 'Другое',
};

const EVENT_STATES: Record<string, [string, string | null]> = {
  planned: ['Запланирована', null],
  held: ['Контакт состоялся', null],
  held_with_login: ['Контакт состоялся', 'Контакт состоялся с входом'],
  not_held: ['Не состоялся', null],
  refused: ['Не состоялся', 'Отказ'],
};

const DIRECTIONS: Record<string, string> = {
  remote_contact: 'Дистанционный контакт',
  anti_competitor: 'Антиконкурент',
  upsell: 'Допродажа',
  service: 'Обслуживание',
};

const TASK_STATES: Record<string, string> = { open: 'Действует', done: 'Выполнено', cancelled: 'Отменено' };

const p2 = (n: number) => String(n).padStart(2, '0');

/** `dd.mm.yyyy hh:mm:ss` in the RIC's zone, as the CRM writes dates. */
export function crmDateTime(d: Date | null, tz: string): string {
  if (!d) return '';
  const p = localParts(d, tz);
  return `${p2(p.day)}.${p2(p.month)}.${p.year} ${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`;
}

/** A text the CRM's TSV cannot break: no tabs or line breaks. */
function cell(v: string | null | undefined): string {
  return (v ?? '').replace(/[\t\r\n]+/g, ' ').trim();
}

function withRef(note: string | null, ref: string): string {
  const n = cell(note);
  return n ? `${n} ${ref}` : ref;
}

export interface ExportTable {
  header: string[];
  rows: string[][];
}

export async function contactEventsTable(app: App, from: Date, to: Date): Promise<ExportTable> {
  const tz = app.config.ric.timeZone;
  const { rows } = await app.pool.query<{
    id: number;
    crm_number: string | null;
    number: number;
    contact_name: string | null;
    employee: string | null;
    channel: string;
    at: Date | null;
    outcome: string;
    goal: string | null;
    note: string | null;
    result: string | null;
    task_id: number | null;
  }>(
    `SELECT e.id, e.crm_number, c.number, e.contact_name, m.name AS employee, e.channel, coalesce(e.occurred_at, e.planned_at) AS at,
            e.outcome, e.goal, e.note, e.result, e.task_id
       FROM contact_events e JOIN clients c ON c.id = e.client_id LEFT JOIN employees m ON m.id = e.employee_id
      WHERE e.import_id IS NULL AND coalesce(e.occurred_at, e.planned_at) >= $1 AND coalesce(e.occurred_at, e.planned_at) < $2
      ORDER BY at, e.id`,
    [from, to],
  );
  return {
    header: [...CRM_CONTACT_EVENT_COLUMNS],
    rows: rows.map((r) => {
      const [state, result] = EVENT_STATES[r.outcome] ?? ['Контакт состоялся', null];
      const ref = r.task_id !== null ? `[cg:task ${r.task_id}]` : `[cg:event ${r.id}]`;
      return [
        cell(r.crm_number),
        String(r.number).padStart(6, '0'),
        cell(r.contact_name),
        cell(r.employee),
        CHANNELS[r.channel] ?? CHANNELS.other ?? '',
        crmDateTime(r.at, tz),
        state,
        cell(r.goal),
        withRef(r.note, ref),
        cell(result ?? r.result),
      ];
    }),
  };
}

export async function tasksTable(app: App, from: Date, to: Date): Promise<ExportTable> {
  const tz = app.config.ric.timeZone;
  const { rows } = await app.pool.query<{
    id: number;
    number: number | null;
    contact: string | null;
    employee: string | null;
    direction: string;
    title: string;
    planned_at: Date | null;
    due_at: Date | null;
    state: string;
    note: string | null;
    priority: number;
  }>(
    `SELECT t.id, c.number, k.full_name AS contact, m.name AS employee, t.direction, t.title, t.planned_at, t.due_at, t.state, t.note,
            t.priority
       FROM tasks t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN contacts k ON k.id = t.contact_id
       LEFT JOIN employees m ON m.id = t.assignee_id
      WHERE coalesce(t.planned_at, t.created_at) >= $1 AND coalesce(t.planned_at, t.created_at) < $2
      ORDER BY coalesce(t.planned_at, t.created_at), t.id`,
    [from, to],
  );
  return {
    header: [
      'Номер',
      'Номер клиента',
      'Контактное лицо',
      'Исполнитель',
      'Направление деятельности',
      'Цель контакта',
      'Плановая дата',
      'Срок',
      'Приоритет',
      'Состояние',
      'Комментарий к действию',
    ],
    rows: rows.map((r) => [
      '',
      r.number === null ? '' : String(r.number).padStart(6, '0'),
      cell(r.contact),
      cell(r.employee),
      DIRECTIONS[r.direction] ?? r.direction,
      cell(r.title),
      crmDateTime(r.planned_at, tz),
      crmDateTime(r.due_at, tz),
      String(r.priority),
      TASK_STATES[r.state] ?? r.state,
      withRef(r.note, `[cg:task ${r.id}]`),
    ]),
  };
}

/** The rows of one kind recorded in [from, to), every cell through the formula neutraliser. */
export async function crmTable(app: App, kind: ExportKind, from: Date, to: Date): Promise<ExportTable> {
  const raw = kind === 'tasks' ? await tasksTable(app, from, to) : await contactEventsTable(app, from, to);
  // Every cell, whatever column it is in, passes the one neutraliser: a title or note
  // starting with `=HYPERLINK(…)` reaches the CRM (or Excel) as text, never as a formula.
  return { header: raw.header.map(neutraliseFormula), rows: raw.rows.map((r) => r.map(neutraliseFormula)) };
}

/** The CRM's own text form: Windows-1251, tab-separated, CRLF. */
export function crmTsv(table: ExportTable): Buffer {
  const text = [table.header, ...table.rows].map((r) => r.join('\t')).join('\r\n');
  return iconv.encode(`${text}\r\n`, 'win1251');
}

/** Write the export; returns the number of rows. */
export async function exportForCrm(app: App, req: ExportRequest): Promise<number> {
  const tz = app.config.ric.timeZone;
  const from = zonedTime(req.from, 0, 0, tz);
  const to = zonedTime(addDays(req.to, 1), 0, 0, tz);
  const table = await crmTable(app, req.kind, from, to);
  if (req.format === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(req.kind === 'tasks' ? 'ПриЗ' : 'Работы', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(table.header).font = { bold: true };
    for (const r of table.rows) ws.addRow(r);
    ws.columns.forEach((c, i) => {
      c.width = Math.min(60, Math.max(10, ...[table.header[i] ?? '', ...table.rows.map((r) => r[i] ?? '')].map((s) => s.length + 2)));
    });
    await writeFile(req.out, Buffer.from(await wb.xlsx.writeBuffer()));
  } else {
    await writeFile(req.out, crmTsv(table));
  }
  return table.rows.length;
}
