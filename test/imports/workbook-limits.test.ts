/**
 * `.xlsx` imports within limits: a zip bomb that declares its size is refused with a clear
 * error before it is inflated (one that lies: zip-bombs.test.ts); rows are counted while the sheet streams.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredUncompressedBytes } from '../../src/imports/zip-limits.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { zeroBomb } from '../helpers/zip.js';
import { cli, fixture, importBase } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv({ overrides: { imports: { maxXlsxRows: 4 } } });
  await importBase(t);
});
afterAll(() => t.close());

describe('workbook limits', () => {
  it('refuses a zip bomb from its central directory, before inflating it', async () => {
    const bomb = await zeroBomb(300 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(declaredUncompressedBytes(bomb)).toBe(300 * 1024 * 1024);
    const path = join(t.varDir, 'bomb.xlsx');
    writeFileSync(path, bomb);
    const before = process.memoryUsage().rss;
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code).toBe(1);
    expect(res.err).toContain(`${path}:1:1: книга распаковывается в 300 МБ, больше предела 200 МБ`);
    expect(res.err).toContain('больший imports.maxXlsxBytes');
    // Nothing was inflated: far less than the 300 MB the bomb would take.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a worksheet with more rows than imports.maxXlsxRows, changing nothing', async () => {
    const res = await cli(t, 'import', 'contacts', fixture('contacts.xlsx'));
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/contacts\.xlsx:1:1: в листе больше 4 строк/);
    expect(res.err).not.toContain('не читается');
    const { rows } = await t.app.pool.query('SELECT count(*)::int AS n FROM contacts');
    expect(rows[0].n).toBe(0);
  });

  it('says what is wrong with a file that only claims to be a workbook', async () => {
    const path = join(t.varDir, 'not.xlsx');
    writeFileSync(path, 'Номер клиента\tФИО\n');
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/not\.xlsx:1:1: not a zip archive/);
  });
});
