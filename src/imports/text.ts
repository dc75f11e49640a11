/**
 * Text exports of the CRM as they come: the encoding (UTF-8 with or without BOM, UTF-16 from
 * Excel's "Unicode text", otherwise Windows-1251), the delimiter (tab, `;` or `,`), quoted
 * fields and any line ending. Rows are produced lazily so a large file is validated while
 * it is read.
 */
/** One line of a table: its 1-based line number in the file and its cells. */
export interface SourceRow {
  line: number;
  cells: string[];
}

export type Encoding = 'utf-8' | 'utf-16le' | 'windows-1251';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
// Node's own decoders (ICU): several times faster than a JavaScript table on a large export.
const cp1251 = new TextDecoder('windows-1251');
const utf16 = new TextDecoder('utf-16le');

/** Decode a text export; which encoding was found is returned for the summary. */
export function decodeText(buf: Buffer): { text: string; encoding: Encoding } {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: utf16.decode(buf.subarray(2)), encoding: 'utf-16le' };
  }
  try {
    return { text: utf8Strict.decode(buf), encoding: 'utf-8' };
  } catch {
    // Not valid UTF-8: the CRM's other encoding. Every byte is a character in 1251.
    return { text: cp1251.decode(buf), encoding: 'windows-1251' };
  }
}

/**
 * The delimiter of a text table: a tab if any of the first lines has one (the CRM's OLAP
 * exports), otherwise whichever of `;` and `,` occurs more often outside quotes. Russian CSV
 * uses `;` because `,` is the decimal separator.
 */
export function detectDelimiter(text: string): '\t' | ';' | ',' {
  const head = text.slice(0, 64 * 1024);
  if (head.includes('\t')) return '\t';
  let semi = 0;
  let comma = 0;
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ';') semi++;
    else if (!quoted && ch === ',') comma++;
  }
  return semi >= comma && semi > 0 ? ';' : comma > 0 ? ',' : '\t';
}

/**
 * Split text into rows of cells. A quoted field may hold the delimiter, doubled quotes and
 * line breaks; its row keeps the number of the line it started on. CRLF, LF and CR all end
 * a line. Unquoted cells are taken as they are (trimmed by the column parsers).
 */
export function* tokenize(text: string, delimiter: string): Generator<SourceRow> {
  const n = text.length;
  let pos = 0;
  let line = 1;
  const find = (ch: string, from: number) => {
    const i = text.indexOf(ch, from);
    return i < 0 ? n : i;
  };
  let nextCr = -1;
  let nextQuote = -1;
  while (pos < n) {
    const startLine = line;
    // Fast path: a line without quotes (almost every line of an OLAP export), found natively.
    // The next CR and quote are remembered, so a file without them is not rescanned per line.
    if (nextCr < pos) nextCr = find('\r', pos);
    if (nextQuote < pos) nextQuote = find('"', pos);
    let eol = find('\n', pos);
    if (nextCr < eol) eol = nextCr;
    if (nextQuote > eol) {
      yield { line: startLine, cells: text.slice(pos, eol).split(delimiter) };
      pos = eol >= n ? n : skipLineEnd(text, eol);
      line++;
      continue;
    }
    const cells: string[] = [];
    let cell = '';
    let i = pos;
    let atCellStart = true;
    for (;;) {
      if (i >= n) {
        cells.push(cell);
        break;
      }
      const ch = text[i] as string;
      if (atCellStart && ch === '"') {
        // A quoted cell: runs to the closing quote, "" is a quote.
        i++;
        for (;;) {
          if (i >= n) break;
          const q = text[i] as string;
          if (q === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
          cell += q;
          i++;
        }
        atCellStart = false;
        continue;
      }
      if (ch === delimiter) {
        cells.push(cell);
        cell = '';
        atCellStart = true;
        i++;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        cells.push(cell);
        i = skipLineEnd(text, i);
        break;
      }
      cell += ch;
      atCellStart = false;
      i++;
    }
    yield { line: startLine, cells };
    pos = i;
    line++;
  }
}

function skipLineEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) return i + 2;
  return i + 1;
}
