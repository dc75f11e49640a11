/**
 * The month's content as a workbook: `admin content template` (a sheet per section, notes on
 * every column), filling it as a person would, `admin content load` with errors at their cells,
 * `admin content export`, and the round trip template → filled → load → export → load giving
 * the same content. content/2024-06/ holds the same month as content.json and content.xlsx.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContentFolder } from '../../src/content/folder.js';
import { readContentDir } from '../../src/content/load.js';
import { getContent } from '../../src/db/contents.js';
import { LPR_KIND } from '../../src/jobs/lpr-monthly.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { SAMPLE_DIR } from './fixtures.js';

const SHEET_NAMES = [
  'Тема и вступление',
  'ТОП вопросов',
  'Документы',
  'Обзоры',
  'Журнал',
  'Бюллетень',
  'Вебинары',
  'Инфоповоды',
  'Подборки',
];

let t: TestEnv;
let root: string;

beforeAll(async () => {
  t = await createTestEnv();
  root = mkdtempSync(join(tmpdir(), 'cg-workbook-'));
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await t.close();
});

const cli = (...argv: string[]) => runCapturedCli(t.config, argv);
let n = 0;
const newDir = (name = `d${++n}`) => join(root, name);

async function openBook(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

/** Write `values` (header → text) into the first empty row of a sheet, or into `row`. */
function put(wb: ExcelJS.Workbook, sheet: string, values: Record<string, string>, row?: number): number {
  const ws = wb.getWorksheet(sheet) as ExcelJS.Worksheet;
  const cols = new Map<string, number>();
  ws.getRow(1).eachCell((c, i) => {
    cols.set(String(c.value), i);
  });
  const r = row ?? ws.rowCount + 1;
  for (const [header, v] of Object.entries(values)) {
    const col = cols.get(header);
    if (col === undefined) throw new Error(`no column «${header}» on «${sheet}»`);
    ws.getRow(r).getCell(col).value = v;
  }
  return r;
}

/** A month filled in as a methodologist would, beside two PDFs. */
async function filledTemplate(dir: string, period: string): Promise<ExcelJS.Workbook> {
  const res = await cli('content', 'template', period, '--out', dir);
  expect(res.code, res.err).toBe(0);
  const wb = await openBook(join(dir, 'content.xlsx'));
  put(wb, 'Тема и вступление', { 'Тема письма': 'ТОП вопросов и вебинары июля', Вступление: 'Первый абзац.\n\nВторой абзац.' }, 2);
  put(wb, 'ТОП вопросов', {
    Вопрос: 'Как платить НДФЛ с отпускных',
    Ссылка: 'https://www.example.com/top/ndfl',
    'Должность: руководитель': 'да',
    'Должность: бухгалтер': 'да',
    'Зона: проверки': 'да',
  });
  put(wb, 'ТОП вопросов', { Вопрос: 'Проверка контрагента', Ссылка: 'https://www.example.com/top/k', 'Должность: юрист': 'x' });
  put(wb, 'Документы', { Название: 'НК РФ, ст. 11.3', Ссылка: 'https://www.example.com/doc/nk', Примечание: 'Редакция с 1 июля' });
  put(wb, 'Обзоры', { Название: 'Обзор за июнь', Ссылка: 'https://www.example.com/obzor' });
  put(wb, 'Журнал', { Название: 'Журнал: налоги в июле', Ссылка: 'https://www.example.com/journal' });
  put(wb, 'Бюллетень', { Название: 'Бюллетень: проверки ГИТ', Ссылка: 'https://www.example.com/bulletin' });
  put(wb, 'Вебинары', { Название: 'Программа вебинаров на июль', Ссылка: 'https://www.example.com/webinars' }, 2);
  // The template lists the areas; fill two of them.
  put(
    wb,
    'Инфоповоды',
    {
      Заголовок: 'Проверки летом',
      Текст: 'Что проверят ГИТ и ФНС.',
      'Ссылка 1: название': 'Чек-лист',
      'Ссылка 1: адрес': 'https://www.example.com/hook/git',
    },
    3,
  );
  put(
    wb,
    'Инфоповоды',
    {
      Заголовок: 'Контрагенты',
      Текст: 'Новые признаки однодневок.',
      'Ссылка 1: название': 'Осмотрительность',
      'Ссылка 1: адрес': 'https://www.example.com/hook/k',
      'Ссылка 2: название': 'Практика',
      'Ссылка 2: адрес': 'https://www.example.com/hook/k2',
    },
    4,
  );
  put(wb, 'Подборки', { Название: 'Налоги с 1 июля', 'Файл PDF': 'podborka-nalogi-iyul-2024.pdf', Описание: 'Две страницы' });
  copyFileSync(join(SAMPLE_DIR, 'podborka-nalogi-iyul-2024.pdf'), join(dir, 'podborka-nalogi-iyul-2024.pdf'));
  await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
  return wb;
}

