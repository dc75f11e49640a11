import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReport, OVERVIEW, REPORTS } from '../../src/reports/index.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;

const EVIL_JOB = '<script>alert("job")</script>';
const EVIL_ERROR = 'SMTP said <img src=x onerror=alert(1)> & gave up';

beforeAll(async () => {
  t = await createTestEnv();
  // Runs as the jobs leave them, plus one whose texts came from somewhere hostile.
  await t.app.pool.query(
    `INSERT INTO job_runs (job, period, trigger, state, started_at, heartbeat_at, finished_at, stats, error)
     VALUES ('housekeeping', '2024-06-03T1015', 'schedule', 'completed', '2024-06-03T07:15:00Z', '2024-06-03T07:15:01Z', '2024-06-03T07:15:01Z', '{"notificationsMarkedUnknown":0}', NULL),
            ('housekeeping', '2024-06-03T1020', 'schedule', 'completed', '2024-06-03T07:20:00Z', '2024-06-03T07:20:01Z', '2024-06-03T07:20:01Z', '{}', NULL),
            ('housekeeping', '2024-06-03T1025', 'catch-up', 'failed', '2024-06-03T07:25:00Z', '2024-06-03T07:25:01Z', '2024-06-03T07:25:01Z', '{}', 'connection refused'),
            ($1, '2024-06', 'admin', 'failed', '2024-06-03T07:30:00Z', '2024-06-03T07:30:01Z', '2024-06-03T07:30:01Z', '{}', $2)`,
    [EVIL_JOB, EVIL_ERROR],
  );
});
afterAll(() => t.close());

function cli(...argv: string[]) {
  return runCapturedCli(t.config, [...argv, '--now', '2024-06-03T09:00:00+03:00']);
}

describe('admin report --format html', () => {
  it('writes the job-runs report as a page with its chart, values escaped', async () => {
    const file = join(t.varDir, 'runs.html');
    const res = await cli('report', 'job-runs', '--format', 'html', '--out', file);
    expect(res.code).toBe(0);
    expect(res.err).toBe(`записан ${file}\n`);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<h1>Журнал запусков заданий</h1>');
    expect(page).toContain('Сформирован 03.06.2024 09:00');
    expect(page).toContain('<figcaption>Запуски по заданиям</figcaption><svg');
    expect(page).toContain('<th scope="col" class="">Задание</th>');
    expect(page).toContain('<td class="date">03.06.2024 10:15:00</td>');
    expect(page).toContain('<tfoot><tr><td class="text">Итого: (4)</td>');
    // Database values, in the table and in the chart's labels, stay text.
    expect(page).not.toMatch(/<script|<img/);
    expect(page).toContain('<td class="text">&lt;script&gt;alert(&quot;job&quot;)&lt;/script&gt;</td>');
    expect(page).toContain('SMTP said &lt;img src=x onerror=alert(1)&gt; &amp; gave up');
    expect(page).toContain('<title>&lt;script&gt;alert(&quot;job&quot;)&lt;/script&gt;: Ошибка — 1</title>');
    expect(page).toMatch(/<text[^>]*><title>&lt;script&gt;alert\(&quot;job&quot;\)&lt;\/script&gt;<\/title>&lt;script&gt;/);
    // 2 completed and 1 failed housekeeping runs stacked in one bar
    expect(page).toContain('<title>Обслуживание прерванных отправок: Выполнено — 2</title>');
    expect(page).toContain('<title>Обслуживание прерванных отправок: Ошибка — 1</title>');
    // The log in the desk's words: job, period, trigger and state by name, the figures in words, no JSON.
    expect(page).toMatch(
      /<td class="text">Обслуживание прерванных отправок<\/td><td class="text">03\.06\.2024 10:15<\/td><td class="text">по расписанию<\/td><td class="text">выполнено<\/td>/,
    );
    expect(page).toContain('<td class="text">уведомлений с неизвестной судьбой 0</td>');
    expect(page).toContain('<td class="text">после перерыва</td><td class="text">ошибка</td>');
    expect(page).toContain('Ошибка: connection refused');
    expect(page).not.toMatch(/[{}]"|"[{}]|>housekeeping<|>completed<|>schedule</);
  });

  it('prints the page to stdout without --out', async () => {
    const res = await cli('report', 'job-runs', '--format', 'html', '--limit', '1');
    expect(res.code).toBe(0);
    expect(res.out.startsWith('<!doctype html>')).toBe(true);
    expect(res.out).toContain('Итого: (1)');
  });

  it('puts the overview reports on one page with a table of contents', async () => {
    expect(OVERVIEW.every((name) => getReport(name))).toBe(true);
    const res = await cli('report', 'overview');
    expect(res.code).toBe(0);
    const page = res.out;
    expect(page).toContain('<h1>Работа дистанционного сервиса по профилактике отключений</h1>');
    expect(page).toContain(`<p class="subtitle">${t.config.ric.name}</p>`);
    expect(page).toContain('<li><a href="#report-job-runs">Журнал запусков заданий</a>');
    expect(page).toContain('<article class="report" id="report-job-runs">');
    expect(page).not.toContain('<script');
    const file = join(t.varDir, 'overview.html');
    expect((await cli('report', 'overview', '--format', 'html', '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('id="report-job-runs-chart-1-title"');
  });

  it('refuses an overview in another format, and an unknown report, with exit code 2', async () => {
    const csv = await cli('report', 'overview', '--format', 'csv');
    expect(csv.code).toBe(2);
    expect(csv.err).toMatch(/обзор — это страница: укажите --format html \(не csv\)/);
    const unknown = await cli('report', 'overveiw');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`неизвестный отчёт «overveiw» (отчёты: ${[...REPORTS.map((r) => r.name), 'overview'].join(', ')})`);
    expect((await cli('report', 'job-runs', '--format', 'pdf')).err).toMatch(/«pdf» — допустимо одно из: table, csv, json, xlsx, html/);
  });

  it('keeps the chart data in --format json and leaves it out of the tables', async () => {
    const json = JSON.parse((await cli('report', 'job-runs', '--format', 'json')).out);
    expect(json.charts[0]).toMatchObject({ kind: 'stacked-bars', title: 'Запуски по заданиям', xTitle: 'Задание' });
    const table = (await cli('report', 'job-runs')).out;
    expect(table).toContain('Журнал запусков заданий');
    expect(table).not.toContain('Запуски по заданиям');
  });

  it('writes the same report as an Excel workbook with the times in the RIC zone', async () => {
    const file = join(t.varDir, 'runs.xlsx');
    expect((await cli('report', 'job-runs', '--format', 'xlsx', '--out', file)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const started = ws.getColumn(6);
    expect(ws.getCell(1, 6).value).toBe('Начало');
    expect(started.numFmt).toBe('dd.mm.yyyy hh:mm:ss');
    // newest first: the 10:30 Moscow run
    expect((ws.getCell(2, 6).value as Date).toISOString()).toBe('2024-06-03T10:30:00.000Z');
    expect(ws.getRow(ws.rowCount).getCell(1).font?.bold).toBe(true);
  });
});
