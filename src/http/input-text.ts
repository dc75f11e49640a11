/**
 * Text that cannot be stored or shown safely: NUL (PostgreSQL refuses it in text: a 500
 * before this check), other C0 control characters and DEL (tab, LF and CR are text), and
 * lone UTF-16 surrogates (not Unicode; JSON's `"\ud800"` makes one). Checked at the edge of
 * the task API and the diary, so a request carrying one gets 400 naming the field, and
 * nothing is written.
 */

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** With the u flag a well-formed pair is one astral code point; only a lone half is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with one string, or null. */
export function textProblem(s: string): string | null {
  const m = CONTROL.exec(s);
  if (m) return `contains the control character U+${(m[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
  if (LONE_SURROGATE.test(s)) return 'contains a lone surrogate (not valid Unicode)';
  return null;
}

/** The first field (dotted path, keys included) of a parsed body, query or params holding bad text. */
export function findBadText(value: unknown, path = '', depth = 0): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path || '(body)', problem } : null;
  }
  if (value === null || typeof value !== 'object' || depth > 20) return null;
  // An uploaded file's bytes are not text (and may be megabytes long).
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const field = path ? `${path}.${k}` : k;
    const keyProblem = textProblem(k);
    if (keyProblem) return { field: path || '(body)', problem: `a field name ${keyProblem}` };
    const bad = findBadText(v, field, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** Body, query string and path parameters of a request, in that order. */
export function badRequestText(req: { body?: unknown; query?: unknown; params?: unknown }): { field: string; problem: string } | null {
  return findBadText(req.body) ?? findBadText(req.query) ?? findBadText(req.params);
}
