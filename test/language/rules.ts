/**
 * The language check's rules (test/language/desk-language.test.ts): what a reader may see in
 * Latin letters, the codes that must never reach a reader, and the text of a page or e-mail.
 */
import { COMMANDS } from '../../src/cli/commands/index.js';
import { JOB_NAMES, RUN_STATE_NAMES } from '../../src/domain/job-names.js';
import { SIGNAL_TITLES } from '../../src/domain/signal-kinds.js';
import { TASK_KIND_NAMES, TASK_STATE_NAMES } from '../../src/domain/task-kinds.js';
import { OUTCOMES } from '../../src/domain/task-outcomes.js';
import { IMPORT_KINDS } from '../../src/imports/kind.js';

/**
 * Latin words people may read: the product's name, units, formats and protocols the desk
 * knows by these names, and the CRM's own Latin abbreviations.
 */
const ALLOWED = new Set(
  [
    'churnguard',
    'e-mail',
    'email',
    'px',
    'Excel',
    'CSV',
    'PDF',
    'xlsx',
    'SMTP',
    'IMAP',
    'ROC',
    'AUC',
    'VIP',
    'IP',
    'ID',
    'URL',
    'HTML',
    'UTC',
    'PostgreSQL',
  ].map((w) => w.toLowerCase()),
);

/** Codes that must never reach a reader: they have Russian names in the tables of src/domain. */
const CODES = new Set([
  ...Object.keys(TASK_KIND_NAMES),
  ...Object.keys(TASK_STATE_NAMES),
  ...Object.keys(RUN_STATE_NAMES),
  ...Object.keys(JOB_NAMES),
  ...Object.keys(SIGNAL_TITLES),
  ...Object.keys(OUTCOMES),
  ...Object.values(OUTCOMES).map((o) => o.taskOutcome),
  'small_medium',
  'primary_advance',
  'lpr_call',
  'risk_review',
]);

/** Codes the admin types back into the script: the jobs' (`trigger`, `runs --job`) and the imports' (`import`, `imports --kind`). */
const ADMIN_CODES = new Set<string>([...Object.keys(JOB_NAMES), ...IMPORT_KINDS]);

const COMMAND_WORDS = new Set(COMMANDS.map((c) => c.name.split(' ')[0] as string));

export interface Finding {
  where: string;
  problem: string;
  context: string;
}

