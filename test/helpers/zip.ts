/**
 * Hostile zips for the bounded-reader tests, built as a stream (the test never holds what the
 * zip inflates to): entries deflated chunk by chunk, and a directory that says what the test
 * wants it to say — the truth, or 1 KB for an entry of hundreds of megabytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';
import { readZipBounded } from '../../src/imports/zip-limits.js';

export interface ZipEntrySpec {
  name: string;
  /** The entry's content, in pieces (a generator keeps a huge entry out of memory). */
  chunks: Iterable<Buffer | string>;
  /** The uncompressed size the headers declare; the real one when absent. */
  declaredSize?: number;
}

async function deflate(chunks: Iterable<Buffer | string>): Promise<{ data: Buffer; crc: number; size: number }> {
  const d = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => d.on('end', r));
  let crc = 0;
  let size = 0;
  for (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    crc = crc32(b, crc);
    size += b.length;
    if (!d.write(b)) await new Promise((r) => d.once('drain', r));
  }
  d.end();
  await done;
  return { data: Buffer.concat(out), crc, size };
}

/** A zip of deflated entries whose headers declare what each spec says. */
export async function buildZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const { data, crc, size } = await deflate(e.chunks);
    const declared = e.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(declared, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(dir, name);
    offset += local.length + name.length + data.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(size, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, eocd]);
}

/** `total` bytes of `unit` repeated, in 1 MB pieces. */
export function* repeated(unit: string, total: number): Generator<Buffer> {
  const piece = Buffer.from(unit.repeat(Math.max(1, Math.floor((1024 * 1024) / unit.length))));
  for (let left = total; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.subarray(0, left);
}

/** A one-entry zip bomb: `size` zero bytes, declared honestly. */
export function zeroBomb(size: number, name = 'xl/worksheets/sheet1.xml'): Promise<Buffer> {
  return buildZip([{ name, chunks: repeated('\u0000', size) }]);
}

/**
 * A genuine workbook (from ExcelJS) with one part replaced: `replace(name, text)` returns the
 * part's new content in pieces (or null to keep it), `declare` what its headers say it holds.
 */
export async function rebuildWorkbook(
  workbook: Buffer,
  replace: (name: string, text: string) => Iterable<Buffer | string> | null,
  opts: { declare?: number; extra?: ZipEntrySpec[] } = {},
): Promise<Buffer> {
  const parts = await readZipBounded(workbook, 64 * 1024 * 1024);
  const specs: ZipEntrySpec[] = [];
  for (const [name, bytes] of parts) {
    const chunks = replace(name, bytes.toString('utf8'));
    specs.push(chunks ? { name, chunks, declaredSize: opts.declare } : { name, chunks: [bytes] });
  }
  return buildZip([...specs, ...(opts.extra ?? [])]);
}

/** Split `text` at `marker` (which must be there): the text before and after it. */
export function around(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${marker} not found in the part`);
  return [text.slice(0, at), text.slice(at + marker.length)];
}

/**
 * How much this process's resident memory peaked above where it stood when `fn` began:
 * the kernel's high-water mark (VmHWM) is reset just before the call (`/proc/self/clear_refs`)
 * and read just after, so a peak inside the call is seen even if it is freed before the end.
 */
export async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  const status = () => readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(status().match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1] ?? Number.NaN) * 1024;
  writeFileSync('/proc/self/clear_refs', '5');
  const before = kb('VmRSS');
  const result = await fn();
  const peak = kb('VmHWM');
  if (!Number.isFinite(peak) || !Number.isFinite(before)) throw new Error('no VmHWM/VmRSS in /proc/self/status (Linux needed)');
  return { result, peakBytes: peak - before };
}
