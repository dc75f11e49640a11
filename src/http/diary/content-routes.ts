/**
 * The month's e-mail content in the diary, for a head of a department named in
 * `diary.contentDepartments` (any head when the list is empty); anyone else gets "not found":
 * - `GET /diary/content/<YYYY-MM>`: the page (src/http/diary/content-pages.ts);
 * - `POST /diary/content/<YYYY-MM>` (multipart): the workbook (or content.json) and the PDFs,
 *   checked by the same loader as `admin content load`; problems are listed by cell, nothing
 *   is stored unless everything is right;
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
import type { FastifyInstance, FastifyReply } from 'fastify';
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
  csrf?: string;
  files: { name: string; bytes: Buffer }[];
}

export function mayEditContent(app: App, user: DiaryUser): boolean {
  if (!user.isHead) return false;
  const allowed = app.config.diary.contentDepartments;
  return allowed.length === 0 || allowed.some((d) => d.toLowerCase() === (user.department ?? '').toLowerCase());
}

export async function diaryContentRoutes(scope: FastifyInstance, app: App, kit: DiaryKit): Promise<void> {
  const tz = app.config.ric.timeZone;
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (req, body, done) => {
    // The platform's own multipart parser (undici), through a Response.
    new Response(body as Buffer, { headers: { 'content-type': String(req.headers['content-type']) } })
      .formData()
      .then(async (form) => {
        const files: Upload['files'] = [];
        for (const v of form.getAll('files')) {
          if (typeof v === 'string' || v.size === 0) continue;
          files.push({ name: v.name, bytes: Buffer.from(await v.arrayBuffer()) });
        }
        const csrf = form.get('csrf');
        done(null, { csrf: typeof csrf === 'string' ? csrf : undefined, files } satisfies Upload);
      })
      .catch((err: Error) => done(Object.assign(new Error(`not a valid form: ${err.message}`), { statusCode: 400 })));
  });

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

  scope.post<{ Params: { period: string }; Body: Record<string, string> | undefined }>('/diary/content/:period', async (req, reply) => {
    const s = await kit.postSession(req, reply, 'content-upload');
    if (!s) return reply;
    const { period } = req.params;
    if (!mayEditContent(app, s.user) || !MONTH.test(period)) return notFound(reply);
    if (await getMailing(app.pool, LPR_KIND, period)) {
      return kit.refuse(reply, 409, 'Рассылка уже начата', 'Содержание месяца, рассылка которого начата, не меняется.', 'content-upload');
    }
    const { files } = (req.body ?? { files: [] }) as unknown as Upload;
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
  });

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
