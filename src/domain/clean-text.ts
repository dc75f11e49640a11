/**
 * Control characters out of imported text. A CRM field can carry C0 controls (a stray
 * NUL, a vertical tab from a pasted document) and C1 controls or whole terminal escape
 * sequences (`ESC [ 31 m`) that would colour or move the cursor of whoever prints the value.
 * Every imported text value goes through {@link stripControls}; a tab is kept (cells of a
 * tab-separated export never hold one, and inside a quoted cell it is the author's).
 */

// ESC-introduced sequences first (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, two-char
// `ESC x`), so their printable tails (`[31m`) go with them; then the single C1 CSI (U+009B)
// with its parameters; then line breaks (to a space) and any remaining C0 (but tab), DEL
// and C1 character.
const SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-_]?/g;
const LINE_BREAKS = /\r\n?|\n/g;
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Unicode format controls (category Cf): bidi overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that reorder what a terminal or a page shows, zero-width characters, soft
// hyphens, a stray BOM, tag characters. Invisible in a name and dangerous on a screen.
const FORMAT_CONTROLS = /\p{Cf}/gu;
const ANY = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]|\p{Cf}/u;

/**
 * The text without C0 and C1 control characters other than tab, and without Unicode format
 * controls (Cf). A line break inside a quoted multi-line cell becomes a space, so the words on
 * either side stay apart. Letters, quotes and `<b>`-like text stay as they are (output escapes them).
 */
export function stripControls(s: string): string {
  // Almost every cell has none: test before replacing.
  if (!ANY.test(s)) return s;
  return s.replace(SEQUENCES, '').replace(LINE_BREAKS, ' ').replace(CONTROLS, '').replace(FORMAT_CONTROLS, '');
}

/** What would not print as itself on a terminal: controls, format controls (bidi, zero-width), line and paragraph separators. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu;

/**
 * For terminal output (tables, `explain`, import error lines): anything unprintable shown as
 * `\xNN` / `\uNNNN` / `\u{NNNNN}`, never sent raw.
 */
export function escapeUnprintable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) as number;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Several lines for a terminal: each escaped by {@link escapeUnprintable}, the line breaks kept. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeUnprintable(line))
    .join('\n');
}

/**
 * The one neutraliser of every text cell an export writes (CSV and the CRM's TSV, every
 * `.xlsx`): a text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+…`,
 * `-…`, or one behind a tab or CR) gets a leading `'` (OWASP's CSV-injection advice). CRM
 * data, API input, a person's notes, names, titles all pass here, so no writer can forget it.
 * Numbers are not text: a negative number we computed (`-3`) is written as a number, while a
 * text cell `-3` typed by a person gets the quote like any other.
 */
export function neutraliseFormula(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** What {@link neutraliseFormula} added, taken off again when a workbook we wrote is read back. */
export function unneutraliseFormula(v: string): string {
  return v.startsWith("'") && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}
