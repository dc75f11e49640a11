/**
 * `content/<YYYY-MM>/content.json`: what the desk puts into the month's e-mail to decision
 * makers (see the seed's «Установление контакта с ЛПР»):
 * - `intro` — a few paragraphs (blank line between them);
 * - `topQuestions` — ТОП вопросы, each with its audience by position type and problem area;
 * - `documents` — direct links to documents in the system;
 * - `reviews` — обзоры руководителю; `magazine` — журнал; `bulletin` — бюллетень;
 * - `webinars` — the link to the month's webinar programme;
 * - `newsHooks` — инфоповоды for decision makers who use the system, one per problem area;
 * - `collections` — thematic collections, PDF files in the same folder, attached to every e-mail.
 */
import { z } from 'zod';
import { POSITION_TYPES, PROBLEM_AREAS } from './audiences.js';
import { isAllCapitals } from './capitals.js';
import { plural } from './ru.js';

const EMPTY = 'не заполнено';
const tooLong = (max: number) => `должно быть не длиннее ${max} ${plural(max, ['знака', 'знаков', 'знаков'])}`;

/**
 * zod's own complaints (a missing field, a wrong type, a short list) in the desk's words: the
 * content's problems are read by the person who filled it in (the diary's content page).
 */
export function contentIssueText(issue: { code?: string; input?: unknown; minimum?: unknown; maximum?: unknown }): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'отсутствует' : 'неверный тип значения';
    case 'too_small':
      return `слишком мало: нужно не меньше ${String(issue.minimum)}`;
    case 'too_big':
      return `слишком много: не больше ${String(issue.maximum)}`;
    case 'invalid_value':
      return 'недопустимое значение';
    case 'invalid_format':
      return 'неверный формат';
    case 'unrecognized_keys':
      return 'неизвестный ключ';
    default:
      return 'недопустимое значение';
  }
}

/** One line of text: it may end up in a header or a subject, so no control characters. */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, EMPTY)
    .max(max, tooLong(max))
    .refine((s) => !/[\u0000-\u001f\u007f\u2028\u2029]/.test(s), 'должно быть одной строкой (без переносов строк и управляющих символов)');

/** A line that becomes an e-mail's subject: not all in capitals (spam filters score it, readers hear shouting). */
const subjectLine = (max: number) =>
  line(max).refine(
    (s) => !isAllCapitals(s),
    'написано заглавными буквами (спам-фильтры штрафуют такие темы; напишите как обычное предложение)',
  );

const text = (max: number) => z.string().trim().min(1, EMPTY).max(max, tooLong(max));

const url = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'не ссылка на страницу в интернете (например, «https://www.consultant.ru/…»)');

const positionType = z.enum(POSITION_TYPES, { error: () => `ожидается одно из: ${POSITION_TYPES.join(', ')}` });
const problemArea = z.enum(PROBLEM_AREAS, { error: () => `ожидается одно из: ${PROBLEM_AREAS.join(', ')}` });

const link = z.strictObject({ title: line(300), url });

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'ожидается месяц ГГГГ-ММ, например «2024-06»');

/** A file next to content.json: a plain name, no folders. */
const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.pdf$/, 'ожидается имя PDF-файла из той же папки (латинские буквы, цифры, «._-»)');

export const contentSchema = z
  .strictObject({
    period: month,
    /** The theme of the month; the subject is «<Месяц год>: <subject>». */
    subject: subjectLine(150),
    intro: text(3000),
    topQuestions: z
      .array(
        z.strictObject({
          title: line(300),
          url,
          audiences: z.strictObject({
            positionTypes: z.array(positionType).min(1, 'отметьте хотя бы одну должность'),
            problemAreas: z.array(problemArea).default([]),
          }),
        }),
      )
      .min(1, 'в письме нужен хотя бы один ТОП-вопрос'),
    documents: z.array(z.strictObject({ title: line(300), url, note: text(500).optional() })).default([]),
    reviews: z.array(z.strictObject({ title: line(300), url, summary: text(800).optional() })).default([]),
    magazine: z.array(link).default([]),
    bulletin: z.array(link).default([]),
    webinars: z.strictObject({ title: line(200), url, note: text(500).optional() }),
    newsHooks: z
      .array(
        z.strictObject({
          area: problemArea,
          /** The subject of the users' variant of this area. */
          title: subjectLine(200),
          text: text(1500),
          links: z.array(link).min(1, 'у инфоповода нужна хотя бы одна ссылка'),
        }),
      )
      .min(1, 'нужен хотя бы один инфоповод (для ЛПР, которые пользуются системой)'),
    collections: z.array(z.strictObject({ title: line(200), file: fileName, description: text(500).optional() })).default([]),
  })
  .superRefine((c, ctx) => {
    /** Each value of `key` once in `list`: a second one is an issue naming the first. */
    const once = <T>(list: T[], name: string, key: keyof T & string, say: (v: string, first: number) => string) => {
      const seen = new Map<string, number>();
      list.forEach((item, i) => {
        const v = String(item[key]);
        const first = seen.get(v);
        if (first === undefined) seen.set(v, i);
        else ctx.addIssue({ code: 'custom', path: [name, i, key], message: say(v, first) });
      });
    };
    once(c.newsHooks, 'newsHooks', 'area', (v, first) => `у «${v}» уже есть инфоповод (${first + 1}-й в списке)`);
    once(c.collections, 'collections', 'file', (v, first) => `«${v}» уже приложен (${first + 1}-й в списке подборок)`);
  });

export type MonthContent = z.infer<typeof contentSchema>;

/** A file of the month's content (a PDF collection). */
export interface ContentFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

/** A month's content as loaded from its folder. */
export interface LoadedContent {
  content: MonthContent;
  files: ContentFile[];
  /** Over content.json and the files: the same folder loads to the same hash. */
  sha256: string;
  /** The folder, as given. */
  source: string;
}
