/**
 * «Отчёты» in the diary over real HTTP: a head sees the reports about their own department's
 * clients and downloads the same workbook as `admin report … --format xlsx`; a head named in
 * `diary.reportsAllDepartments` sees every department; a specialist sees only the reports
 * about their own clients; another department's data and reports outside the list are "not found".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient, addEmployee } from '../fixtures/desk.js';
import type { TestEnv } from '../helpers/env.js';
import { cli as cliOf } from '../imports/helpers.js';
import { DiaryClient, openSignInLink } from './client.js';
import { type DiaryDesk, type DiaryWorld, openDiaryDesk } from './fixtures.js';

const ALL_HEAD = 'Фомина Юлия Владимировна';
const OTHER_DEPARTMENT = 'Дистанционный сервис 2_502';

let desk: DiaryDesk;
let t: TestEnv;
let base: string;
let w: DiaryWorld;

beforeAll(async () => {
  desk = await openDiaryDesk({ overrides: { diary: { reportsAllDepartments: [ALL_HEAD] } } });
  ({ t, w, base } = desk);
  const { rows } = await t.app.pool.query(`SELECT id FROM departments WHERE name = $1`, [OTHER_DEPARTMENT]);
  await addEmployee(t.app.pool, { name: ALL_HEAD, role: 'head', departmentId: rows[0].id });
  // A client of the other department at risk in the same week as the first department's.
  const pzhkom = (await t.app.pool.query('SELECT id FROM clients WHERE number = 205749')).rows[0].id;
  await t.app.pool.query(
    `INSERT INTO risk_scores (client_id, week, week_end, training, lk, lpr_contact, logins, webinars, indicator, zone, categories, computed_at)
     VALUES ($1, '2024-W22', '2024-06-02', 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 'high', '{}', now())`,
    [pzhkom],
  );
  await addClient(t.app.pool, { number: 300001, name: 'Клиент без специалиста' });
});
afterAll(() => desk?.close());

async function signedIn(name: string): Promise<DiaryClient> {
  const res = await cliOf(t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

async function download(c: DiaryClient, path: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(base + path, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

async function sheetValues(bytes: Buffer | string): Promise<unknown[][][]> {
  const wb = new ExcelJS.Workbook();
  if (typeof bytes === 'string') await wb.xlsx.readFile(bytes);
  else await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((r) => {
      rows.push((r.values as unknown[]).slice(1));
    });
    return rows;
  });
}

describe('a head of department', () => {
  it('lists the overview and every report, about the own department', async () => {
    const c = await signedIn('Фисун Екатерина Александровна');
    const res = await c.get('/diary/reports');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(res.body).toContain('href="/diary/reports/overview"');
    for (const title of ['Фиксация отклонений', 'Контроль доставки писем', 'Анализ проблем, рекомендаций и заданий']) {
      expect(res.body).toContain(title);
    }
    expect(res.body).toContain('клиенты подразделения «Дистанционный сервис 1_502»');
  });

  it('reads a report with its options as a form, only the own department’s clients, and the links to Excel and CSV', async () => {
    const c = await signedIn('Фисун Екатерина Александровна');
    const res = await c.get('/diary/reports/deviations?week=2024-W22');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<h1>Фиксация отклонений</h1>');
    expect(res.body).toContain('193254 - Ветстанция');
    expect(res.body).not.toContain('205749');
    expect(res.body).toMatch(/<input type="text" name="week"[^>]*value="2024-W22"/);
    expect(res.body).toContain('<select name="zone">');
    expect(res.body).toMatch(/name="department"[^>]*value="Дистанционный сервис 1_502"/);
    expect(res.body).toContain('format=xlsx" download>Скачать Excel</a>');
    expect(res.body).toContain('format=csv" download>CSV</a>');
    // The risers chart's client label opens the client's card: an SVG link, no script.
    const risers = res.body.match(/<svg [^>]*class="chart chart-hbars"[^>]*>.*?<\/svg>/s)?.[0] ?? '';
    expect(risers).toContain('role="group"');
    expect(risers).toMatch(
      /<a href="\/diary\/clients\/193254" class="client"><text [^>]*>(<title>[^<]*<\/title>)?193254 - Ветстанция[^<]*<\/text><\/a>/,
    );
  });

  it('downloads the same workbook as `admin report deviations --format xlsx`, and the CSV', async () => {
    const c = await signedIn('Фисун Екатерина Александровна');
    const xlsx = await download(
      c,
      `/diary/reports/deviations?week=2024-W22&department=${encodeURIComponent('Дистанционный сервис 1_502')}&format=xlsx`,
    );
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const out = join(mkdtempSync(join(tmpdir(), 'cg-rep-')), 'deviations.xlsx');
    const cli = await cliOf(
      t,
      'report',
      'deviations',
      '--week',
      '2024-W22',
      '--department',
      'Дистанционный сервис 1_502',
      '--format',
      'xlsx',
      '--out',
      out,
    );
    expect(cli.code, cli.err).toBe(0);
    const fromDiary = await sheetValues(xlsx.bytes);
    expect(fromDiary).toEqual(await sheetValues(out));
    expect(fromDiary[0]?.[0]?.slice(0, 4)).toEqual(['Описание', 'Сотрудник (упр)', 'Подразделение', 'Обучение (-)']);
    expect(fromDiary[0]?.some((r) => String(r[0]).startsWith('193254 - '))).toBe(true);
    const csv = await download(c, '/diary/reports/deviations?week=2024-W22&format=csv');
    expect(csv.type).toBe('text/csv; charset=utf-8');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFОписание,')).toBe(true);
    expect(text).toContain('Итого: (1)');
  });

  it('is refused another department’s data as not found', async () => {
    const c = await signedIn('Фисун Екатерина Александровна');
    const res = await c.get(`/diary/reports/deviations?week=2024-W22&department=${encodeURIComponent(OTHER_DEPARTMENT)}`);
    expect(res.status).toBe(404);
    expect(res.body).toContain('Отчёт не найден');
    expect((await c.get('/diary/reports/no-such-report')).status).toBe(404);
  });

  it('sees the overview limited to the department', async () => {
    const c = await signedIn('Фисун Екатерина Александровна');
    const res = await c.get('/diary/reports/overview');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<a href="/diary/clients/193254" class="client">');
    expect(res.body).toContain('Работа дистанционного сервиса по профилактике отключений');
    expect(res.body).toContain('193254 - Ветстанция');
    expect(res.body).not.toContain('205749');
  });

  it('named in diary.reportsAllDepartments sees every department', async () => {
    const c = await signedIn(ALL_HEAD);
    const res = await c.get('/diary/reports/deviations?week=2024-W22');
    expect(res.status).toBe(200);
    expect(res.body).toContain('193254 - Ветстанция');
    expect(res.body).toContain('205749 - ПЖКОМ');
    expect(res.body).toContain('все подразделения');
  });
});

describe('a specialist', () => {
  it('sees only the reports about their own clients', async () => {
    const c = await signedIn('Лаптева Ольга Юрьевна');
    const list = await c.get('/diary/reports');
    expect(list.status).toBe(200);
    expect(list.body).toContain('href="/diary/reports/deviations"');
    expect(list.body).toContain('href="/diary/reports/signals"');
    expect(list.body).not.toContain('href="/diary/reports/overview"');
    expect(list.body).not.toContain('href="/diary/reports/delivery"');
    const own = await c.get('/diary/reports/deviations?week=2024-W22');
    expect(own.status).toBe(200);
    expect(own.body).toContain('205749 - ПЖКОМ');
    expect(own.body).not.toContain('193254');
  });

  it('cannot open another department’s report, the overview or a report not for specialists', async () => {
    const c = await signedIn('Лаптева Ольга Юрьевна');
    const dep = await c.get(`/diary/reports/deviations?department=${encodeURIComponent('Дистанционный сервис 1_502')}`);
    expect(dep.status).toBe(404);
    expect((await c.get('/diary/reports/overview')).status).toBe(404);
    expect((await c.get('/diary/reports/delivery')).status).toBe(404);
    expect((await download(c, '/diary/reports/delivery?format=xlsx')).status).toBe(404);
  });

  it('gets the form back with the error for a bad option', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const res = await c.get('/diary/reports/deviations?zone=red');
    expect(res.status).toBe(400);
    expect(res.body).toContain('Параметры отчёта заданы неверно');
    expect(res.body).toContain('<select name="zone">');
  });
});

it('asks to sign in without a session', async () => {
  const res = await new DiaryClient(base).get('/diary/reports/deviations');
  expect(res.status).toBe(401);
  expect(w.headId).toBeGreaterThan(0);
});
