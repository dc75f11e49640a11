/**
 * Templates: MJML in `src/templates/` compiled once (per template, or per mailing variant)
 * into HTML that still holds `{{placeholders}}`; each recipient's values are then filled in.
 *
 * - `{{ key }}` inserts the value HTML-escaped (the default; names, subjects, anything user-made);
 * - `{{{ key }}}` inserts a {@link SafeHtml} fragment built by our code with `html`...``;
 * - a missing key is an error, never an empty string.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';
import { hideWithoutColour } from './hidden-text.js';

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

export class TemplateError extends Error {
  override name = 'TemplateError';
}

let compilations = 0;

/** How many MJML compilations this process has done (tests assert one per variant). */
export function mjmlCompilations(): number {
  return compilations;
}

/**
 * Compile MJML to HTML; any MJML validation error is a {@link TemplateError}. Hidden text (the
 * preheader) is restyled to be hidden without a colour of its own (src/mail/hidden-text.ts).
 */
export async function compileMjml(source: string, filePath = TEMPLATES_DIR): Promise<string> {
  compilations++;
  let out: Awaited<ReturnType<typeof mjml2html>>;
  try {
    out = await mjml2html(source, { validationLevel: 'strict', filePath, keepComments: false });
  } catch (err) {
    // Strict validation throws a ValidationError listing every problem.
    throw new TemplateError(`MJML: ${(err as Error).message}`, { cause: err });
  }
  if (out.errors?.length) {
    throw new TemplateError(
      `MJML: ${out.errors.map((e: { formattedMessage?: string; message: string }) => e.formattedMessage ?? e.message).join('; ')}`,
    );
  }
  return hideWithoutColour(out.html);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** HTML made by our code from escaped parts; the only thing `{{{ }}}` accepts. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template: interpolated strings are escaped, SafeHtml and arrays of it are not. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += toHtml(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function toHtml(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(toHtml).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export type FillValues = Record<string, string | number | SafeHtml | null | undefined>;

const PLACEHOLDER = /\{\{\{\s*([\w.:-]+)\s*\}\}\}|\{\{\s*([\w.:-]+)\s*\}\}/g;

/** Fill placeholders of compiled HTML (escaped) or of plain text (`mode: 'text'`, as is). */
export function fill(template: string, values: FillValues, mode: 'html' | 'text' = 'html'): string {
  return template.replace(PLACEHOLDER, (_m, raw: string | undefined, plain: string | undefined) => {
    const key = (raw ?? plain) as string;
    if (!(key in values)) throw new TemplateError(`template value "${key}" is missing`);
    const v = values[key];
    if (v === null || v === undefined) return '';
    if (mode === 'text') return v instanceof SafeHtml ? stripTags(v.value) : String(v);
    if (raw !== undefined) {
      if (!(v instanceof SafeHtml)) throw new TemplateError(`template value "${key}" is inserted raw but is not SafeHtml`);
      return v.value;
    }
    return v instanceof SafeHtml ? v.value : escapeHtml(String(v));
  });
}

/** The text of an HTML fragment, for a plain-text part. */
export function plainTextOf(v: SafeHtml): string {
  return stripTags(v.value);
}

function stripTags(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|tr|div|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface CompiledTemplate {
  html: string;
  text: string;
}

const cache = new Map<string, Promise<CompiledTemplate>>();

/**
 * `src/templates/<name>.mjml` (compiled once per process) and `<name>.txt` (the plain-text
 * part), ready for {@link fill}.
 */
export function loadTemplate(name: string): Promise<CompiledTemplate> {
  let t = cache.get(name);
  if (!t) {
    t = (async () => {
      const source = readFileSync(join(TEMPLATES_DIR, `${name}.mjml`), 'utf8');
      const text = readFileSync(join(TEMPLATES_DIR, `${name}.txt`), 'utf8');
      return { html: await compileMjml(source), text };
    })();
    cache.set(name, t);
    t.catch(() => cache.delete(name));
  }
  return t;
}

/** Render a named template with values: the HTML and plain-text parts. */
export async function renderTemplate(name: string, values: FillValues): Promise<CompiledTemplate> {
  const t = await loadTemplate(name);
  return { html: fill(t.html, values), text: fill(t.text, values, 'text') };
}
