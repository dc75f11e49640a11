/**
 * The specialist's diary («Ежедневник»), served by the `http` role:
 * - `GET /diary/login?token=…` (the link of `admin employee token`) shows a page whose button
 *   posts the token (it never stays in the address of a signed-in page); the form at
 *   `GET|POST /diary/login` signs in: a session cookie, then on to `/diary`. A sign-in token
 *   works once and for `diary.tokenHours` after it was issued;
 * - `GET /diary`: the day's and overdue tasks of the signed-in employee (a head: the team's too);
 * - `GET /diary/tasks/:id`: one task; `POST /diary/tasks/:id/outcome`: close one's own task
 *   through the same code as `admin task done`; `POST /diary/tasks/:id/reassign`: a head gives
 *   a task of the team to another member; `POST /diary/logout`. A diagnostics task closes as
 *   «конкурент не выявлен» or «выявлен конкурент» with the competitor's system, as `task done`.
 * Nothing without a live session (401 page to sign in; 403 for a form). Every form carries the
 * session's CSRF token and the cookie is SameSite=Strict. Only form bodies are read (415
 * otherwise), and text with NUL, control characters or lone surrogates gets a 400 page naming
 * the field. Another specialist's task is "not
 * found" (404), whether it exists or not.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { reassignTask } from '../../db/diary.js';
import { closeSession, type DiaryUser, openSession, sessionUser } from '../../db/diary-auth.js';
import { withTransaction } from '../../db/pool.js';
import { scopeOf } from '../../db/scope.js';
import { closeTask, type OutcomeFinding } from '../../diagnostics/close-task.js';
import { type FindingField, FindingFieldError, findingDetails } from '../../diagnostics/finding-input.js';
import { csrfToken, isValidCsrf, isWellFormedToken, newToken, tokenHash } from '../../diary/tokens.js';
import { loadDiary, loadTaskPage } from '../../diary/view.js';
import { type ContactFrequency, parseContactFrequency } from '../../domain/contact-frequency.js';
import { localDate } from '../../domain/dates.js';
import { isOutcome, outcomeDef } from '../../domain/task-outcomes.js';
import { parseFollowUp } from '../../health/follow-up.js';
import { counter } from '../../metrics.js';
import { closeVisit, type ReasonInput, VISIT_OUTCOMES, type VisitOutcome } from '../../workload/close-visit.js';
import { type DecisionResult, dropVisit, moveDeadline, reassignVisit } from '../../workload/overflow.js';
import { badRequestText } from '../input-text.js';
import { sendPage } from '../pages.js';
import { diaryClientRoutes } from './client-routes.js';
import { diaryContentRoutes } from './content-routes.js';
import { DECISION_DONE, diaryPage, type Flash, loginPage, messagePage, type PageContext, signedInPage, taskPage } from './pages.js';
import { diaryReportRoutes } from './reports-routes.js';
import { LOGIN_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './session.js';
import { diarySteerRoutes } from './steer.js';

const actions = counter('churnguard_diary_actions_total', 'Diary actions by kind and result (sign-in, outcome, reassign, refused).');

/** Largest form we read: two comments of 4 000 characters, URL-encoded. */
const BODY_LIMIT = 64 * 1024;
const TEXT_LIMIT = 4000;

/** The diary's names of a finding's fields (the form's labels). */
const FINDING_FIELDS: Partial<Record<FindingField, string>> = {
  competitor: 'Система конкурента',
  until: 'Действует до',
  contact: 'Контактное лицо',
  note: 'Комментарий к действию',
};

type Form = Record<string, string>;
interface Session {
  user: DiaryUser;
  token: string;
}

