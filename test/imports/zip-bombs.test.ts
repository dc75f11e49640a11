/**
 * The one bounded reader through the admin script (`admin import employees <file>.xlsx`):
 * workbooks whose directory declares 1 KB but which inflate to hundreds of megabytes — of
 * whitespace, of one huge cell, of millions of small cells — are refused once what was really
 * inflated passes `imports.maxXlsxBytes` (8 MB here), and a workbook carrying a zip bomb as an
 * embedded part (a nested zip) is read without the inner zip ever being opened. Each call's
 * peak memory (the process's resident high-water mark, reset just before the call) stays
 * under 64 MB, where inflating any of them would take 150 MB or more.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedZip, declaredUncompressedBytes, ZipLimitError } from '../../src/imports/zip-limits.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { around, peakGrowth, rebuildWorkbook, repeated, zeroBomb } from '../helpers/zip.js';
import { cli } from './helpers.js';

const LIMIT = 8 * 1024 * 1024;
/** The stated bound of each call's peak memory growth. */
const PEAK_BOUND = 64 * 1024 * 1024;
const MB = 1024 * 1024;

let t: TestEnv;
let base: Buffer;

beforeAll(async () => {
  t = await createTestEnv({ overrides: { imports: { maxXlsxBytes: LIMIT } } });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Сотрудники');
  ws.addRow(['ФИО', 'Подразделение', 'Роль']);
  ws.addRow(['Фисун Екатерина Александровна', 'Дистанционный сервис_502', 'руководитель']);
  ws.addRow(['BOMB', 'Дистанционный сервис_502', 'ДИС']);
  base = Buffer.from(await wb.xlsx.writeBuffer());
});
afterAll(() => t.close());

async function importFile(name: string, bytes: Buffer) {
  const path = join(t.varDir, name);
  writeFileSync(path, bytes);
  const { result, peakBytes } = await peakGrowth(() => cli(t, 'import', 'employees', path));
  if (process.env.SHOW_PEAKS) console.log(`${name}: peak +${Math.round(peakBytes / MB)} MB`);
  return { ...result, path, peakBytes };
}

const SHEET = 'xl/worksheets/sheet1.xml';
const STRINGS = 'xl/sharedStrings.xml';

describe('zip bombs through the admin script', () => {
  it('refuses a workbook whose directory says 1 KB but whose sheet inflates to 150 MB of whitespace', async () => {
    const bomb = await rebuildWorkbook(
      base,
      (name, text) => {
        if (name !== SHEET) return null;
        const [head, tail] = around(text, '<sheetData>');
        return [head, '<sheetData>', ...repeated(' ', 150 * MB), tail];
      },
      { declare: 1024 },
    );
    expect(bomb.length).toBeLessThan(2 * MB);
    expect(declaredUncompressedBytes(bomb)).toBeLessThan(LIMIT);
    const res = await importFile('whitespace.xlsx', bomb);
    expect(res.code, res.err).toBe(1);
    expect(res.err).toContain(`${res.path}:1:1: книга распаковывается в более чем 8 МБ, больше предела 8 МБ (часть ${SHEET})`);
    expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
    const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM employees');
    expect(rows[0].n).toBe(0);
  });

  it('refuses one cell of 150 MB behind a directory that says 1 KB', async () => {
    const bomb = await rebuildWorkbook(
      base,
      (name, text) => {
        if (name !== STRINGS) return null;
        const [head, tail] = around(text, '>BOMB<');
        return [head, '>', ...repeated('A', 150 * MB), '<', tail];
      },
      { declare: 1024 },
    );
    const res = await importFile('huge-cell.xlsx', bomb);
    expect(res.code, res.err).toBe(1);
    expect(res.err).toContain(`книга распаковывается в более чем 8 МБ, больше предела 8 МБ (часть ${STRINGS})`);
    expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
  });

  it('refuses millions of small cells behind a directory that says 1 KB', async () => {
    function* rows(): Generator<string> {
      let chunk = '';
      for (let r = 4; r < 800_000; r++) {
        chunk += `<row r="${r}"><c r="A${r}"><v>1</v></c></row>`;
        if (chunk.length > MB) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }
    const bomb = await rebuildWorkbook(
      base,
      (name, text) => {
        if (name !== SHEET) return null;
        const [head, tail] = around(text, '</sheetData>');
        return [head, ...rows(), '</sheetData>', tail];
      },
      { declare: 1024 },
    );
    const res = await importFile('many-cells.xlsx', bomb);
    expect(res.code, res.err).toBe(1);
    expect(res.err).toContain(`книга распаковывается в более чем 8 МБ, больше предела 8 МБ (часть ${SHEET})`);
    expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
  });

  it('reads a workbook carrying a nested zip bomb without opening it', async () => {
    const nested = await zeroBomb(256 * MB, 'inner.bin');
    const book = await rebuildWorkbook(
      base,
      (name, text) => (name === STRINGS ? [text.replace('>BOMB<', '>Лукина Елена Ивановна<')] : null),
      { extra: [{ name: 'xl/embeddings/oleObject1.bin', chunks: [nested] }] },
    );
    const res = await importFile('nested.xlsx', book);
    expect(res.code, res.err).toBe(0);
    const { rows } = await t.app.pool.query("SELECT name FROM employees WHERE name IN ('Лукина Елена Ивановна', 'BOMB') ORDER BY name");
    expect(rows.map((r) => r.name)).toEqual(['Лукина Елена Ивановна']);
    expect(res.peakBytes).toBeLessThan(PEAK_BOUND);
  });

  it('is the only way into a zip: every source file that opens a workbook or a zip takes it through boundedZip', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const readers = files(join(root, 'src'))
      .filter((f) =>
        /\.xlsx\.(load|read|readFile)\(|WorkbookReader\(|inflateRaw|createInflate|createUnzip|unzipSync/.test(readFileSync(f, 'utf8')),
      )
      .map((f) => relative(root, f));
    expect(readers.sort()).toEqual(['src/content/workbook.ts', 'src/imports/source.ts', 'src/imports/zip-limits.ts']);
    for (const f of readers.filter((r) => !r.endsWith('zip-limits.ts')))
      expect(readFileSync(join(root, f), 'utf8'), f).toContain('boundedZip(');
  });

  it('counts what it inflates, not what the directory says (the reader alone)', async () => {
    const lying = await rebuildWorkbook(base, (name, text) => (name === SHEET ? [text, ...repeated(' ', 2 * LIMIT)] : null), {
      declare: 10,
    });
    const err = await boundedZip(lying, LIMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipLimitError);
    expect(err).toMatchObject({ declared: false, entry: SHEET, limit: LIMIT });
    // Within the limit the parts come out whole.
    const ok = await boundedZip(base, LIMIT);
    expect(ok.length).toBeGreaterThan(base.length);
  });
});