describe('admin content template', () => {
  it('writes content.xlsx with a sheet per section and a note on every column', async () => {
    const dir = newDir();
    const res = await cli('content', 'template', '2024-07', '--out', dir);
    expect(res.code, res.err).toBe(0);
    const wb = await openBook(join(dir, 'content.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(SHEET_NAMES);
    for (const ws of wb.worksheets) {
      ws.getRow(1).eachCell((c) => {
        expect(c.note, `${ws.name}!${c.address}`).toBeTruthy();
      });
    }
    const top = (wb.getWorksheet('ТОП вопросов') as ExcelJS.Worksheet).getRow(1).values as unknown[];
    expect(top).toContain('Должность: руководитель');
    expect(top).toContain('Зона: торги и суды');
    expect((wb.getWorksheet('Тема и вступление') as ExcelJS.Worksheet).getCell('A2').value).toBe('2024-07');
    expect((wb.getWorksheet('Инфоповоды') as ExcelJS.Worksheet).getColumn(1).values.slice(2)).toEqual([
      'вид деятельности',
      'проверки',
      'проверка контрагентов',
      'торги и суды',
      'сертификация, лицензии, лизинг',
    ]);
    expect((await cli('content', 'template', '2024-13', '--out', dir)).code).toBe(2);
  });
});

describe('admin content load of a workbook', () => {
  it('gives the same content through template → filled → load → export → load', async () => {
    const dir = newDir('2024-07');
    await filledTemplate(dir, '2024-07');
    const first = await cli('content', 'load', dir, '--json');
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({
      period: '2024-07',
      result: 'inserted',
      topQuestions: 2,
      newsHooks: ['inspections', 'counterparty_checks'],
    });
    const stored = await getContent(t.app.pool, LPR_KIND, '2024-07');
    expect(stored?.content.topQuestions[0]?.audiences).toEqual({ positionTypes: ['manager', 'accountant'], problemAreas: ['inspections'] });
    expect(stored?.content.intro).toBe('Первый абзац.\n\nВторой абзац.');
    expect(stored?.content.newsHooks[1]?.links).toHaveLength(2);

    const out = newDir('export-2024-07');
    const exp = await cli('content', 'export', '2024-07', '--out', out);
    expect(exp.code, exp.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['content.xlsx', 'podborka-nalogi-iyul-2024.pdf']);
    const again = await readContentFolder(out, { period: '2024-07' });
    expect(again.content).toEqual((await readContentFolder(dir)).content);
    expect(again.sha256).toBe(stored?.sha256);
    const second = await cli('content', 'load', out, '--period', '2024-07', '--json');
    expect(JSON.parse(second.out).result).toBe('unchanged');
  });

  it('names the cell of each error: content.xlsx:ТОП вопросов!B3: what is wrong (what was expected)', async () => {
    const dir = newDir('2024-08');
    const wb = await filledTemplate(dir, '2024-08');
    put(wb, 'ТОП вопросов', { Ссылка: 'www.example.com/no-scheme' }, 3);
    await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
    const res = await cli('content', 'load', dir);
    expect(res.code).toBe(1);
    expect(res.err).toContain('content.xlsx:ТОП вопросов!B3: не ссылка на страницу в интернете (например, «https://www.consultant.ru/…»)');
    expect(res.err).toContain('содержание письма с ошибками (1 ошибка)');
    expect(res.err).toContain('ничего не загружено');
    expect(await getContent(t.app.pool, LPR_KIND, '2024-08')).toBeNull();
  });

  it('names the cell of a bad mark, an unknown area, a missing PDF and a month that does not match', async () => {
    const dir = newDir('2024-09');
    const wb = await filledTemplate(dir, '2024-09');
    put(wb, 'ТОП вопросов', { 'Должность: экономист': 'может быть' }, 2);
    await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
    const mark = await cli('content', 'load', dir);
    expect(mark.err).toMatch(/content\.xlsx:ТОП вопросов!G2: «может быть» — не отметка \(ожидается «да» или пустая ячейка\)/);

    put(wb, 'ТОП вопросов', { 'Должность: экономист': '' }, 2);
    put(wb, 'Инфоповоды', { 'Проблемная зона': 'погода' }, 3);
    put(wb, 'Подборки', { 'Файл PDF': 'net-takogo.pdf' }, 2);
    await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
    const res = await cli('content', 'load', dir);
    expect(res.err).toMatch(/content\.xlsx:Инфоповоды!A3: не проблемная зона \(ожидается одна из: вид деятельности; проверки;/);
    expect(res.err).not.toContain('net-takogo');
    put(wb, 'Инфоповоды', { 'Проблемная зона': 'проверки' }, 3);
    await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
    const pdf = await cli('content', 'load', dir);
    expect(pdf.err).toMatch(/content\.xlsx:Подборки!B2: файла нет рядом с content\.xlsx/);
    put(wb, 'Подборки', { 'Файл PDF': 'podborka-nalogi-iyul-2024.pdf' }, 2);
    await wb.xlsx.writeFile(join(dir, 'content.xlsx'));
    const month = await cli('content', 'load', dir, '--period', '2024-10');
    expect(month.code).toBe(1);
    expect(month.err).toMatch(/content\.xlsx:Тема и вступление!A2: «2024-09» не совпадает с выбранным месяцем 2024-10/);
    expect((await cli('content', 'load', dir, '--period', '2024-09')).code).toBe(0);
  });
});

describe('content/2024-06', () => {
  it('holds the same month as content.json and content.xlsx, and loads from the folder', async () => {
    expect(existsSync(join(SAMPLE_DIR, 'content.xlsx'))).toBe(true);
    const fromJson = readContentDir(SAMPLE_DIR).content;
    const both = await readContentFolder(SAMPLE_DIR);
    expect(both.content.topQuestions.map((q) => q.title)).toEqual(fromJson.topQuestions.map((q) => q.title));
    expect(both.content.newsHooks).toEqual(fromJson.newsHooks);
    expect(both.files.map((f) => f.name)).toEqual(['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf']);
    const res = await cli('content', 'load', SAMPLE_DIR, '--json');
    expect(res.code, res.err).toBe(0);
  });

  it('exports a loaded month so the next one starts from it, and refuses a month never loaded', async () => {
    const out = newDir();
    expect((await cli('content', 'export', '2024-06', '--out', out)).code).toBe(0);
    const wb = await openBook(join(out, 'content.xlsx'));
    expect((wb.getWorksheet('ТОП вопросов') as ExcelJS.Worksheet).rowCount).toBe(
      1 + readContentDir(SAMPLE_DIR).content.topQuestions.length,
    );
    const none = await cli('content', 'export', '2023-01', '--out', out);
    expect(none.code).toBe(1);
    expect(none.err).toContain('содержание письма за 2023-01 не загружено');
  });
});
