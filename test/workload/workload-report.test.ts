/**
 * «Загрузка сотрудников» (`report workload`) over real HTTP: a head reads per person and working
 * day the norm, the planned visits, the held ones, what does not fit, the open visits and their
 * age, with the chart of planned visits against the norm, only for the own department; the CSV
 * and the workbook carry the same figures as the plan in the database and as the admin script;
 * and the head decides on what does not fit right under the report.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTasks, type NewTask } from '../../src/db/tasks.js';
import { zonedTime } from '../../src/domain/dates.js';
import { planWork } from '../../src/workload/plan-work.js';
import { csrfOf, DiaryClient, openSignInLink } from '../diary/client.js';
import { type DiaryDesk, type DiaryWorld, openDiaryDesk } from '../diary/fixtures.js';
import { addClient } from '../fixtures/desk.js';
import type { TestEnv } from '../helpers/env.js';
import { cli as cliOf } from '../imports/helpers.js';

const DEPARTMENT = 'Дистанционный сервис 1_502';
const RANGE = 'from=2024-06-03&to=2024-06-14';
const HEADERS = [
  'Подразделение',
  'Сотрудник',
  'Дата',
  'Норма',
  'Запланировано визитов',
  'Загрузка',
  'Выполнено',
  'Не помещается',
  'Открыто визитов',
  'Медианный возраст открытых, дней',
  'Примечание',
];

let desk: DiaryDesk;
let t: TestEnv;
let w: DiaryWorld;

const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  // A norm of 3 contacts a day, none kept back: Anna's seven clients due by Friday overflow by one.
  desk = await openDiaryDesk({ overrides: { workload: { remote: 3, field: 3, head: 3, reserveShare: 0, defaultDueWorkingDays: 5 } } });
  ({ t, w } = desk);
  const more: NewTask[] = [];
  for (let i = 0; i < 5; i++) {
    const client = await addClient(t.app.pool, { remoteId: w.annaId, fee: 5000 + i, number: 881000 + i });
    more.push({
      kind: 'risk-review',
      title: `Клиент с высоким риском ${i}`,
      assigneeId: w.annaId,
      clientId: client,
      plannedAt: zonedTime('2024-06-06', 9, 0, 'Europe/Moscow'),
      dueAt: zonedTime('2024-06-07', 18, 0, 'Europe/Moscow'),
      dedupKey: `workload-report.${i}`,
      createdBy: 'test',
    });
  }
  await insertTasks(t.app.pool, more, new Date('2024-06-06T06:00:00Z'));
  // Boris is away on Monday and Tuesday of the next week.
  await q(`INSERT INTO employee_absences (employee_id, from_date, to_date) VALUES ($1, '2024-06-10', '2024-06-11')`, [w.borisId]);
  await planWork(t.app);
});
afterAll(() => desk?.close());

async function signedIn(name: string): Promise<DiaryClient> {
  const res = await cliOf(t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(desk.base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

async function download(c: DiaryClient, path: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(desk.base + path, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The CSV's first section as records keyed by header (RFC 4180 quotes). */
function firstSection(csv: string): Record<string, string>[] {
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
  const cells = (line: string) =>
    [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => (m[1] as string).replace(/^"|"$/g, '').replace(/""/g, '"'));
  const start = lines.indexOf('По сотрудникам и рабочим дням') + 1;
  const header = cells(lines[start] as string);
  const out: Record<string, string>[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    const row = cells(line);
    out.push(Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])));
  }
  return out;
}