/** The text a reader sees in an HTML page or e-mail: no markup, styles, URLs or addresses. */
export function readableText(htmlOrText: string): string {
  return htmlOrText
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(?:[^>"']|"[^"]*"|'[^']*')*>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&laquo;/g, '«')
    .replace(/&raquo;/g, '»')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Attribute values people read: titles, alternative texts, placeholders, labels. A placeholder
 * showing the form of an input (`2024-W23`, `ГГГГ-ММ`) is the input's format, not a sentence.
 */
export function readableAttributes(html: string): string {
  return [...html.matchAll(/\s(title|alt|placeholder|aria-label)="([^"]*)"/g)]
    .map((m) => (m[1] === 'placeholder' ? (m[2] as string).replace(/\b\d{4}-[WH]\d{1,2}\b/g, ' ') : m[2]))
    .join('\n');
}

/** Findings grouped by problem, a few examples each: a failure message a person can act on. */
export function summarise(findings: readonly Finding[]): Record<string, { count: number; examples: string[] }> {
  const out: Record<string, { count: number; examples: string[] }> = {};
  for (const f of findings) {
    const g = out[f.problem] ?? { count: 0, examples: [] };
    out[f.problem] = g;
    g.count++;
    if (g.examples.length < 3) g.examples.push(`${f.where}: …${f.context}…`);
  }
  return out;
}

/**
 * The admin script's output as the language check reads it. The admin types codes back into
 * the script, so these are the machine's, not words: a code in brackets after its Russian name
 * («Обслуживание прерванных отправок (housekeeping)»), a period code (`2024-W22`,
 * `2024-06-03T1015`), an option (`--force`), a command line the output suggests, a file path
 * and the variant keys of the monthly e-mail in square brackets.
 */
export function adminReadable(text: string): string {
  return text
    .replace(/\b[\w.-]+\.(?:xlsx|csv|tsv|pdf|json|txt|eml|html|png)\b/gi, ' ')
    .replace(/(?:^|[\s(])[./~]?[\w.-]*\/[\w./-]+/g, ' ')
    .replace(/\(([a-z][a-z0-9-]*)\)/g, (m, code: string) => (ADMIN_CODES.has(code) ? ' ' : m))
    .replace(/\b\d{4}-(?:W\d{2}|H[12]|\d{2}-\d{2}T\d{4,6})\b/g, ' ')
    .replace(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g, ' ') // an environment variable the admin sets
    .replace(/\b(?:churnguard|admin|npm run admin --)(?:\s+(?:[a-z][a-z0-9-]*|--[a-z-]+|\S*[/\d]\S*|[А-ЯЁ]+))+/g, ' ')
    .replace(/(?:^|\s)--[a-z][a-z-]*(?:[ =][^\s,;)]+)?/g, ' ')
    .replace(/\[[a-z0-9_.:-]+\]/g, ' ');
}

export function languageProblems(where: string, text: string, opts: { commands?: boolean } = {}): Finding[] {
  const out: Finding[] = [];
  const at = (i: number) => text.slice(Math.max(0, i - 60), i + 60).replace(/\s+/g, ' ');
  if (opts.commands !== false)
    for (const m of text.matchAll(/\b(?:churnguard|admin|npm run(?:\s+-s)?(?:\s+admin)?(?:\s+--)?)\s+([a-z][a-z-]*)/g)) {
      const word = m[1] as string;
      if (COMMAND_WORDS.has(word) || m[0].startsWith('admin') || m[0].startsWith('npm'))
        out.push({ where, problem: `a command of the admin script: «${m[0]}»`, context: at(m.index ?? 0) });
    }
  // Without URLs, e-mail addresses and file names, which are the machine's.
  const words = text
    .replace(/\b(?:https?|mailto|tel):[^\s<>"»“]+/g, ' ')
    .replace(/[^\s<>"«»„“;,()]+@[^\s<>"«»„“;,()]+/g, ' ')
    .replace(/\b[\w.-]+\.(?:xlsx|csv|tsv|pdf|json|txt|eml|html|png)\b/gi, ' ')
    .replace(/\b[a-z0-9-]+\.(?:example|ru|рф|com|org|net)\b/gi, ' ');
  for (const m of words.matchAll(/[A-Za-z][A-Za-z_]*(?:[-'][A-Za-z_]+)*/g)) {
    const w = m[0];
    const i = m.index ?? 0;
    // A word cut by a chart's label («(chu…») is judged where the label is whole (its tooltip).
    if (words[i + w.length] === '…') continue;
    if (CODES.has(w)) out.push({ where, problem: `a raw code: ${w}`, context: at(text.indexOf(w)) });
    // The CRM's client categories are the Latin A, B, C; Roman numerals number things.
    else if (!ALLOWED.has(w.toLowerCase()) && !/^(?:[ABC]|[IVXLC]+)$/.test(w))
      out.push({ where, problem: `an English word: ${w}`, context: words.slice(Math.max(0, i - 60), i + 60).replace(/\s+/g, ' ') });
  }
  for (const m of text.matchAll(/№\d/g)) out.push({ where, problem: '«№» without a space before the number', context: at(m.index ?? 0) });
  // «…» nested in «…»: the inner pair must be „…“.
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '«') {
      if (depth > 0) out.push({ where, problem: '«…» inside «…» (the inner pair is „…“)', context: at(i) });
      depth++;
    } else if (text[i] === '»') depth = Math.max(0, depth - 1);
    else if (text[i] === '…')
      depth = 0; // a label cut mid-quote
    else if (text[i] === '\n') depth = 0;
  }
  return out;
}
