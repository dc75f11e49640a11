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
import { count } from '../domain/ru.js';
import { contentIssueText, contentSchema, type MonthContent } from './schema.js';

export type { ContentFile, LoadedContent } from '../domain/content-schema.js';

const BYTES: [string, string, string] = ['байт', 'байта', 'байт'];

/** jsonc-parser's error codes in words. */
const JSON_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'недопустимый символ',
  InvalidNumberFormat: 'неверная запись числа',
  PropertyNameExpected: 'ожидается имя ключа в кавычках',
  ValueExpected: 'ожидается значение',
  ColonExpected: 'ожидается двоеточие',
  CommaExpected: 'ожидается запятая',
  CloseBraceExpected: 'ожидается закрывающая фигурная скобка',
  CloseBracketExpected: 'ожидается закрывающая квадратная скобка',
  EndOfFileExpected: 'после конца данных есть лишний текст',
  InvalidCommentToken: 'комментарии не допускаются',
  UnexpectedEndOfComment: 'незакрытый комментарий',
  UnexpectedEndOfString: 'незакрытая строка',
  UnexpectedEndOfNumber: 'незаконченное число',
  InvalidUnicode: 'неверный код символа',
  InvalidEscapeCharacter: 'неверная экранирующая последовательность',
  InvalidCharacter: 'недопустимый символ в строке',
};
const jsonErrorText = (code: string) => JSON_ERRORS[code] ?? code;

export class ContentError extends Error {
  override name = 'ContentError';
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 50);
    const more = problems.length > shown.length ? `\n  … и ещё ${problems.length - shown.length}` : '';
    super(`содержание письма с ошибками (${count(problems.length, ['ошибка', 'ошибки', 'ошибок'])}):\n  ${shown.join('\n  ')}${more}`);
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
      return `${at(prop ?? parent)}: ${known}: неизвестный ключ (удалите его или проверьте написание)`;
    });
  }
  const node = nodeFor(root, issue.path);
  const exists = findNodeAtLocation(root, issue.path as (string | number)[]) !== undefined;
  const message = !exists && issue.code === 'invalid_type' ? 'отсутствует' : issue.message;
  const given = exists && node.type !== 'object' && node.type !== 'array' ? ` (указано ${JSON.stringify(node.value)})` : '';
  return [`${at(node)}: ${pathText(issue.path)}: ${message}${issue.code === 'invalid_value' ? given : ''}`];
}

/** Parse and validate content.json text; `file` names it in the errors. */
export function parseContent(file: string, text: string): { content: MonthContent } | { problems: string[] } {
  if (!text.trim()) return { problems: [`${file}:1:1: не JSON: файл пуст`] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length || !root) {
    return {
      problems: errors.length
        ? errors
            // One message per place: the parser often reports a follow-up error at the same offset.
            .filter((e, i) => errors.findIndex((x) => x.offset === e.offset) === i)
            .map((e) => `${file}:${lineColumn(text, e.offset)}: ошибка JSON: ${jsonErrorText(printParseErrorCode(e.error))}`)
        : [`${file}:1:1: не JSON: файл пуст`],
    };
  }
  const parsed = contentSchema.safeParse(JSON.parse(text), { error: contentIssueText });
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
      `${shown}: не читается (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ожидается папка с content.json`,
    ]);
  }
  const res = parseContent(shown, text.replace(/^\uFEFF/, ''));
  if ('problems' in res) throw new ContentError(res.problems);
  const { content } = res;
  const problems: string[] = [];
  const folder = basename(dir.replace(/[\\/]+$/, ''));
  if (/^\d{4}-\d{2}$/.test(folder) && folder !== content.period) {
    problems.push(`${shown}: period: «${content.period}» не совпадает с папкой «${folder}»`);
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
      problems.push(`${at}: файла нет рядом с ${beside}`);
      return;
    }
    if (size > MAX_FILE_BYTES) {
      problems.push(
        `${at}: ${count(size, BYTES)} — слишком много, чтобы прикладывать к каждому письму (не больше ${count(MAX_FILE_BYTES, BYTES)})`,
      );
      return;
    }
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      problems.push(`${at}: не PDF-файл (не начинается с «%PDF-»)`);
      return;
    }
    files.push({ name: c.file, contentType: 'application/pdf', bytes, sha256: sha256(bytes) });
  });
  return problems;
}
