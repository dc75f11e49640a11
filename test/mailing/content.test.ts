/** content/<YYYY-MM>/: the loader's exact errors, the sample month, and `admin content load`. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError, parseContent, readContentDir } from '../../src/content/load.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { SAMPLE_DIR } from './fixtures.js';

let t: TestEnv;
let dir: string;

beforeAll(async () => {
  t = await createTestEnv();
  dir = mkdtempSync(join(tmpdir(), 'cg-content-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

function problems(text: string): string[] {
  const r = parseContent('content.json', text);
  return 'problems' in r ? r.problems : [];
}

describe('content loader', () => {
  it('loads the sample month with its two PDF collections', () => {
    const c = readContentDir(SAMPLE_DIR);
    expect(c.content.period).toBe('2024-06');
    expect(c.content.topQuestions.length).toBeGreaterThanOrEqual(5);
    expect(c.content.newsHooks.map((h) => h.area).sort()).toEqual([
      'counterparty_checks',
      'inspections',
      'licences_leasing',
      'line_of_business',
      'tenders_courts',
    ]);
    expect(c.files.map((f) => f.name)).toEqual(['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf']);
    expect(readContentDir(SAMPLE_DIR).sha256).toBe(c.sha256);
  });

  it('names the line, column and key of every problem', () => {
    const base = readContentDir(SAMPLE_DIR).content;
    const bad = JSON.stringify(
      {
        ...base,
        subject: 'Новости\nBcc: x@evil.example',
        colour: 'red',
        topQuestions: [base.topQuestions[0], { ...base.topQuestions[1], url: 'htp://x', audiences: { positionTypes: ['boss'] } }],
        webinars: { title: 'Вебинары' },
      },
      null,
      2,
    );
    const p = problems(bad);
    const lineOf = (needle: string) => bad.slice(0, bad.indexOf(needle)).split('\n').length;
    expect(p).toContain(
      `content.json:${lineOf('"subject"')}:14: subject: должно быть одной строкой (без переносов строк и управляющих символов)`,
    );
    expect(p).toContain(`content.json:${lineOf('"colour"')}:3: colour: неизвестный ключ (удалите его или проверьте написание)`);
    expect(p).toContain(
      `content.json:${lineOf('"htp://x"')}:14: topQuestions[1].url: не ссылка на страницу в интернете (например, «https://www.consultant.ru/…»)`,
    );
    expect(p.find((x) => x.includes('topQuestions[1].audiences.positionTypes[0]'))).toMatch(/ожидается одно из: manager, accountant/);
    expect(p.find((x) => x.includes('webinars.url'))).toMatch(/^content\.json:\d+:\d+: webinars\.url: отсутствует$/);
    const dup = JSON.stringify({ ...base, newsHooks: [base.newsHooks[0], base.newsHooks[0]] }, null, 2);
    expect(problems(dup)).toEqual([
      `content.json:${dup.split('\n').findLastIndex((l) => l.includes('"area"')) + 1}:15: newsHooks[1].area: у «inspections» уже есть инфоповод (1-й в списке)`,
    ]);
  });

  it('reports JSON syntax errors with their position', () => {
    expect(problems('{\n  "period": "2024-06",\n  "subject": "x",\n}')).toEqual([
      'content.json:4:1: ошибка JSON: ожидается имя ключа в кавычках',
    ]);
    expect(problems('')).toEqual(['content.json:1:1: не JSON: файл пуст']);
  });

  it('refuses missing and non-PDF attachments and a folder of another month, loading nothing', async () => {
    const month = join(dir, '2024-05');
    cpSync(SAMPLE_DIR, month, { recursive: true });
    rmSync(join(month, 'podborka-proverki-2024.pdf'));
    writeFileSync(join(month, 'podborka-nalogi-iyul-2024.pdf'), 'not a pdf');
    let err: ContentError | null = null;
    try {
      readContentDir(month);
    } catch (e) {
      err = e as ContentError;
    }
    expect(err).toBeInstanceOf(ContentError);
    expect(err?.problems).toEqual([
      expect.stringMatching(/content\.json: period: «2024-06» не совпадает с папкой «2024-05»$/),
      expect.stringMatching(/podborka-nalogi-iyul-2024\.pdf \(collections\[0\]\.file\): не PDF-файл/),
      expect.stringMatching(/podborka-proverki-2024\.pdf \(collections\[1\]\.file\): файла нет рядом с content\.json$/),
    ]);
    const res = await cli('content', 'load', month);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/содержание письма с ошибками \(3 ошибки\)/);
    expect(res.err).toMatch(/ничего не загружено/);
    expect((await t.app.pool.query('SELECT count(*)::int AS n FROM mailing_contents')).rows[0].n).toBe(0);
  });

  it('loads a folder with admin content load, and a second load changes nothing', async () => {
    const first = await cli('content', 'load', SAMPLE_DIR);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Содержание письма за июнь 2024: загружено/);
    expect(first.out).toMatch(/вложения: podborka-nalogi-iyul-2024\.pdf \(\d+ байт(а)?\), podborka-proverki-2024\.pdf/);
    const again = await cli('content', 'load', SAMPLE_DIR, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ period: '2024-06', result: 'unchanged', mailingExists: false });
    const { rows } = await t.app.pool.query('SELECT file_name, length(bytes) AS n FROM mailing_content_files ORDER BY file_name');
    expect(rows.map((r) => r.file_name)).toEqual(['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf']);
    expect((await cli('content', 'load', join(dir, 'nowhere'))).err).toMatch(/nowhere: нет ни content\.xlsx, ни content\.json/);
  });
});
