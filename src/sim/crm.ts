/**
 * The simulated RIC's CRM: the demo generator's RIC with the staff the run asks for, and every
 * simulated week its exports written in their real layouts (the demo's writers: Windows-1251
 * TSV, the OLAP layout, `;` CSV, workbooks) into the service's inbox, plus the CRM's echo of
 * the contact events churnguard recorded (the «Работы» export with the CRM's own numbers), and
 * the CRM's own indicator, «Фиксация отклонений» of the week just ended (see crmComponents).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { App } from '../app.js';
import { type CrmDeviationClient, crmDeviationsFile, crmIndicator } from '../demo-data/crm-deviations.js';
import { type DemoClient, type DemoEmployee, type DemoRic, generateRic } from '../demo-data/model.js';
import { fullName, person, shortName, translit } from '../demo-data/names.js';
import { Rng } from '../demo-data/random.js';
import { writeRic } from '../demo-data/write.js';
import { addDays, addMonths, type IsoDate } from '../domain/dates.js';
import { periodRange } from '../domain/periods.js';
import { contactEventsTable } from '../exports/crm.js';
import type { ImportKindName } from '../imports/kind.js';

/** A head leads at most this many specialists: a larger desk has more departments. */
const PER_DEPARTMENT = 10;

/** The departments of a desk of `remote` and `field` specialists: two remote ones at least, one field one. */
function departments(remote: number, field: number): { remote: string[]; field: string[] } {
  const n = (people: number, least: number) => Math.max(least, Math.ceil(people / PER_DEPARTMENT));
  return {
    remote: Array.from({ length: n(remote, 2) }, (_, i) => `Дистанционный сервис ${i + 1}_502`),
    field: Array.from({ length: n(field, 1) }, (_, i) => (i ? `Сопровождение ${i + 1}_502` : 'Сопровождение_502')),
  };
}

/**
 * A head for each department, `remote` remote and `field` field specialists shared among them
 * in turn, names all distinct.
 */
function staff(seed: number, remote: number, field: number): DemoEmployee[] {
  const rng = new Rng(seed ^ 0x57aff);
  const taken = new Set<string>();
  const out: DemoEmployee[] = [];
  const add = (department: string, role: DemoEmployee['role']) => {
    let p = person(rng);
    for (let i = 0; i < 1000 && (taken.has(p.surname) || taken.has(shortName(p))); i++) p = person(rng);
    // A large desk (10 000 clients: 123 people) runs out of surnames: then distinct «Фамилия И.О.» is enough.
    for (let i = 0; i < 100_000 && taken.has(shortName(p)); i++) p = person(rng);
    if (taken.has(shortName(p))) throw new Error(`simulate: too many specialists for distinct names (${remote + field})`);
    taken.add(p.surname);
    taken.add(shortName(p));
    const phone = `8-900-${String(100 + out.length).padStart(3, '0')}-00-00`;
    out.push({ person: p, department, role, email: `${translit(p.surname)}@ric502.example`, phone });
  };
  const deps = departments(remote, field);
  for (const d of [...deps.remote, ...deps.field]) add(d, 'head');
  for (let i = 0; i < remote; i++) add(deps.remote[i % deps.remote.length] as string, 'remote');
  for (let i = 0; i < field; i++) add(deps.field[i % deps.field.length] as string, 'field');
  return out;
}

/** The demo generator's RIC on `today`, its clients shared among the run's specialists. */
export function simRic(opts: { clients: number; seed: number; today: IsoDate; remote: number; field: number }): DemoRic {
  const ric = generateRic({ clients: opts.clients, seed: opts.seed, today: opts.today });
  const employees = staff(opts.seed, opts.remote, opts.field);
  const remote = employees.filter((e) => e.role === 'remote');
  const field = employees.filter((e) => e.role === 'field');
  ric.clients.forEach((c, i) => {
    c.remote = remote[i % remote.length] as DemoEmployee;
    c.field = c.field && field.length ? (field[i % field.length] as DemoEmployee) : null;
  });
  const deps = departments(opts.remote, opts.field);
  return { ...ric, departments: [...deps.remote, ...deps.field], employees };
}

