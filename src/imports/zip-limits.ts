/**
 * How much an `.xlsx` (a zip) would inflate to, read from its central directory before any
 * entry is inflated: a zip bomb or an over-limit workbook is refused before memory grows.
 * The reader then counts what it really inflates (see source.ts), since a hostile file can
 * understate its sizes.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const ZIP64_MARK = 0xffffffff;

/** The sum of the declared uncompressed sizes of the entries; throws when the zip is unreadable. */
export function declaredUncompressedBytes(buf: Buffer): number {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no central directory; an .xlsx is a zip)');
  const entries = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (pos + 46 > buf.length || buf.readUInt32LE(pos) !== CENTRAL) throw new Error('the zip central directory is damaged');
    const size = buf.readUInt32LE(pos + 24);
    // A ZIP64 entry (4 GB or more) is over any limit we would set.
    if (size === ZIP64_MARK) return Number.POSITIVE_INFINITY;
    total += size;
    pos += 46 + buf.readUInt16LE(pos + 28) + buf.readUInt16LE(pos + 30) + buf.readUInt16LE(pos + 32);
  }
  return total;
}
