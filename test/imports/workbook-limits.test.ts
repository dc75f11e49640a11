/**
 * `.xlsx` imports within limits: a zip bomb or an over-limit workbook is refused with a clear
 * error before it is inflated; rows are counted while the sheet streams.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredUncompressedBytes } from '../../src/imports/zip-limits.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture, importBase } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv({ overrides: { imports: { maxXlsxRows: 4 } } });
  await importBase(t);
});
afterAll(() => t.close());

/** Deflate `size` zero bytes in 1 MB steps (never holding them all), with their CRC-32. */
async function deflatedZeros(size: number): Promise<{ data: Buffer; crc: number }> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => deflate.on('end', r));
  const mb = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let left = size; left > 0; left -= mb.length) {
    const part = left >= mb.length ? mb : mb.subarray(0, left);
    crc = crc32(part, crc);
    if (!deflate.write(part)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { data: Buffer.concat(out), crc };
}

/** A one-entry zip named like a workbook's sheet: a zip bomb of `size` bytes. */
async function zipBomb(size: number): Promise<Buffer> {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const { data, crc } = await deflatedZeros(size);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}

describe('workbook limits', () => {
  it('refuses a zip bomb from its central directory, before inflating it', async () => {
    const bomb = await zipBomb(300 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(declaredUncompressedBytes(bomb)).toBe(300 * 1024 * 1024);
    const path = join(t.varDir, 'bomb.xlsx');
    writeFileSync(path, bomb);
    const before = process.memoryUsage().rss;
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code).toBe(1);
    expect(res.err).toContain(`${path}:1:1: the workbook unpacks to 300 MB, over the limit of 200 MB`);
    expect(res.err).toContain('raise imports.maxXlsxBytes');
    // Nothing was inflated: far less than the 300 MB the bomb would take.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a worksheet with more rows than imports.maxXlsxRows, changing nothing', async () => {
    const res = await cli(t, 'import', 'contacts', fixture('contacts.xlsx'));
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/contacts\.xlsx:1:1: the worksheet has more than 4 rows/);
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
