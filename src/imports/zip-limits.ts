/**
 * The one bounded reader of every zip the service accepts (`.xlsx` CRM imports, the content
 * workbook of `admin content load` and the diary's upload, anything later). A zip's directory
 * may lie about its sizes, so nothing it declares is trusted: each entry is inflated with the
 * bytes still allowed as the inflater's output limit, so inflation stops at the limit whatever
 * the directory says, and the total of what was really inflated is counted. What the parsers
 * (ExcelJS) then read is a new zip of stored entries built from exactly those bytes, so no
 * parser inflates anything again. A declared total already over the limit is refused at once.
 * A zip inside a zip is an entry's bytes like any other: counted, never opened.
 */
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

const inflate = promisify(inflateRaw) as (buf: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>;

/** Over the limit: `inflated` bytes at least (the declared or really inflated total), where it was found. */
export class ZipLimitError extends Error {
  constructor(
    readonly limit: number,
    /** Bytes the zip unpacks to at least: its declared total, or what was inflated before stopping. */
    readonly atLeast: number,
    /** Whether the total comes from the directory (refused before inflating) or was counted. */
    readonly declared: boolean,
    /** The entry being inflated when the limit was reached. */
    readonly entry: string | null,
  ) {
    super(`the zip unpacks to ${declared ? '' : 'over '}${atLeast} bytes, over the limit of ${limit}`);
  }
}

/** A zip that cannot be read (no directory, damaged, an unsupported method). */
export class ZipFormatError extends Error {}

interface CentralEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

function findEocd(buf: Buffer): number {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ZipFormatError('not a zip archive (no central directory; an .xlsx is a zip)');
}

function centralEntries(buf: Buffer): CentralEntry[] {
  const eocd = findEocd(buf);
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const out: CentralEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (pos + 46 > buf.length || buf.readUInt32LE(pos) !== CENTRAL) throw new ZipFormatError('the zip central directory is damaged');
    const nameLength = buf.readUInt16LE(pos + 28);
    out.push({
      name: buf.toString('utf8', pos + 46, pos + 46 + nameLength),
      method: buf.readUInt16LE(pos + 10),
      compressedSize: buf.readUInt32LE(pos + 20),
      declaredSize: buf.readUInt32LE(pos + 24),
      localOffset: buf.readUInt32LE(pos + 42),
    });
    pos += 46 + nameLength + buf.readUInt16LE(pos + 30) + buf.readUInt16LE(pos + 32);
  }
  return out;
}

/** The sum of the declared uncompressed sizes of the entries; throws when the zip is unreadable. */
export function declaredUncompressedBytes(buf: Buffer): number {
  let total = 0;
  for (const e of centralEntries(buf)) {
    // A ZIP64 entry (4 GB or more) is over any limit we would set.
    if (e.declaredSize === ZIP64_MARK) return Number.POSITIVE_INFINITY;
    total += e.declaredSize;
  }
  return total;
}

/**
 * Every entry of the zip, inflated within `maxBytes` in all (counted on what is really
 * inflated); throws {@link ZipLimitError} over the limit and {@link ZipFormatError} on a
 * damaged zip. Directories are left out.
 */
export async function readZipBounded(buf: Buffer, maxBytes: number): Promise<Map<string, Buffer>> {
  const entries = centralEntries(buf);
  const declared = entries.reduce((sum, e) => sum + (e.declaredSize === ZIP64_MARK ? Number.POSITIVE_INFINITY : e.declaredSize), 0);
  if (declared > maxBytes) throw new ZipLimitError(maxBytes, declared, true, null);
  const out = new Map<string, Buffer>();
  let total = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const at = e.localOffset;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) throw new ZipFormatError(`the zip entry ${e.name} is damaged`);
    const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    if (e.compressedSize === ZIP64_MARK || start + e.compressedSize > buf.length)
      throw new ZipFormatError(`the zip entry ${e.name} is damaged`);
    const data = buf.subarray(start, start + e.compressedSize);
    const room = maxBytes - total;
    let bytes: Buffer;
    if (e.method === 0) {
      if (data.length > room) throw new ZipLimitError(maxBytes, total + data.length, false, e.name);
      bytes = data;
    } else if (e.method === 8) {
      try {
        // One more byte than allowed: stopping there tells "at the limit" from "over it".
        bytes = await inflate(data, { maxOutputLength: room + 1 });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipLimitError(maxBytes, maxBytes + 1, false, e.name);
        throw new ZipFormatError(`the zip entry ${e.name} does not inflate (${(err as Error).message})`);
      }
      if (bytes.length > room) throw new ZipLimitError(maxBytes, total + bytes.length, false, e.name);
    } else {
      throw new ZipFormatError(`the zip entry ${e.name} uses compression method ${e.method} (expected deflate or none)`);
    }
    total += bytes.length;
    out.set(e.name, bytes);
  }
  return out;
}

/** A zip of stored (uncompressed) entries: what a parser gets after {@link readZipBounded}. */
export function storedZip(entries: Map<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, bytes] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(bytes.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(bytes.length, 20);
    dir.writeUInt32LE(bytes.length, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, bytes);
    central.push(dir, nameBytes);
    offset += local.length + nameBytes.length + bytes.length;
  }
  const dirLength = central.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(EOCD, 0);
  eocd.writeUInt16LE(entries.size, 8);
  eocd.writeUInt16LE(entries.size, 10);
  eocd.writeUInt32LE(dirLength, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, eocd]);
}

/**
 * The zip's entries within `maxBytes`, as a stored zip for a parser (see the module's note).
 * Entries matching `last` go to the end: a streaming workbook reader then meets the workbook,
 * its relations and shared strings before any worksheet, whatever order the file had.
 */
export async function boundedZip(buf: Buffer, maxBytes: number, opts: { last?: RegExp } = {}): Promise<Buffer> {
  const entries = await readZipBounded(buf, maxBytes);
  const { last } = opts;
  if (!last) return storedZip(entries);
  const ordered = [...entries].sort(([a], [b]) => Number(last.test(a)) - Number(last.test(b)));
  return storedZip(new Map(ordered));
}
