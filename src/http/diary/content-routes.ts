/**
 * The month's e-mail content in the diary, for a head of a department named in
 * `diary.contentDepartments` (any head when the list is empty); anyone else gets "not found":
 * - `GET /diary/content/<YYYY-MM>`: the page (src/http/diary/content-pages.ts);
 * - `POST /diary/content/<YYYY-MM>?csrf=…` (multipart): the workbook (or content.json) and the
 *   PDFs, checked by the same loader as `admin content load`; problems are listed by cell,
 *   nothing is stored unless everything is right. The only route of the service that takes a
 *   multipart body, and it reads it last: the session, the CSRF token (in the form's address),
 *   the right to edit and the month are checked first, then at most {@link UPLOAD_LIMIT} bytes
 *   are read (413 above it). Every other diary route answers a multipart body with 415 unread;
 * - `GET /diary/content/<YYYY-MM>/variants/<key>`: one variant filled for its first recipient,
 *   links straight to the documents (shown in the page's frames);
 * - `POST /diary/content/<YYYY-MM>/test`: that variant to the head's own address, subject
 *   «[ТЕСТ] …», links straight to the documents: no message row, no link, no click is stored.
 * - `GET /diary/content/<YYYY-MM>/content.xlsx`: the month's workbook to fill in — the month as
 *   loaded, else the previous month's content to start from, else empty with a note on every
 *   column (what `admin content export` / `content template` write, for a head in the browser).
 * Once the month's mailing exists, uploads and test sends are refused (409).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { readContentFolder } from '../../content/folder.js';
import { ContentError } from '../../content/load.js';
import { fillVariant, monthPreview } from '../../content/preview.js';
import { writeWorkbook } from '../../content/workbook.js';
import { getContent, saveContent } from '../../db/contents.js';
import type { DiaryUser } from '../../db/diary-auth.js';
import { getMailing } from '../../db/mailings.js';
import { withTransaction } from '../../db/pool.js';
import { scopeOf } from '../../db/scope.js';
import { csrfToken } from '../../diary/tokens.js';
import { LPR_KIND } from '../../domain/mailing-content.js';
import { shiftPeriod } from '../../domain/periods.js';
import { headerSafe } from '../../mail/transport.js';
import { sendPage } from '../pages.js';
import { CONTENT_CSP, contentPage, PREVIEW_CSP } from './content-pages.js';
import type { DiaryKit, DiarySession } from './kit.js';

/** A month's workbook and a few PDFs of at most 2 MB each. */
const UPLOAD_LIMIT = 25 * 1024 * 1024;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Names a folder may hold: the content file and the PDFs it names. */
const FILE_NAME = /^(content\.xlsx|content\.json|[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.pdf)$/;

interface Upload {
  files: { name: string; bytes: Buffer }[];
}

/**
 * The request's body, at most `limit` bytes: null (nothing more read) as soon as the declared
 * length or what has arrived passes it.
 */
async function readBody(req: FastifyRequest, limit: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The files of a multipart body (the platform's own parser, undici's, through a Response); null when it is not one. */
async function uploadOf(contentType: string, body: Buffer): Promise<Upload | null> {
  try {
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const files: Upload['files'] = [];
    for (const v of form.getAll('files')) {
      if (typeof v === 'string' || v.size === 0) continue;
      files.push({ name: v.name, bytes: Buffer.from(await v.arrayBuffer()) });
    }
    return { files };
  } catch {
    return null;
  }
}

export function mayEditContent(app: App, user: DiaryUser): boolean {
  if (!user.isHead) return false;
  const allowed = app.config.diary.contentDepartments;
  return allowed.length === 0 || allowed.some((d) => d.toLowerCase() === (user.department ?? '').toLowerCase());
}

export async function diaryContentRoutes(scope: FastifyInstance, app: App, kit: DiaryKit): Promise<void> {
  const tz = app.config.ric.timeZone;
  const notFound = (reply: FastifyReply) => kit.refuse(reply, 404, 'Страница не найдена', 'Такой страницы в ежедневнике нет.', 'view');

  async function page(
    reply: FastifyReply,
    s: DiarySession,
    period: string,
    status: number,
    problems: string[],
    flash: { text: string; error?: boolean } | null,
  ) {
    const preview = await monthPreview(app, period, scopeOf(s.user, app.config.diary.reportsAllDepartments));
    reply.header('content-security-policy', CONTENT_CSP);
    return sendPage(reply, status, contentPage({ user: s.user, period, csrf: csrfToken(s.token), tz, preview, problems, flash }));
  }

  scope.get<{ Params: { period: string } }>('/diary/content/:period/content.xlsx', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const { period } = req.params;
    if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
    const own = await getContent(app.pool, LPR_KIND, period);
    const start = own ?? (await getContent(app.pool, LPR_KIND, shiftPeriod('month', period, -1)));
    return reply
      .code(200)
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="content-${period}.xlsx"`)
      .send(await writeWorkbook(period, start ? { ...start.content, period } : null));
  });

  scope.get<{ Params: { period: string }; Querystring: { loaded?: string; sent?: string } }>(
    '/diary/content/:period',
    async (req, reply) => {
      const s = await kit.sessionOf(req);
      if (!s) return kit.showLogin(reply, 401, null);
      const { period } = req.params;
      if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
      const flash = req.query.loaded
        ? { text: 'Файлы проверены и загружены. Ниже — письма такими, какими их получат.' }
        : req.query.sent
          ? { text: `Тестовое письмо отправлено на ваш адрес (${req.query.sent}).` }
          : null;
      return page(reply, s, period, 200, [], flash);
    },
  );

  // The upload in a scope of its own: only here is multipart accepted, and its parser reads
  // nothing — the handler reads the body after its checks.
  await scope.register(async (upload) => {
    upload.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));
    upload.post<{ Params: { period: string }; Querystring: { csrf?: string }; Body: Record<string, string> | undefined }>(
      '/diary/content/:period',
      uploadRoute,
    );
  });

  async function uploadRoute(
    req: FastifyRequest<{ Params: { period: string }; Querystring: { csrf?: string }; Body: Record<string, string> | undefined }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const s = await kit.postSession(req, reply, 'content-upload', req.query.csrf);
    if (!s) return reply;
    const { period } = req.params;
    if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
    if (await getMailing(app.pool, LPR_KIND, period)) {
      return kit.refuse(reply, 409, 'Рассылка уже начата', 'Содержание месяца, рассылка которого начата, не меняется.', 'content-upload');
    }
    const contentType = String(req.headers['content-type'] ?? '');
    let files: Upload['files'] = [];
    if (/^multipart\/form-data\b/i.test(contentType)) {
      const body = await readBody(req, UPLOAD_LIMIT);
      if (!body) {
        return kit.refuse(
          reply,
          413,
          'Файлы слишком большие',
          `Книга и PDF-подборки вместе — не больше ${UPLOAD_LIMIT / 1024 / 1024} МБ.`,
          'content-upload',
        );
      }
      const upload = await uploadOf(contentType, body);
      if (!upload)
        return kit.refuse(reply, 400, 'Форма не принята', 'Файлы не удалось прочитать. Выберите их и отправьте ещё раз.', 'content-upload');
      files = upload.files;
    }
    const bad = files
      .filter((f) => !FILE_NAME.test(f.name))
      .map((f) => `«${f.name}»: не принят (ожидаются content.xlsx или content.json и PDF-файлы с именами из латиницы, цифр и «._-»)`);
    if (!files.some((f) => f.name === 'content.xlsx' || f.name === 'content.json'))
      bad.push('Нет книги content.xlsx (или content.json): выберите её вместе с PDF-подборками.');
    if (bad.length) return page(reply, s, period, 400, bad, null);
    const dir = mkdtempSync(join(tmpdir(), 'cg-upload-'));
    try {
      for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
      const loaded = await readContentFolder(dir, { period, maxXlsxBytes: app.config.lpr.maxContentXlsxBytes });
      // Problems name `content.xlsx`, not the temporary folder.
      loaded.source = `diary upload by employee ${s.user.id}`;
      await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, loaded, now()));
      app.log.info({ period, by: s.user.id }, 'diary: content loaded');
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      const prefixes = [`${relative(process.cwd(), dir)}/`, `${dir}/`];
      const problems = err.problems.map((p) => prefixes.reduce((text, prefix) => text.split(prefix).join(''), p));
      return page(reply, s, period, 400, problems, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return reply.code(303).header('location', `/diary/content/${period}?loaded=1`).send();
  }

  scope.get<{ Params: { period: string; key: string } }>('/diary/content/:period/variants/:key', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const { period, key } = req.params;
    if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
    const preview = await monthPreview(app, period, scopeOf(s.user, app.config.diary.reportsAllDepartments));
    const filled = preview ? await fillVariant(app, preview, key) : null;
    if (!filled) return notFound(reply);
    return reply
      .code(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PREVIEW_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .send(filled.html);
  });

  scope.post<{ Params: { period: string }; Body: Record<string, string> | undefined }>(
    '/diary/content/:period/test',
    async (req, reply) => {
      const s = await kit.postSession(req, reply, 'content-test');
      if (!s) return reply;
      const { period } = req.params;
      if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
      const preview = await monthPreview(app, period, scopeOf(s.user, app.config.diary.reportsAllDepartments));
      if (preview?.mailing) {
        return kit.refuse(
          reply,
          409,
          'Рассылка уже начата',
          'Страница месяца, рассылка которого начата, только для просмотра.',
          'content-test',
        );
      }
      const filled = preview ? await fillVariant(app, preview, req.body?.variant ?? '') : null;
      if (!filled) return notFound(reply);
      const { rows } = await app.pool.query<{ email: string | null }>('SELECT email FROM employees WHERE id = $1', [s.user.id]);
      const to = rows[0]?.email?.trim();
      if (!to) {
        return kit.refuse(reply, 400, 'Нет адреса', 'В карточке сотрудника нет e-mail: тестовое письмо некуда отправить.', 'content-test');
      }
      await (await app.mailer()).send({
        from: app.config.smtp.from,
        to: { name: headerSafe(s.user.name), address: headerSafe(to) },
        subject: headerSafe(`[ТЕСТ] ${filled.subject}`),
        date: now(),
        html: filled.html,
        text: filled.text,
        headers: { 'X-Churnguard-Kind': `${LPR_KIND}-test` },
        attachments: filled.attachments.map((a) => ({ raw: a.raw })),
      });
      app.log.info({ period, by: s.user.id }, 'diary: test e-mail sent');
      return reply
        .code(303)
        .header(
          'location',
          `/diary/content/${period}?sent=${encodeURIComponent(to)}#variant-${encodeURIComponent(req.body?.variant ?? '')}`,
        )
        .send();
    },
  );
}