/** How far back each weekly export reaches (a CRM report is for a period, not all history). */
const WINDOW_DAYS = { webinars: 182, lk: 91, hotline: 182 };

/** The RIC as the CRM exports it on `today`: each activity list cut to its report's window. */
function exportView(ric: DemoRic, today: IsoDate, first: boolean): DemoRic {
  const since = (days: number) => addDays(today, -days);
  return {
    ...ric,
    today,
    clients: ric.clients.map((c) => ({
      ...c,
      contactsBefore: c.contacts,
      activity: {
        ...c.activity,
        webinars: c.activity.webinars.filter((w) => w.date >= since(WINDOW_DAYS.webinars) && w.date <= today),
        lk: c.activity.lk.filter((r) => r.date >= since(WINDOW_DAYS.lk) && r.date <= today),
        hotline: c.activity.hotline.filter((r) => r.date >= since(WINDOW_DAYS.hotline) && r.date <= today),
        // The CRM's history of contact events comes once; afterwards its echo of churnguard's.
        events: first ? c.activity.events : [],
      },
    })),
  };
}

/** Kinds written every week; the first week adds the earlier contacts snapshot and the contact history. */
const WEEKLY: ReadonlySet<string> = new Set([
  '01-employees.tsv',
  '02-clients.tsv',
  '04-contacts.tsv',
  '05-online-usage.txt',
  '06-trainings.csv',
  '07-webinars.tsv',
  '08-lk-requests.tsv',
  '09-hotline.tsv',
  '11-payments.csv',
]);

const FIRST: ReadonlySet<string> = new Set([...WEEKLY, '10-contact-events.tsv']);

/**
 * Write the week's exports into `inbox/<kind>/` as `<tag>-<name>` (written aside, then renamed
 * in, as a CRM's transfer would), and return how many files arrived.
 */
