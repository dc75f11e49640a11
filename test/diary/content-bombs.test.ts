/**
 * The one bounded reader through the content page (`POST /diary/content/<YYYY-MM>`, a head's
 * upload over real HTTP): a `content.xlsx` whose directory declares 1 KB but which inflates to
 * 150 MB — of whitespace, of one huge cell, of millions of small cells — is refused as soon as
 * what was really inflated passes `lpr.maxContentXlsxBytes` (8 MB here), the problem shown on
 * the page and nothing stored; a workbook carrying a nested zip bomb loads without the inner
 * zip being opened. The server runs in this process: each upload's peak memory (the resident
 * high-water mark, reset just before the request) stays under 64 MB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContentDir } from '../../src/content/load.js';
import { writeWorkbook } from '../../src/content/workbook.js';
import type { TestEnv } from '../helpers/env.js';
import { around, peakGrowth, rebuildWorkbook, repeated, zeroBomb } from '../helpers/zip.js';
import { cli as cliOf } from '../imports/helpers.js';
import { SAMPLE_DIR } from '../mailing/fixtures.js';
import { csrfOf, DiaryClient, openSignInLink } from './client.js';
import { type DiaryDesk, openDiaryDesk } from './fixtures.js';

const HEAD = 'Фисун Екатерина Александровна';
const PDFS = ['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf'];
const MB = 1024 * 1024;
const LIMIT = 8 * MB;
/** The stated bound of each upload's peak memory growth. */
const PEAK_BOUND = 64 * MB;
const SHEET = 'xl/worksheets/sheet1.xml';
const STRINGS = 'xl/sharedStrings.xml';

let desk: DiaryDesk;
let t: TestEnv;
let base: string;
let book: Buffer;

beforeAll(async () => {
  desk = await openDiaryDesk({
    overrides: { diary: { contentDepartments: ['Дистанционный сервис 1_502'] }, lpr: { maxContentXlsxBytes: LIMIT } },
  });
  ({ t, base } = desk);
  const content = readContentDir(SAMPLE_DIR).content;
  book = await writeWorkbook('2024-06', { ...content, subject: 'BOMB' });
}, 60_000);
afterAll(() => desk?.close());

async function signedIn(): Promise<DiaryClient> {
  const res = await cliOf(t, 'employee', 'token', HEAD, '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

/** The head uploads `xlsx` as content.xlsx with the month's PDFs; the peak memory of the request. */
async function upload(xlsx: Buffer) {
  const c = await signedIn();
  const csrf = csrfOf((await c.get('/diary/content/2024-06')).body);
  const form = new FormData();
  form.append('files', new Blob([xlsx]), 'content.xlsx');
  for (const name of PDFS) form.append('files', new Blob([readFileSync(join(SAMPLE_DIR, name))]), name);
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const { result, peakBytes } = await peakGrowth(async () => {
    const res = await fetch(`${base}/diary/content/2024-06?csrf=${encodeURIComponent(csrf)}`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { cookie },
    });
    return { status: res.status, body: await res.text() };
  });
  if (process.env.SHOW_PEAKS) console.log(`content page upload: peak +${Math.round(peakBytes / MB)} MB`);
  return { ...result, peakBytes };
}

async function refused(xlsx: Buffer) {
  const res = await upload(xlsx);
  expect(res.status, res.body).toBe(400);
  expect(res.body).toContain(`content.xlsx: книга в распакованном виде больше предела в 8 МБ`);
  expect(res.body).not.toContain('cg-upload-');
  expect((await t.app.pool.query('SELECT count(*)::int AS n FROM mailing_contents')).rows[0].n).toBe(0);
  expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
}

describe('zip bombs through the content page', () => {
  it('refuses a content.xlsx whose directory says 1 KB but whose sheet inflates to 150 MB of whitespace', async () => {
    const bomb = await rebuildWorkbook(
      book,
      (name, text) => {
        if (name !== SHEET) return null;
        const [head, tail] = around(text, '<sheetData>');
        return [head, '<sheetData>', ...repeated(' ', 150 * MB), tail];
      },
      { declare: 1024 },
    );
    expect(bomb.length).toBeLessThan(2 * MB);
    await refused(bomb);
  });

  it('refuses one cell of 150 MB behind a directory that says 1 KB', async () => {
    const bomb = await rebuildWorkbook(
      book,
      (name, text) => {
        if (name !== STRINGS) return null;
        const [head, tail] = around(text, '>BOMB<');
        return [head, '>', ...repeated('A', 150 * MB), '<', tail];
      },
      { declare: 1024 },
    );
    await refused(bomb);
  });

  it('refuses millions of small cells behind a directory that says 1 KB', async () => {
    function* rows(): Generator<string> {
      let chunk = '';
      for (let r = 3; r < 800_000; r++) {
        chunk += `<row r="${r}"><c r="A${r}"><v>1</v></c></row>`;
        if (chunk.length > MB) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }
    const bomb = await rebuildWorkbook(
      book,
      (name, text) => {
        if (name !== 'xl/worksheets/sheet2.xml') return null;
        const [head, tail] = around(text, '</sheetData>');
        return [head, ...rows(), '</sheetData>', tail];
      },
      { declare: 1024 },
    );
    await refused(bomb);
  });

  it('loads a workbook carrying a nested zip bomb without opening it', async () => {
    const nested = await zeroBomb(256 * MB, 'inner.bin');
    const withNested = await rebuildWorkbook(
      book,
      (name, text) => (name === STRINGS ? [text.replace('>BOMB<', '>Налоги и проверки<')] : null),
      { extra: [{ name: 'xl/embeddings/oleObject1.bin', chunks: [nested] }] },
    );
    const res = await upload(withNested);
    expect(res.status, res.body).toBe(303);
    const { rows } = await t.app.pool.query("SELECT content->>'subject' AS subject FROM mailing_contents WHERE period = '2024-06'");
    expect(rows).toEqual([{ subject: 'Налоги и проверки' }]);
    expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
  });
});