describe('the workload report in the diary', () => {
  it('shows a head the own department per person and working day, with the chart of planned visits against the norm', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    const res = await head.get(`/diary/reports/workload?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<h1>Загрузка сотрудников</h1>');
    expect(res.body).toContain('с 03.06.2024 по 14.06.2024; подразделение «Дистанционный сервис 1_502»');
    for (const h of HEADERS) expect(res.body).toContain(`>${h}</th>`);
    expect(res.body).toContain('<figcaption>Запланировано и норма за период по сотрудникам</figcaption>');
    expect(res.body).toMatch(/<svg[^>]*>[\s\S]*Норма за период[\s\S]*Запланировано визитов/);
    expect(res.body).toMatch(/name="department"[^>]*value="Дистанционный сервис 1_502"/);
    expect(res.body).toContain('Лукина Елена Ивановна');
    expect(res.body).not.toContain('Лаптева Ольга Юрьевна');
    // What does not fit: listed with its reason, and the three decisions right there.
    const [over] = await q(
      `SELECT v.id, c.number FROM visits v JOIN clients c ON c.id = v.client_id
        WHERE v.assignee_id = $1 AND v.state = 'open' AND v.planned_on IS NULL`,
      [w.annaId],
    );
    expect(res.body).toContain('не помещается до срока 07.06: 7 визитов на 2 рабочих дня при норме 3');
    for (const action of ['move', 'reassign', 'drop']) expect(res.body).toContain(`action="/diary/visits/${over.id}/${action}"`);
    expect(res.body).toContain('<input type="hidden" name="back" value="workload">');
  });

  it('gives the same figures as the plan in the database, in the CSV and the workbook as the admin script', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    // Anna holds one visit today: it counts as held and stays among the planned.
    const anna = await signedIn('Лукина Елена Ивановна');
    const [held] = await q(
      `SELECT id FROM visits WHERE assignee_id = $1 AND state = 'open' AND planned_on = '2024-06-06' ORDER BY id LIMIT 1`,
      [w.annaId],
    );
    const closed = await anna.post(`/diary/visits/${held.id}/outcome`, {
      csrf: csrfOf((await anna.get('/diary')).body),
      outcome: 'held',
      [`reason-${w.tasks.diagnostics}`]: 'no-competitor',
      [`note-${w.tasks.risk}`]: 'договорились о вебинаре',
    });
    expect(closed.status).toBe(303);

    const csv = await download(head, `/diary/reports/workload?${RANGE}&format=csv`);
    expect(csv.status).toBe(200);
    const all = firstSection(csv.bytes.toString('utf8'));
    expect(all.at(-1)?.Подразделение).toBe('Итого: (3)');
    const rows = all.slice(0, -1);
    expect([...new Set(rows.map((r) => r.Сотрудник))].sort()).toEqual([
      'Лукина Елена Ивановна',
      'Савостина Ксения Андреевна',
      'Фисун Екатерина Александровна',
    ]);
    // Nine working days each (12.06 is a holiday), and the plan in the database day by day.
    const planned = await q(
      `SELECT e.name, v.planned_on, count(*)::int AS n FROM visits v JOIN employees e ON e.id = v.assignee_id
        WHERE v.planned_on IS NOT NULL AND v.state <> 'cancelled' GROUP BY 1, 2`,
    );
    for (const r of rows) {
      const [d, m, y] = r.Дата?.split('.') ?? [];
      const inDb = planned.find((p) => p.name === r.Сотрудник && p.planned_on === `${y}-${m}-${d}`)?.n ?? 0;
      expect(Number(r['Запланировано визитов']), `${r.Сотрудник} ${r.Дата}`).toBe(inDb);
      expect(Number(r['Запланировано визитов'])).toBeLessThanOrEqual(Number(r.Норма));
    }
    expect(rows.filter((r) => r.Сотрудник === 'Лукина Елена Ивановна').map((r) => r.Дата)).not.toContain('12.06.2024');
    expect(rows.filter((r) => r.Сотрудник === 'Лукина Елена Ивановна')).toHaveLength(9);
    const today = rows.find((r) => r.Сотрудник === 'Лукина Елена Ивановна' && r.Дата === '06.06.2024');
    expect(today).toMatchObject({ Норма: '3', 'Запланировано визитов': '3', Загрузка: '1', Выполнено: '1' });
    // Seven visits were open this morning; one is held now: six open, one of them does not fit by Friday.
    expect(today?.['Открыто визитов']).toBe('6');
    expect(rows.find((r) => r.Сотрудник === 'Лукина Елена Ивановна' && r.Дата === '07.06.2024')).toMatchObject({
      'Запланировано визитов': '3',
      'Не помещается': '1',
    });
    const away = rows.filter((r) => r.Сотрудник === 'Савостина Ксения Андреевна' && r.Примечание === 'отсутствует');
    expect(away.map((r) => [r.Дата, r.Норма])).toEqual([
      ['10.06.2024', '0'],
      ['11.06.2024', '0'],
    ]);

    // The admin script for the same department: the same CSV, and the same workbook.
    const fromCli = await cliOf(
      t,
      'report',
      'workload',
      '--from',
      '2024-06-03',
      '--to',
      '2024-06-14',
      '--department',
      DEPARTMENT,
      '--format',
      'csv',
    );
    expect(fromCli.code, fromCli.err).toBe(0);
    expect(firstSection(fromCli.out)).toEqual(all);
    const xlsx = await download(head, `/diary/reports/workload?${RANGE}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'По сотрудникам и рабочим дням',
      'По сотрудникам за период',
      'Не помещается в план',
      'Решения руководителя за период',
    ]);
    const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    const cells: unknown[][] = [];
    sheet.eachRow((r) => {
      cells.push((r.values as unknown[]).slice(1));
    });
    const annaToday = cells.find(
      (r) => r[1] === 'Лукина Елена Ивановна' && r[2] instanceof Date && r[2].toISOString().startsWith('2024-06-06'),
    );
    expect(annaToday?.slice(3, 7)).toEqual([3, 3, 1, 1]);
  });

  it('takes the head’s decision under the report and back to it, recorded in the period’s decisions', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    const page = (await head.get(`/diary/reports/workload?${RANGE}`)).body;
    const [over] = await q(`SELECT id FROM visits WHERE assignee_id = $1 AND state = 'open' AND planned_on IS NULL`, [w.annaId]);
    const res = await head.post(`/diary/visits/${over.id}/move`, { csrf: csrfOf(page), to: '2024-06-13', back: 'workload' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/diary/reports/workload?decided=${over.id}&action=move`);
    const after = await head.get(res.location as string);
    expect(after.status).toBe(200);
    expect(after.body).toContain('Срок перенесён.');
    expect(after.body).toMatch(/Перенесён срок<\/td><td class="text">срок 07\.06\.2024 → 13\.06\.2024/);
    expect(after.body).not.toContain(`id="overflow-${over.id}"`);
    expect(await q(`SELECT planned_on IS NOT NULL AS planned FROM visits WHERE id = $1`, [over.id])).toEqual([{ planned: true }]);
    // Any other value of `back` leads to the diary.
    const again = await head.post(`/diary/visits/${over.id}/move`, { csrf: csrfOf(page), to: '2024-06-14', back: 'https://example.com/' });
    expect(again.location).toBe(`/diary?decided=${over.id}&action=move`);
  });

  it('is not there for another department nor for a specialist', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    expect((await head.get(`/diary/reports/workload?department=${encodeURIComponent('Дистанционный сервис 2_502')}`)).status).toBe(404);
    const anna = await signedIn('Лукина Елена Ивановна');
    expect((await anna.get('/diary/reports/workload')).status).toBe(404);
    const bad = await cliOf(t, 'report', 'workload', '--department', 'Нет такого');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--department: «Нет такого» — нет такого подразделения');
  });
});