export async function deliverWeek(ric: DemoRic, today: IsoDate, inbox: string, tag: string, first: boolean): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'cg-sim-'));
  try {
    const files = await writeRic(exportView(ric, today, first), scratch, { only: first ? FIRST : WEEKLY });
    let n = 0;
    for (const [kind, name] of files) {
      mkdirSync(join(inbox, kind), { recursive: true });
      renameSync(join(scratch, name), join(inbox, kind, `${tag}-${name}`));
      n++;
    }
    return n;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The CRM's echo of the contact events churnguard exported for [from, to): the «Работы»
 * export (`export contact-events`) as the CRM writes it back, each row with a CRM number.
 * Returns the number of rows and the next CRM number.
 */
export async function deliverEcho(
  app: App,
  ric: DemoRic,
  from: Date,
  to: Date,
  inbox: string,
  name: string,
  crmNumber: number,
): Promise<{ rows: number; next: number }> {
  const table = await contactEventsTable(app, from, to);
  if (!table.rows.length) return { rows: 0, next: crmNumber };
  let n = crmNumber;
  const rows = table.rows.map((r) => [String(++n), ...r.slice(1)]);
  rememberEcho(ric, rows);
  const text = `${[table.header, ...rows].map((r) => r.join('\t')).join('\r\n')}\r\n`;
  const kind: ImportKindName = 'contact-events';
  mkdirSync(join(inbox, kind), { recursive: true });
  const tmp = join(inbox, kind, `.${name}.part`);
  writeFileSync(tmp, iconv.encode(text, 'win1251'));
  renameSync(tmp, join(inbox, kind, name));
  return { rows: rows.length, next: n };
}

export function employeeName(e: DemoEmployee): string {
  return fullName(e.person);
}

/**
 * The echo's rows become the CRM's own contact history (its «Работы»): what its indicator's
 * «Контакт с ЛПР» reads. Columns as `contactEventsTable` writes them: number, client, contact,
 * employee, channel, `dd.mm.yyyy hh:mm:ss`, state, goal, note, result.
 */
function rememberEcho(ric: DemoRic, rows: string[][]): void {
  const byNumber = new Map(ric.clients.map((c) => [c.number, c]));
  for (const r of rows) {
    const c = byNumber.get(Number(r[1]));
    const at = /^(\d{2})\.(\d{2})\.(\d{4}) (\S+)$/.exec(r[5] ?? '');
    if (!c || !at) continue;
    c.activity.events.push({
      date: `${at[3]}-${at[2]}-${at[1]}`,
      time: at[4] as string,
      state: r[6] as DemoClient['activity']['events'][number]['state'],
      result: r[9] ?? '',
      contact: r[2] || null,
      channel: r[4] ?? '',
      goal: r[7] ?? '',
      comment: r[8] ?? '',
    });
  }
}

/**
 * The CRM's own five component scores of a client for the week ending `sunday`, from what the
 * CRM holds and nothing else (neither churnguard's scores nor the world's hidden health). Its
 * rules are the source's, read the CRM's simpler way: calendar months, no per-category norm.
 * - Обучение: anyone of the client trained within 2 years 0,20, else 0,50;
 * - Использование ЛК: requests in 3 months: none 0,50, one 0,30, more 0,20;
 * - Контакт с ЛПР: held contacts with a person the CRM marks ЛПР in 3 months: none 0,50, else 0,20;
 * - Нет входов в систему: the last 4 weeks: no login 0,50, logins in fewer than 2 of them 0,30, else 0,20;
 * - Посещение семинаров: webinar visits in 6 months: none 0,50, one 0,30, more 0,20.
 * The indicator is the demo CRM's own formula (`crmIndicator`), not the mean of the five.
 */
export function crmComponents(c: DemoClient, sunday: IsoDate): number[] {
  const a = c.activity;
  const within = (date: IsoDate, months: number) => date > addMonths(sunday, -months) && date <= sunday;
  const byCount = (n: number) => (n === 0 ? 0.5 : n === 1 ? 0.3 : 0.2);
  const lprs = new Set(c.contacts.filter((k) => k.lpr).map((k) => k.name));
  const weeks = a.weekly.slice(-4);
  const active = weeks.filter((x) => x > 0).length;
  return [
    a.trainings.some((t) => within(t.date, 24)) ? 0.2 : 0.5,
    byCount(Math.min(2, a.lk.filter((r) => within(r.date, 3)).length)),
    a.events.some((e) => e.state === 'Контакт состоялся' && e.contact !== null && lprs.has(e.contact) && within(e.date, 3)) ? 0.2 : 0.5,
    active === 0 ? 0.5 : active < 2 ? 0.3 : 0.2,
    byCount(Math.min(2, a.webinars.filter((w) => within(w.date, 6)).length)),
  ];
}

/** How the CRM writes a responsible employee: the full name, a field specialist marked «(СИУ)». */
function responsible(c: DemoClient): CrmDeviationClient['employees'] {
  const out = [{ name: fullName(c.remote.person), department: c.remote.department }];
  if (c.field) out.push({ name: `${fullName(c.field.person)} (СИУ)`, department: c.field.department });
  return out;
}

/**
 * The CRM's «Фиксация отклонений» of ISO `week` (just ended), in its real layout (the demo's
 * writer), into `inbox/deviations/`: a row per client it still serves. Returns the CRM's
 * indicator per client number (the run's figures compare it with churnguard's).
 */
export function deliverDeviations(ric: DemoRic, ricCode: string, week: string, inbox: string): Map<number, number> {
  const sunday = periodRange('isoweek', week).end;
  const rows: CrmDeviationClient[] = ric.clients
    .filter((c) => c.state !== 'disconnected' && c.state !== 'liquidation')
    .map((c) => ({ number: c.number, name: c.name, employees: responsible(c), components: crmComponents(c, sunday) }));
  const kind: ImportKindName = 'deviations';
  mkdirSync(join(inbox, kind), { recursive: true });
  const name = `${week}-deviations.txt`;
  const tmp = join(inbox, kind, `.${name}.part`);
  writeFileSync(tmp, crmDeviationsFile(ricCode, week, rows));
  renameSync(tmp, join(inbox, kind, name));
  return new Map(rows.map((r) => [r.number, crmIndicator(r.components) as number]));
}
