/**
 * The demo RIC written as the CRM exports it: tab-separated text in Windows-1251 with CRLF,
 * UTF-8 with and without BOM, a `;` CSV with quoted Russian numbers, the OLAP layout of the
 * online-usage report with its settings block, and Excel workbooks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { CRM_CONTACT_EVENT_COLUMNS } from '../domain/crm-columns.js';
import { addDays } from '../domain/dates.js';
import { monthOfYear } from '../domain/ru.js';
import type { ImportKindName } from '../imports/kind.js';
import { firstUsageWeek, lkExportStart, USAGE_WEEKS } from './activity.js';
import type { DemoContact, DemoEmployee, DemoRic } from './model.js';
import { fullName, shortName } from './names.js';
import { stampZip } from './stable-zip.js';

type Cell = string | number;
interface TextFormat {
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1251';
  delimiter: '\t' | ';';
  crlf: boolean;
}

const TSV_1251: TextFormat = { encoding: 'windows-1251', delimiter: '\t', crlf: true };
const TSV_UTF8: TextFormat = { encoding: 'utf-8', delimiter: '\t', crlf: false };

export const ruDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const MONEY = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** `15 000,00` with the non-breaking spaces the CRM writes. */
export const ruMoney = (n: number) => MONEY.format(n);
const yesNo = (b: boolean) => (b ? 'Да' : 'Нет');