export async function diaryRoutes(server: FastifyInstance, app: App): Promise<void> {
  const secure = app.config.env.publicBaseUrl.startsWith('https:');
  const sessionSeconds = Math.round(app.config.diary.sessionHours * 3600);
  const tokenMs = Math.round(app.config.diary.tokenHours * 3600 * 1000);
  const ctxOf = (s: Session): PageContext => ({
    tz: app.config.ric.timeZone,
    csrf: csrfToken(s.token),
    reasonFrom: app.config.risk.scores.dynamic,
  });

  async function sessionOf(req: FastifyRequest): Promise<Session | null> {
    const token = readCookie(req, SESSION_COOKIE);
    if (!isWellFormedToken(token)) return null;
    const user = await sessionUser(app.pool, tokenHash(token), now());
    return user ? { user, token } : null;
  }

  /** The sign-in form, with a fresh nonce cookie its CSRF field is derived from. */
  function showLogin(reply: FastifyReply, status: number, flash: Flash | null, linkToken: string | null = null): FastifyReply {
    const nonce = newToken();
    setCookie(reply, LOGIN_COOKIE, nonce, { maxAge: 3600, secure });
    return sendPage(reply, status, loginPage(csrfToken(nonce), flash, linkToken));
  }

  async function signIn(req: FastifyRequest, reply: FastifyReply, token: unknown): Promise<FastifyReply> {
    const session = newToken();
    const at = now();
    const employeeId = isWellFormedToken(token)
      ? await openSession(
          app.pool,
          tokenHash(token),
          tokenHash(session),
          at,
          new Date(at.getTime() + sessionSeconds * 1000),
          new Date(at.getTime() - tokenMs),
        )
      : null;
    if (employeeId === null) {
      actions.inc({ action: 'sign-in', result: 'refused' });
      return showLogin(reply, 401, {
        text: `Ключ входа недействителен: он уже использован, выдан больше ${app.config.diary.tokenHours} ч назад, заменён новым или набран с ошибкой. Попросите новую ссылку.`,
        error: true,
      });
    }
    actions.inc({ action: 'sign-in', result: 'ok' });
    setCookie(reply, SESSION_COOKIE, session, { maxAge: sessionSeconds, secure });
    setCookie(reply, LOGIN_COOKIE, '', { maxAge: 0, secure });
    // A SameSite=Strict cookie is not sent on a redirect that began on another site (the
    // link in a mail client): there the page moves on by itself, as a same-site navigation.
    const site = req.headers['sec-fetch-site'];
    if (site === undefined || site === 'same-origin' || site === 'none') return reply.code(303).header('location', '/diary').send();
    return sendPage(reply, 200, signedInPage());
  }

  const refuse = (reply: FastifyReply, status: number, title: string, text: string, action: string) => {
    actions.inc({ action, result: 'refused' });
    return sendPage(reply, status, messagePage(title, text, action !== 'session'));
  };

  /**
   * A POST's session and CSRF check; null when the reply has been sent. The token comes from
   * the form (`csrf`), or is given (the upload route reads it from its address, before the body).
   */
  async function postSession(
    req: FastifyRequest<{ Body: Form | undefined }>,
    reply: FastifyReply,
    action: string,
    csrf: unknown = req.body?.csrf,
  ): Promise<Session | null> {
    const s = await sessionOf(req);
    if (!s) {
      await refuse(reply, 403, 'Нужно войти', 'Сессия не найдена или истекла. Войдите по ссылке ещё раз.', 'session');
      return null;
    }
    if (!isValidCsrf(s.token, csrf)) {
      await refuse(
        reply,
        403,
        'Форма не принята',
        'Форма устарела или отправлена с другой страницы. Обновите страницу и повторите.',
        action,
      );
      return null;
    }
    return s;
  }

  const taskId = (raw: string): number | null => (/^\d{1,15}$/.test(raw) ? Number(raw) : null);
  const textField = (v: string | undefined): string | null => {
    const t = v?.trim() ?? '';
    return t === '' ? null : t;
  };

  /** The competitor's system given with `competitor-found`: the finding, null, or what is wrong (in Russian). */
  const findingOf = (form: Form, outcome: string, note: string | null): OutcomeFinding | null | string => {
    const competitor = textField(form.competitor);
    if (competitor === null) return null;
    if (outcome !== 'competitor-found') return 'Система конкурента указывается только с результатом «Выявлен конкурент».';
    try {
      return findingDetails({ competitor, until: textField(form.until), contact: textField(form.contact), note });
    } catch (err) {
      if (!(err instanceof FindingFieldError)) throw err;
      return `Поле «${FINDING_FIELDS[err.field] ?? err.field}» заполнено неверно: ${err.message}.`;
    }
  };

  await server.register(async (scope) => {
    // Forms only: no JSON or text body reaches a diary route (415).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    // The security headers (the diary's policy among them) come from src/http/security-headers.ts.
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('cache-control', 'no-store');
      return payload;
    });

    scope.addHook('preValidation', async (req, reply) => {
      const bad = badRequestText(req);
      if (!bad) return;
      actions.inc({ action: 'input', result: 'refused' });
      return sendPage(
        reply,
        400,
        messagePage(
          'Недопустимые символы',
          `Поле «${bad.field}» содержит недопустимые символы. Исправьте текст и отправьте форму ещё раз.`,
        ),
      );
    });

    scope.get<{ Querystring: { token?: string } }>('/diary/login', async (req, reply) => {
      // The link's page: the button posts the token; nothing signs in on a GET.
      if (req.query.token !== undefined) {
        return isWellFormedToken(req.query.token)
          ? showLogin(reply, 200, null, req.query.token)
          : showLogin(reply, 401, { text: 'Ссылка для входа повреждена. Попросите новую ссылку.', error: true });
      }
      if (await sessionOf(req)) return reply.code(303).header('location', '/diary').send();
      return showLogin(reply, 200, null);
    });

    scope.post<{ Body: Form | undefined }>('/diary/login', async (req, reply) => {
      const nonce = readCookie(req, LOGIN_COOKIE);
      if (!isWellFormedToken(nonce) || !isValidCsrf(nonce, req.body?.csrf)) {
        actions.inc({ action: 'sign-in', result: 'refused' });
        return showLogin(reply, 403, { text: 'Форма входа устарела или отправлена с другой страницы. Повторите вход.', error: true });
      }
      return signIn(req, reply, req.body?.token?.trim());
    });

    scope.post<{ Body: Form | undefined }>('/diary/logout', async (req, reply) => {
      const s = await postSession(req, reply, 'logout');
      if (!s) return reply;
      await closeSession(app.pool, tokenHash(s.token));
      setCookie(reply, SESSION_COOKIE, '', { maxAge: 0, secure });
      return reply.code(303).header('location', '/diary/login').send();
    });

    scope.get<{
      Querystring: { done?: string; outcome?: string; moved?: string; visit?: string; closed?: string; decided?: string; action?: string };
    }>('/diary', async (req, reply) => {
      const s = await sessionOf(req);
      if (!s) return showLogin(reply, 401, null);
      const view = await loadDiary(app, s.user);
      const q = req.query;
      let flash: Flash | null = null;
      if (q.done && taskId(q.done) !== null && q.outcome && isOutcome(q.outcome)) {
        const def = outcomeDef(q.outcome);
        const after = def.event
          ? ' Контакт записан в «Работы».'
          : q.outcome === 'competitor-found'
            ? ' Конкурент передан специалисту ТС.'
            : '';
        flash = { text: `Задача № ${q.done} закрыта: ${def.title}.${after}` };
      } else if (q.moved && taskId(q.moved) !== null) flash = { text: `Задача № ${q.moved} передана другому сотруднику.` };
      else if (q.decided && taskId(q.decided) !== null && (q.action === 'move' || q.action === 'reassign' || q.action === 'drop'))
        flash = { text: `${DECISION_DONE[q.action]}.` };
      else if (q.visit && taskId(q.visit) !== null && q.outcome && isOutcome(q.outcome)) {
        const closed = taskId(q.closed ?? '') ?? 0;
        flash = { text: `Контакт с клиентом записан: ${outcomeDef(q.outcome).title}. Закрыто поводов: ${closed}.` };
      }
      return sendPage(reply, 200, diaryPage(view, ctxOf(s), flash));
    });

    scope.get<{ Params: { id: string } }>('/diary/tasks/:id', async (req, reply) => {
      const s = await sessionOf(req);
      if (!s) return showLogin(reply, 401, null);
      const id = taskId(req.params.id);
      const p = id === null ? null : await loadTaskPage(app, s.user, id);
      if (!p) return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди ваших задач.', 'view');
      return sendPage(reply, 200, taskPage(s.user, p, ctxOf(s), null));
    });

    scope.post<{ Params: { id: string }; Body: Form | undefined }>('/diary/tasks/:id/outcome', async (req, reply) => {
      const s = await postSession(req, reply, 'outcome');
      if (!s) return reply;
      const id = taskId(req.params.id);
      if (id === null) return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди ваших задач.', 'outcome');
      const form = req.body ?? {};
      const outcome = form.outcome ?? '';
      const note = textField(form.note);
      const next = textField(form.next);
      if (!isOutcome(outcome)) {
        return refuse(reply, 400, 'Результат не выбран', 'Выберите результат из списка и отправьте форму ещё раз.', 'outcome');
      }
      if ((note?.length ?? 0) > TEXT_LIMIT || (next?.length ?? 0) > TEXT_LIMIT) {
        return refuse(reply, 400, 'Слишком длинный текст', `Комментарий и ответ — не длиннее ${TEXT_LIMIT} знаков.`, 'outcome');
      }
      const finding = findingOf(form, outcome, note);
      if (typeof finding === 'string') return refuse(reply, 400, 'Конкурент указан неверно', finding, 'outcome');
      let followUp: string | null = null;
      try {
        followUp = form.followUp ? parseFollowUp(form.followUp, localDate(now(), app.config.ric.timeZone)) : null;
      } catch {
        return refuse(reply, 400, 'Дата звонка не принята', 'Дата следующего звонка — не раньше сегодняшней.', 'outcome');
      }
      let frequency: ContactFrequency | null = null;
      try {
        frequency = form.frequency?.trim() ? parseContactFrequency(form.frequency) : null;
      } catch {
        return refuse(
          reply,
          400,
          'Частота контакта не принята',
          'Частота — число месяцев или, например, «2 р в месяц», «раз в 2 недели», «еженедельно», «раз в квартал».',
          'outcome',
        );
      }
      // The same code as `task done`; anyone else's task is "not found".
      const res = await closeTask(app, id, { outcome, note, next, finding, followUp, frequency }, { assigneeId: s.user.id });
      if (res.kind === 'not-found') return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди ваших задач.', 'outcome');
      if (res.kind === 'incomplete') {
        return refuse(reply, 400, 'Не указан конкурент', 'Для результата «Выявлен конкурент» укажите систему конкурента.', 'outcome');
      }
      if (res.kind === 'conflict') {
        return res.task.state === 'open'
          ? refuse(reply, 400, 'Результат не подходит', 'Этот результат не подходит к задаче: выберите из предложенных.', 'outcome')
          : refuse(reply, 409, 'Задача уже закрыта', 'Результат этой задачи уже записан.', 'outcome');
      }
      actions.inc({ action: 'outcome', result: 'ok' });
      return reply
        .code(303)
        .header('location', `/diary?done=${id}&outcome=${encodeURIComponent(outcome)}`)
        .send();
    });

    // One outcome form closes a visit: the contact once, each reason with its own result.
    scope.post<{ Params: { id: string }; Body: Form | undefined }>('/diary/visits/:id/outcome', async (req, reply) => {
      const s = await postSession(req, reply, 'outcome');
      if (!s) return reply;
      const id = taskId(req.params.id);
      const notFound = () => refuse(reply, 404, 'Контакт не найден', 'Такого контакта с клиентом нет среди ваших.', 'outcome');
      if (id === null) return notFound();
      const form = req.body ?? {};
      const outcome = form.outcome ?? '';
      if (!VISIT_OUTCOMES.includes(outcome as VisitOutcome)) {
        return refuse(reply, 400, 'Результат не выбран', 'Выберите результат контакта из списка и отправьте форму ещё раз.', 'outcome');
      }
      const note = textField(form.note);
      const next = textField(form.next);
      const texts = Object.entries(form).filter(([k]) => k === 'note' || k === 'next' || k.startsWith('note-'));
      if (texts.some(([, v]) => v.length > TEXT_LIMIT)) {
        return refuse(reply, 400, 'Слишком длинный текст', `Комментарий и ответ — не длиннее ${TEXT_LIMIT} знаков.`, 'outcome');
      }
      const reasons: Record<number, ReasonInput> = {};
      for (const [key, value] of Object.entries(form)) {
        const m = /^(reason|note|competitor|until)-(\d{1,15})$/.exec(key);
        if (!m || !value.trim()) continue;
        const tid = Number(m[2]);
        const r = reasons[tid] ?? {};
        reasons[tid] = r;
        if (m[1] === 'note') r.note = value.trim();
        if (m[1] === 'reason') {
          if (value !== 'no-competitor' && value !== 'competitor-found')
            return refuse(
              reply,
              400,
              'Результат не подходит',
              'Результат диагностики: «Конкурент не выявлен» или «Выявлен конкурент».',
              'outcome',
            );
          r.outcome = value;
        }
      }
      for (const [tid, r] of Object.entries(reasons)) {
        const competitor = textField(form[`competitor-${tid}`]);
        if (competitor === null) continue;
        const finding = findingOf({ competitor, until: form[`until-${tid}`] ?? '' }, r.outcome ?? '', r.note ?? null);
        if (typeof finding === 'string') return refuse(reply, 400, 'Конкурент указан неверно', finding, 'outcome');
        r.finding = finding;
      }
      let followUp: string | null = null;
      try {
        followUp = form.followUp ? parseFollowUp(form.followUp, localDate(now(), app.config.ric.timeZone)) : null;
      } catch {
        return refuse(reply, 400, 'Дата звонка не принята', 'Дата следующего звонка — не раньше сегодняшней.', 'outcome');
      }
      const res = await closeVisit(app, id, { outcome: outcome as VisitOutcome, note, next, reasons, followUp }, { assigneeId: s.user.id });
      if (res.kind === 'not-found') return notFound();
      if (res.kind === 'incomplete') {
        return refuse(
          reply,
          400,
          'Не указан результат повода',
          'Для диагностики укажите «Конкурент не выявлен» или «Выявлен конкурент» (с системой конкурента).',
          'outcome',
        );
      }
      if (res.kind === 'conflict')
        return refuse(reply, 409, 'Контакт не записан', 'Этот контакт уже закрыт или повод к нему не относится.', 'outcome');
      actions.inc({ action: 'outcome', result: 'ok' });
      return reply
        .code(303)
        .header('location', `/diary?visit=${id}&outcome=${encodeURIComponent(outcome)}&closed=${res.closed.length}`)
        .send();
    });

    // The head's three decisions on a visit that does not fit: move the deadline, reassign, drop with a reason.
    for (const action of ['move', 'reassign', 'drop'] as const) {
      scope.post<{ Params: { id: string }; Body: Form | undefined }>(`/diary/visits/:id/${action}`, async (req, reply) => {
        const s = await postSession(req, reply, 'overflow');
        if (!s) return reply;
        const { user } = s;
        if (!user.isHead || user.departmentId === null) {
          return refuse(
            reply,
            403,
            'Недостаточно прав',
            'Решения по тому, что не помещается в план, принимает руководитель группы.',
            'overflow',
          );
        }
        const id = taskId(req.params.id);
        if (id === null)
          return refuse(reply, 404, 'Контакт не найден', 'Такого открытого контакта нет среди контактов группы.', 'overflow');
        const form = req.body ?? {};
        const by = { id: user.id, name: user.name, departmentId: user.departmentId };
        let res: DecisionResult;
        if (action === 'move') {
          const to = form.to ?? '';
          if (!/^\d{4}-\d{2}-\d{2}$/.test(to))
            return refuse(reply, 400, 'Дата не принята', 'Укажите новый срок — рабочий день.', 'overflow');
          res = await moveDeadline(app, id, to, by);
        } else if (action === 'reassign') {
          const to = taskId(form.to ?? '');
          if (to === null) return refuse(reply, 400, 'Сотрудник не выбран', 'Выберите, кому передать контакт.', 'overflow');
          res = await reassignVisit(app, id, to, by);
        } else {
          const reason = textField(form.reason);
          if (reason === null) return refuse(reply, 400, 'Нет причины', 'Снять контакт можно только с причиной.', 'overflow');
          res = await dropVisit(app, id, reason, by);
        }
        if (res.kind === 'not-found')
          return refuse(reply, 404, 'Контакт не найден', 'Такого открытого контакта нет среди контактов группы.', 'overflow');
        if (res.kind === 'bad-input') return refuse(reply, 400, 'Решение не принято', res.message, 'overflow');
        actions.inc({ action: 'overflow', result: 'ok' });
        // From the workload report, back to it (a fixed address, never one taken from the form).
        const back = form.back === 'workload' ? '/diary/reports/workload' : '/diary';
        return reply.code(303).header('location', `${back}?decided=${id}&action=${action}`).send();
      });
    }

    scope.post<{ Params: { id: string }; Body: Form | undefined }>('/diary/tasks/:id/reassign', async (req, reply) => {
      const s = await postSession(req, reply, 'reassign');
      if (!s) return reply;
      const { user } = s;
      if (!user.isHead || user.departmentId === null) {
        return refuse(reply, 403, 'Недостаточно прав', 'Передавать задачи может руководитель группы.', 'reassign');
      }
      const id = taskId(req.params.id);
      const to = taskId(req.body?.to ?? '');
      if (id === null) return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди задач группы.', 'reassign');
      if (to === null) return refuse(reply, 400, 'Сотрудник не выбран', 'Выберите, кому передать задачу.', 'reassign');
      const departmentId = user.departmentId;
      const res = await withTransaction(app.pool, (db) =>
        reassignTask(db, {
          taskId: id,
          toId: to,
          byId: user.id,
          departmentId,
          scope: scopeOf(user, app.config.diary.reportsAllDepartments),
          at: now(),
        }),
      );
      if (res.kind === 'not-found')
        return refuse(reply, 404, 'Задача не найдена', 'Такой открытой задачи нет среди задач группы.', 'reassign');
      if (res.kind === 'bad-assignee')
        return refuse(reply, 400, 'Сотрудник не из группы', 'Задачу можно передать только сотруднику вашей группы.', 'reassign');
      actions.inc({ action: 'reassign', result: res.kind === 'moved' ? 'ok' : 'unchanged' });
      app.log.info({ taskId: id, to, by: user.id }, 'diary: task reassigned');
      return reply.code(303).header('location', `/diary?moved=${id}`).send();
    });

    await diarySteerRoutes(scope, app);
    const kit = { sessionOf, postSession, showLogin, refuse };
    await diaryReportRoutes(scope, app, kit);
    await diaryContentRoutes(scope, app, kit);
    await diaryClientRoutes(scope, app, kit);

    scope.all('/diary/*', async (req, reply) => {
      const s = await sessionOf(req);
      if (!s)
        return req.method === 'GET' ? showLogin(reply, 401, null) : refuse(reply, 403, 'Нужно войти', 'Войдите по ссылке.', 'session');
      return refuse(reply, 404, 'Страница не найдена', 'Такой страницы в ежедневнике нет.', 'view');
    });
  });
}
