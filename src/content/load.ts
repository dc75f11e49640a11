/**
 * Reading a month's content folder (`content/2024-06/`): content.json parsed strictly (no
 * comments, no trailing commas), validated against {@link contentSchema}, and every attached
 * PDF read. Every problem is reported as `file:line:column: key: what is wrong (what was
 * expected)`, all of them at once (at most 50), in a {@link ContentError}; nothing is loaded.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import type { ContentFile, LoadedContent } from '../domain/content-schema.js';
import { contentSchema, type MonthContent } from './schema.js';

export type { ContentFile, LoadedContent } from '../domain/content-schema.js';

export class ContentError extends Error {
  override name = 'ContentError';
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 50);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    super(`content is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${shown.join('\n  ')}${more}`);
  }
}

/** A thematic collection must stay small: it goes out with every e-mail. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `${line}:${offset - last}`;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** The node an issue is about: the value at its path, or the closest existing parent. */
function nodeFor(root: Node, path: readonly PropertyKey[]): Node {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n) as (string | number)[]);
    if (node) return node;
  }
  return root;
}

function describe(file: string, text: string, root: Node, issue: z.core.$ZodIssue): string[] {
  const at = (node: Node) => `${file}:${lineColumn(text, node.offset)}`;
  if (issue.code === 'unrecognized_keys') {
    const parent = nodeFor(root, issue.path);
    return issue.keys.map((k) => {
      const prop = parent.children?.find((p) => p.children?.[0]?.value === k);
      const known = pathText([...issue.path, k]);
      return `${at(prop ?? parent)}: ${known}: unknown key (remove it or check its spelling)`;
    });
  }
  const node = nodeFor(root, issue.path);
  const exists = findNodeAtLocation(root, issue.path as (string | number)[]) !== undefined;
  const message = !exists && issue.code === 'invalid_type' ? 'is missing' : issue.message;
  const given = exists && node.type !== 'object' && node.type !== 'array' ? ` (given ${JSON.stringify(node.value)})` : '';
  return [`${at(node)}: ${pathText(issue.path)}: ${message}${issue.code === 'invalid_value' ? given : ''}`];
}

/** Parse and validate content.json text; `file` names it in the errors. */
export function parseContent(file: string, text: string): { content: MonthContent } | { problems: string[] } {
  if (!text.trim()) return { problems: [`${file}:1:1: not valid JSON: the file is empty`] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length || !root) {
    return {
      problems: errors.length
        ? errors
            // One message per place: the parser often reports a follow-up error at the same offset.
            .filter((e, i) => errors.findIndex((x) => x.offset === e.offset) === i)
            .map((e) => `${file}:${lineColumn(text, e.offset)}: not valid JSON: ${printParseErrorCode(e.error)}`)
        : [`${file}:1:1: not valid JSON: the file is empty`],
    };
  }
  const parsed = contentSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return { problems: parsed.error.issues.flatMap((i) => describe(file, text, root, i)) };
  return { content: parsed.data };
}

function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Read and check a content folder; throws {@link ContentError} listing every problem. */
export function readContentDir(dir: string): LoadedContent {
  const jsonPath = join(dir, 'content.json');
  const shown = relative(process.cwd(), jsonPath) || jsonPath;
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch (err) {
    throw new ContentError([
      `${shown}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a folder with content.json`,
    ]);
  }
  const res = parseContent(shown, text.replace(/^\uFEFF/, ''));
  if ('problems' in res) throw new ContentError(res.problems);
  const { content } = res;
  const problems: string[] = [];
  const folder = basename(dir.replace(/[\\/]+$/, ''));
  if (/^\d{4}-\d{2}$/.test(folder) && folder !== content.period) {
    problems.push(`${shown}: period: "${content.period}" does not match the folder "${folder}"`);
  }
  const files: ContentFile[] = [];
  problems.push(...readAttachments(dir, content, (i, path) => `${relative(process.cwd(), path) || path} (collections[${i}].file)`, files));
  if (problems.length) throw new ContentError(problems);
  return { content, files, sha256: contentHash(content, files), source: dir };
}

/** The hash of a month's content and its files: the same month loads to the same hash from JSON or a workbook. */
export function contentHash(content: MonthContent, files: readonly ContentFile[]): string {
  const hash = createHash('sha256').update(JSON.stringify(content));
  for (const f of files) hash.update(`${f.name}:${f.sha256};`);
  return hash.digest('hex');
}

/**
 * Read the PDF collections named by the content from `dir` into `files`; returns the problems,
 * each placed by `where(index, path)`.
 */
export function readAttachments(
  dir: string,
  content: MonthContent,
  where: (index: number, path: string) => string,
  files: ContentFile[],
  beside = 'content.json',
): string[] {
  const problems: string[] = [];
  content.collections.forEach((c, i) => {
    const path = join(dir, c.file);
    const at = where(i, path);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      problems.push(`${at}: file not found next to ${beside}`);
      return;
    }
    if (size > MAX_FILE_BYTES) {
      problems.push(`${at}: ${size} bytes is too large to attach to every e-mail (at most ${MAX_FILE_BYTES})`);
      return;
    }
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      problems.push(`${at}: not a PDF file (it does not start with "%PDF-")`);
      return;
    }
    files.push({ name: c.file, contentType: 'application/pdf', bytes, sha256: sha256(bytes) });
  });
  return problems;
}
