/**
 * The demo's story on a fresh database: the steps in the order, the clock moved to the
 * day the calls fall due, three outcomes recorded through the one outcome code, a short summary,
 * the overview written — and every registered report built from it, with its Excel workbook
 * read back: frozen header with the CRM's names, number formats by column type, totals in bold.
 */
import { existsSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/clock.js';
import type { CallsFacts } from '../../src/demo/calls.js';
import { DEMO_STEPS } from '../../src/demo/steps.js';
import { demoSummary, reportPathOf, writeOverview } from '../../src/demo/summary.js';
import { OVERVIEW, REPORTS } from '../../src/reports/index.js';
import { EXCEL_FORMATS, renderXlsx } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/types.js';
import { runStory, type Story } from '../fixtures/story.js';

let story: Story;

beforeAll(async () => {
  story = await runStory();
}, 240_000);
afterAll(async () => {
  await story?.close();
});

const q = async (sql: string, params: unknown[] = []) => (await story.t.app.pool.query(sql, params)).rows;

describe('the demo’s story', () => {
  it('runs its steps in the order of the issue, everyJobStep last', () => {
    const titles = story.lines.filter((l) => l.startsWith('== ')).map((l) => l.slice(3));
    expect(titles).toEqual(DEMO_STEPS.map((s) => s.title));
    const order = [
      /^Seed/,
      /^Client health/,
      /^Risk history/,
      /^Indicator quality/,
      /^Competitor diagnostics/,
      /^Monthly contact/,
      /^Clicks, unsubscribe/,
      /^Call tasks/,
      /^Every job/,
    ];
    expect(titles.map((t) => order.findIndex((re) => re.test(t)))).toEqual(order.map((_, i) => i));
  });

  it("imports the CRM's own indicator and prints the indicator's ROC AUC on a disconnection history", async () => {
    const text = story.lines.join('\n');
    expect(text).toMatch(/the CRM's «Фиксация отклонений» of 2024-W21: \d+ client\(s\) imported/);
    expect(text).toMatch(/ROC AUC of the indicator: 0,\d\d over 2024-W11 … 2024-W22/);
    const [gone] = await q(`SELECT count(*)::int AS n FROM client_state_changes WHERE to_state = 'disconnected'`);
    expect(gone.n).toBeGreaterThan(0);
  });

  it('moves the clock to the day the call tasks fall due and records three outcomes as contact events', async () => {
    const calls = story.ctx.facts.calls as CallsFacts;
    // 3 June 2024 (Monday) + 3 working days
    expect(calls.day).toBe('2024-06-06');
    expect(now().toISOString() >= '2024-06-06T06:00:00.000Z').toBe(true);
    expect(calls.callTasks).toBeGreaterThan(100);
    expect(calls.recorded.map((r) => r.outcome)).toEqual(['held-with-login', 'held', 'not-reached']);
    const rows = await q(
      `SELECT t.state, t.outcome, e.outcome AS event, e.employee_id = t.assignee_id AS by_assignee
         FROM tasks t JOIN contact_events e ON e.task_id = t.id WHERE t.id = ANY($1::bigint[]) ORDER BY t.id`,
      [calls.recorded.map((r) => r.taskId)],
    );
    expect(rows.map((r) => r.event).sort()).toEqual(['held', 'held_with_login', 'not_held']);
    expect(rows.every((r) => r.state === 'done' && r.by_assignee)).toBe(true);
    // The call tasks came after the clicks: people's clicks are in them.
    const [clicked] = await q(
      `SELECT count(*)::int AS n FROM tasks WHERE kind = 'lpr-call' AND jsonb_array_length(payload->'humanClicks') > 0`,
    );
    expect(clicked.n).toBeGreaterThan(0);
  });

  it('prints a short summary and writes the overview page', async () => {
    const path = reportPathOf(story.t.app);
    const reports = await writeOverview(story.t.app, path);
    expect(reports).toBe(OVERVIEW.length);
    const summary = await demoSummary(story.t.app, {
      facts: story.ctx.facts,
      mailDir: story.ctx.mailDir,
      reportPath: path,
      reports,
      seconds: 1,
    });
    expect(summary.length).toBeLessThanOrEqual(12);
    const text = summary.join('\n');
    expect(text).toMatch(/seed: +300 clients/);
    expect(text).toMatch(/risk scoring: +week 2024-W22: high risk \d+/);
    expect(text).toMatch(/diagnostics: +\d+ campaign task\(s\); 2 competitor\(s\) found, 2 alert\(s\) to field support accepted/);
    expect(text).toMatch(/monthly mailing: +\d+ e-mail\(s\) sent/);
    expect(text).toMatch(/clicks: +\d+ by people, \d+ by scanners \(not counted\); 1 unsubscribed/);
    expect(text).toMatch(/call tasks: +\d+ on 2024-06-06; 3 outcome\(s\) recorded by /);
    expect(text).toContain(`e-mails:         `);
    expect(text).toContain(`report:          ${path}`);
    expect(existsSync(path)).toBe(true);
    const page = readFileSync(path, 'utf8');
    for (const name of OVERVIEW) expect(page).toContain(`id="report-${name}"`);
    // Every chart the issue asks for is on the page.
    for (const title of [
      'Зоны риска клиентов за 12 недель',
      'Выполнение диагностики по специалистам',
      '10 клиентов с наибольшим ростом индикатора за неделю',
      'Воронка: ',
      'Доля клиентов с состоявшимся контактом с ЛПР за 3 месяца',
      'Результаты звонков ЛПР и ЛВПР по месяцам',
      'Клиенты по месяцу подключения: выведены из первичного аванса и отключились',
    ]) {
      expect(page).toContain(`<figcaption>${title}`);
    }
  });
});

describe('every report on the demo data, as an Excel workbook', () => {
  const built = new Map<string, Report>();
  beforeAll(async () => {
    for (const def of REPORTS) built.set(def.name, await def.build(story.t.app, {}));
  });

  it('gives every numeric or date column a column type', () => {
    for (const [name, report] of built) {
      for (const s of report.sections) {
        for (const c of s.columns) {
          const values = s.rows.map((r) => r[c.key]).filter((v) => v !== null && v !== undefined && v !== '');
          const numeric = values.length > 0 && values.every((v) => typeof v === 'number' || v instanceof Date);
          if (numeric) expect(c.type ?? 'text', `${name} / ${s.title ?? ''} / ${c.header}`).not.toBe('text');
        }
      }
    }
  });

  for (const def of REPORTS) {
    it(`${def.name}: frozen header with the CRM names in bold, formats by column type, totals in bold`, async () => {
      const report = built.get(def.name) as Report;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await renderXlsx(report, 'Europe/Moscow')) as unknown as ArrayBuffer);
      expect(wb.worksheets.length).toBe(report.sections.length);
      expect(report.sections[0]?.totals, `${def.name}: a totals row`).toBeDefined();
      report.sections.forEach((s, i) => {
        const ws = wb.worksheets[i] as ExcelJS.Worksheet;
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(s.columns.map((c) => c.header));
        expect(ws.getRow(1).font?.bold).toBe(true);
        s.columns.forEach((c, ci) => {
          const format = EXCEL_FORMATS[c.type ?? 'text'];
          if (format && s.rows.length) expect(ws.getCell(2, ci + 1).numFmt, `${def.name} / ${c.header}`).toBe(format);
          // exceljs leaves out a width equal to its default of 9 (it reads back as undefined).
          expect(ws.getColumn(ci + 1).width ?? 9).toBeGreaterThanOrEqual(Math.min(60, c.header.length));
        });
        if (s.totals) {
          const last = ws.getRow(ws.rowCount);
          expect(last.font?.bold, `${def.name} / ${s.title ?? ''}: totals in bold`).toBe(true);
          expect(String(last.getCell(1).value ?? '')).toMatch(/^Итого/);
          expect(ws.rowCount).toBe(s.rows.length + 2);
        }
      });
    });
  }

  it('has data in the reports of the overview', () => {
    for (const name of OVERVIEW) {
      const report = built.get(name) as Report;
      expect(
        report.sections.some((s) => s.rows.length > 0),
        name,
      ).toBe(true);
    }
  });
});