function field(v: Cell, delimiter: string): string {
  const s = String(v);
  return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeText(path: string, rows: Cell[][], f: TextFormat): void {
  const text =
    rows.map((r) => r.map((v) => field(v, f.delimiter)).join(f.delimiter)).join(f.crlf ? '\r\n' : '\n') + (f.crlf ? '\r\n' : '\n');
  const body =
    f.encoding === 'windows-1251' ? iconv.encode(text, 'win1251') : Buffer.from(f.encoding === 'utf-8-bom' ? `\uFEFF${text}` : text);
  writeFileSync(path, body);
}

async function writeXlsx(path: string, title: string, rows: Cell[][], at: Date): Promise<void> {
  const wb = new ExcelJS.Workbook();
  // Fixed document dates keep the file byte-identical for the same seed, so a re-seed is a no-op.
  wb.created = at;
  wb.modified = at;
  const ws = wb.addWorksheet('Отчет');
  ws.addRow([title]);
  ws.addRow([]);
  for (const r of rows) ws.addRow(r);
  writeFileSync(path, stampZip(Buffer.from(await wb.xlsx.writeBuffer()), at));
}

const remoteLabel = (e: DemoEmployee) => `${shortName(e.person)} (Специалист дистанционного контакта)`;
const ROLE_LABEL = { remote: 'ДИС', field: 'ТС', head: 'руководитель' } as const;
const STATE_LABEL = {
  served: 'Обслуживается',
  primary_advance: 'Первичный аванс',
  disconnected: 'Отключен',
  reorganization: 'Реорганизация',
  liquidation: 'Ликвидация',
} as const;
const FLAG_LABEL = { double: 'двойной', retention: 'на удержании' } as const;

function contactRows(ric: DemoRic, pick: (c: DemoRic['clients'][number]) => DemoContact[]): Cell[][] {
  const header = [
    'Номер клиента',
    'ФИО',
    'Должность',
    'Тип должности',
    'ЛПР',
    'ЛВПР',
    'Ключевой пользователь',
    'Пользователь системы',
    'Email',
    'Телефон',
    'Согласие на рассылку',
    'Частота контакта, мес',
    'Интересы',
  ];
  return [
    header,
    ...ric.clients.flatMap((c) =>
      pick(c).map((k) => [
        c.number,
        k.name,
        k.position,
        k.positionType,
        yesNo(k.lpr),
        yesNo(k.lvpr),
        yesNo(k.keyUser),
        yesNo(k.systemUser),
        k.email ?? '',
        k.phone,
        yesNo(k.consent),
        k.frequency ?? '',
        k.interests.join(', '),
      ]),
    ),
  ];
}

/** The CRM cuts long names in OLAP rows; the importer matches them by number. */
const olapName = (name: string) => (name.length > 48 ? `${name.slice(0, 45).trimEnd()}...` : name);

function onlineUsageRows(ric: DemoRic): Cell[][] {
  const first = firstUsageWeek(ric.today);
  const weeks = Array.from({ length: USAGE_WEEKS }, (_, w) => `с ${ruDate(addDays(first, 7 * w))} по ${ruDate(addDays(first, 7 * w + 6))}`);
  const pad = (r: Cell[]) => [...r, ...Array(Math.max(0, weeks.length + 2 - r.length)).fill('')];
  const totals = weeks.map((_, w) => ric.clients.reduce((s, c) => s + (c.activity.weekly[w] ?? 0), 0));
  return [
    ['Загрузка статистики использования online-версии (OLAP)'],
    [],
    [monthOfYear(ric.today.slice(0, 7))],
    [],
    ['Настройка [ДИС502 Активность онлайн]'],
    [],
    pad(['Разрез', 'Значение', 'Актив...', 'Количество входов']),
    pad(['', '', '', ...weeks]),
    pad(['РИЦ', 'РИЦ502']),
    pad(['Направление деят...', 'Дистанционный контакт']),
    pad(['Период', 'Неделя']),
    pad(['Технологический т...', 'ОВП,ОВМ,ОВС,ОВПИ,ОВК']),
    pad(['Состояние дистриб...', 'Подключен']),
    [],
    ['Описание', 'Актив...', ...weeks],
    ...ric.clients.map((c) => {
      const recent = c.activity.weekly.slice(-4).reduce((s, x) => s + x, 0);
      const active = c.pattern === 'dead' ? 'Нет' : c.pattern === 'steady' && recent > 0 ? 'Да' : '';
      const users = c.contacts.filter((k) => k.systemUser).length || 1;
      return [`${c.number} - ${olapName(c.name)} (${users})`, active, ...c.activity.weekly.map((n) => `${n},00`)];
    }),
    [`Итого: (${ric.clients.length})`, '', ...totals.map((n) => `${n},00`)],
  ];
}

/** The clients export («Клиенты»), each client in the state `stateOf` gives. */
function clientRows(ric: DemoRic, stateOf: (c: DemoRic['clients'][number]) => DemoRic['clients'][number]['state']): Cell[][] {
  return [
    [
      'Номер клиента',
      'Клиент',
      'РИЦ',
      'Категория',
      'Сумма ИО, руб/мес',
      'Состояние',
      'Дата подключения',
      'Окончание первичного аванса',
      'Ответственный ДИС',
      'Ответственный ТС',
      'Признаки',
    ],
    ...ric.clients.map((c) => [
      c.number,
      c.name,
      'РИЦ502',
      c.category,
      ruMoney(c.fee),
      STATE_LABEL[stateOf(c)],
      ruDate(c.connected),
      c.primaryAdvanceUntil ? ruDate(c.primaryAdvanceUntil) : '',
      remoteLabel(c.remote),
      c.field ? `${shortName(c.field.person)} (СИУ)` : '',
      c.flags.map((f) => FLAG_LABEL[f]).join(', '),
    ]),
  ];
}

/** Every file of the demo RIC (or those named in `only`), in import order: [kind, file name]. */
export async function writeRic(ric: DemoRic, dir: string, opts: { only?: ReadonlySet<string> } = {}): Promise<[ImportKindName, string][]> {
  const files: [ImportKindName, string][] = [];
  const wanted = (name: string) => !opts.only || opts.only.has(name);
  const text = (kind: ImportKindName, name: string, rows: Cell[][], f: TextFormat) => {
    if (!wanted(name)) return;
    writeText(join(dir, name), rows, f);
    files.push([kind, name]);
  };
  text(
    'employees',
    '01-employees.tsv',
    [
      ['ФИО', 'Подразделение', 'Роль', 'Email', 'Телефон', 'Руководитель подразделения'],
      ...ric.employees.map((e) => [fullName(e.person), e.department, ROLE_LABEL[e.role], e.email, e.phone, yesNo(e.role === 'head')]),
    ],
    { ...TSV_UTF8, encoding: 'utf-8-bom' },
  );
  // The clients as the CRM showed them before this week's changes of state (the reorganisations
  // and liquidations still served), then as they are: those changes come after the first scan's
  // baseline, so they are news for field support, as the earlier contacts make key-person changes.
  const before = (c: DemoRic['clients'][number]) => (c.state === 'reorganization' || c.state === 'liquidation' ? 'served' : c.state);
  text('clients', '02-clients-earlier.tsv', clientRows(ric, before), TSV_1251);
  text(
    'clients',
    '02-clients.tsv',
    clientRows(ric, (c) => c.state),
    TSV_1251,
  );
  if (wanted('03-contacts-earlier.xlsx')) {
    await writeXlsx(
      join(dir, '03-contacts-earlier.xlsx'),
      'Контактные лица клиентов (OLAP)',
      contactRows(ric, (c) => c.contactsBefore),
      new Date(`${ric.today}T00:00:00Z`),
    );
    files.push(['contacts', '03-contacts-earlier.xlsx']);
  }
  text(
    'contacts',
    '04-contacts.tsv',
    contactRows(ric, (c) => c.contacts),
    TSV_1251,
  );
  text('online-usage', '05-online-usage.txt', onlineUsageRows(ric), TSV_1251);
  const each = <T>(pick: (c: DemoRic['clients'][number]) => T[], row: (c: DemoRic['clients'][number], x: T) => Cell[]) =>
    ric.clients.flatMap((c) => pick(c).map((x) => row(c, x)));
  text(
    'trainings',
    '06-trainings.csv',
    [
      ['Номер клиента', 'ФИО', 'Дата обучения', 'Тема'],
      ...each(
        (c) => c.activity.trainings,
        (c, t) => [c.number, t.name, ruDate(t.date), t.topic],
      ),
    ],
    { encoding: 'utf-8', delimiter: ';', crlf: true },
  );
  text(
    'webinars',
    '07-webinars.tsv',
    [
      ['Номер клиента', 'ФИО', 'Дата', 'Вебинар'],
      ...each(
        (c) => c.activity.webinars,
        (c, w) => [c.number, w.name, ruDate(w.date), w.title],
      ),
    ],
    TSV_UTF8,
  );
  // The cabinet-requests export starts later than the others and says so in its settings block:
  // weeks whose 3-month window reaches before it get ЛК «н/д» (coverage, not only age).
  text(
    'lk-requests',
    '08-lk-requests.tsv',
    [
      ['Обращения в личном кабинете'],
      ['Период', `с ${ruDate(lkExportStart(ric.today))} по ${ruDate(addDays(ric.today, -1))}`],
      [],
      ['Номер клиента', 'Дата', 'Тип обращения'],
      ...each(
        (c) => c.activity.lk,
        (c, r) => [`${c.number} - ${olapName(c.name)}`, ruDate(r.date), r.type],
      ),
    ],
    TSV_UTF8,
  );
  text(
    'hotline',
    '09-hotline.tsv',
    [
      ['Номер клиента', 'Дата', 'Тип'],
      ...each(
        (c) => c.activity.hotline,
        (c, r) => [c.number, ruDate(r.date), r.kind],
      ),
    ],
    TSV_1251,
  );
  let crm = 7_183_000;
  text(
    'contact-events',
    '10-contact-events.tsv',
    [
      [...CRM_CONTACT_EVENT_COLUMNS],
      ...each(
        (c) => c.activity.events,
        (c, e) => [
          ++crm,
          c.number,
          e.contact ?? '',
          remoteLabel(c.remote),
          e.channel,
          `${ruDate(e.date)} ${e.time}`,
          e.state,
          e.goal,
          e.comment,
          e.result,
        ],
      ),
    ],
    TSV_1251,
  );
  text(
    'payments',
    '11-payments.csv',
    [
      ['Номер клиента', 'Месяц', 'Начислено', 'Оплачено', 'Задолженность'],
      ...each(
        (c) => c.activity.payments,
        (c, p) => [c.number, `${p.month.slice(5, 7)}.${p.month.slice(0, 4)}`, ruMoney(p.charged), ruMoney(p.paid), ruMoney(p.debt)],
      ),
    ],
    { encoding: 'utf-8-bom', delimiter: ';', crlf: true },
  );
  return files;
}

/**
 * The «Отсутствия» sample: the first field specialist away from `from` to `to` (a week's leave
 * within the demo's month, so the plan and the head's overflow list show it). Written beside the
 * CRM's files by `seed-demo` only; the simulated CRM's weekly exports stay without it.
 */
export function writeAbsences(ric: DemoRic, dir: string, from: string, to: string): [ImportKindName, string] | null {
  const away = ric.employees.find((e) => e.role === 'field');
  if (!away) return null;
  const name = '12-absences.tsv';
  writeText(
    join(dir, name),
    [
      ['Сотрудник', 'С', 'По'],
      [fullName(away.person), ruDate(from), ruDate(to)],
    ],
    TSV_1251,
  );
  return ['absences', name];
}
