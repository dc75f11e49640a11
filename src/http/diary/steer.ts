/**
 * The team lead steers from the diary (registered inside the diary's scope, so the same form
 * parser, headers and policy apply):
 * - `GET|POST /diary/new`: a head sets a task for a member of the team;
 * - `POST /diary/tasks/:id/comment`: a comment on one's own task, or (a head) on any of the
 *   team's tasks — shown on the task with the author and time;
 * - `POST /diary/tasks/:id/due`: a head moves the due date of a team's open task.
 * Every change is recorded in `task_changes` (who, when, before → after). Each form carries
 * the session's CSRF token; another team's task is "not found".
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { diaryTask, teamMembers } from '../../db/diary.js';
import { type DiaryUser, sessionUser } from '../../db/diary-auth.js';
import { withTransaction } from '../../db/pool.js';
import { scopedClientByNumber, scopeOf } from '../../db/scope.js';
import { addComment, createManualTask, moveDue } from '../../db/task-steering.js';
import { csrfToken, isValidCsrf, isWellFormedToken, tokenHash } from '../../diary/tokens.js';
import { taskAccess } from '../../diary/view.js';
import { dueOn, localDate, parseIsoDate } from '../../domain/dates.js';
import { html } from '../../mail/render.js';
import { htmlPage } from '../../reports/html.js';
import { sendPage } from '../pages.js';
import { messagePage } from './pages.js';
import { readCookie, SESSION_COOKIE } from './session.js';
import { type NewTaskPrefill, newTaskForm } from './steer-view.js';
import { DIARY_CSP, DIARY_CSS } from './style.js';

type Form = Record<string, string>;
const TEXT_LIMIT = 4000;

export async function diarySteerRoutes(scope: FastifyInstance, app: App): Promise<void> {
  const tz = app.config.ric.timeZone;
  const allDepartments = app.config.diary.reportsAllDepartments;

  async function userOf(req: FastifyRequest): Promise<{ user: DiaryUser; token: string } | null> {
    const token = readCookie(req, SESSION_COOKIE);
    if (!isWellFormedToken(token)) return null;
    const user = await sessionUser(app.pool, tokenHash(token), now());
    return user ? { user, token } : null;
  }

  const refuse = (reply: FastifyReply, status: number, title: string, text: string) => sendPage(reply, status, messagePage(title, text));

  async function postUser(req: FastifyRequest<{ Body: Form | undefined }>, reply: FastifyReply): Promise<DiaryUser | null> {
    const s = await userOf(req);
    if (!s) {
      await sendPage(reply, 403, messagePage('Нужно войти', 'Сессия не найдена или истекла. Войдите по ссылке ещё раз.', false));
      return null;
    }
    if (!isValidCsrf(s.token, req.body?.csrf)) {
      await refuse(reply, 403, 'Форма не принята', 'Форма устарела или отправлена с другой страницы. Обновите страницу и повторите.');
      return null;
    }
    return s.user;
  }

  const id = (raw: string): number | null => (/^\d{1,15}$/.test(raw) ? Number(raw) : null);
  const actor = (u: DiaryUser) => ({ id: u.id, name: u.name });

  async function showNew(
    reply: FastifyReply,
    user: DiaryUser,
    token: string,
    status: number,
    error: string | null,
    prefill: NewTaskPrefill = {},
  ) {
    const members = await teamMembers(app.pool, user.departmentId as number);
    const body = html`<header class="page"><h1>Новая задача</h1><p class="subtitle">${user.name}${user.department ? html`, ${user.department}` : ''}</p></header>
<p><a href="/diary">← К задачам на сегодня</a></p>
${newTaskForm(members, csrfToken(token), error, prefill)}`;
    return sendPage(reply, status, htmlPage('Новая задача — ежедневник', body, { csp: DIARY_CSP, css: DIARY_CSS }));
  }

  scope.get<{ Querystring: { client?: string } }>('/diary/new', async (req, reply) => {
    const s = await userOf(req);
    if (!s) return reply.code(303).header('location', '/diary/login').send();
    if (!s.user.isHead || s.user.departmentId === null)
      return refuse(reply, 403, 'Недостаточно прав', 'Ставить задачи может руководитель группы.');
    // Opened from a client's card: the client, and its remote specialist as the assignee.
    const raw = typeof req.query.client === 'string' ? req.query.client.trim() : '';
    const client = /^\d{1,8}$/.test(raw) ? await scopedClientByNumber(app.pool, scopeOf(s.user, allDepartments), Number(raw)) : null;
    const assignee = client
      ? ((
          await app.pool.query<{ remote_specialist_id: number | null }>('SELECT remote_specialist_id FROM clients WHERE id = $1', [
            client.id,
          ])
        ).rows[0]?.remote_specialist_id ?? null)
      : null;
    return showNew(reply, s.user, s.token, 200, null, client ? { client: client.number, assignee } : {});
  });

  scope.post<{ Body: Form | undefined }>('/diary/new', async (req, reply) => {
    const user = await postUser(req, reply);
    if (!user) return reply;
    if (!user.isHead || user.departmentId === null)
      return refuse(reply, 403, 'Недостаточно прав', 'Ставить задачи может руководитель группы.');
    const token = readCookie(req, SESSION_COOKIE) as string;
    const f = req.body ?? {};
    const title = f.title?.trim() ?? '';
    const assignee = id(f.assignee ?? '');
    const clientNo = /^\d{1,9}$/.test(f.client?.trim() ?? '') ? Number(f.client?.trim()) : null;
    const dueRaw = f.due?.trim() || null;
    if (!title || title.length > TEXT_LIMIT) return showNew(reply, user, token, 400, 'Укажите цель контакта (не длиннее 4000 знаков).');
    const members = await teamMembers(app.pool, user.departmentId);
    if (assignee === null || !members.some((m) => m.id === assignee))
      return showNew(reply, user, token, 400, 'Задачу можно поставить только сотруднику вашей группы.');
    // Another department's client is "not found", as a missing one.
    const client = clientNo === null ? null : await scopedClientByNumber(app.pool, scopeOf(user, allDepartments), clientNo);
    if (!client) return showNew(reply, user, token, 400, 'Клиент с таким номером не найден.');
    let due: Date | null = null;
    if (dueRaw) {
      if (!validDate(dueRaw) || dueRaw < localDate(now(), tz))
        return showNew(reply, user, token, 400, 'Срок — дата не раньше сегодняшней.');
      due = dueOn(dueRaw, app.config.signals.workday.end, tz);
    }
    const at = now();
    const taskId = await withTransaction(app.pool, (db) =>
      createManualTask(
        db,
        { kind: 'manual', title, assigneeId: assignee, clientId: client.id, plannedAt: at, dueAt: due },
        actor(user),
        at,
      ),
    );
    app.log.info({ taskId, by: user.id, to: assignee }, 'diary: task set by the head');
    return reply.code(303).header('location', `/diary/tasks/${taskId}`).send();
  });

  scope.post<{ Params: { id: string }; Body: Form | undefined }>('/diary/tasks/:id/comment', async (req, reply) => {
    const user = await postUser(req, reply);
    if (!user) return reply;
    const taskId = id(req.params.id);
    const task = taskId === null ? null : await diaryTask(app.pool, taskId);
    if (!task || taskId === null || taskAccess(user, task) === 'none')
      return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди ваших задач.');
    const text = req.body?.text?.trim() ?? '';
    if (!text || text.length > TEXT_LIMIT)
      return refuse(reply, 400, 'Комментарий не принят', `Напишите комментарий не длиннее ${TEXT_LIMIT} знаков.`);
    await withTransaction(app.pool, (db) => addComment(db, taskId, actor(user), text, now()));
    return reply.code(303).header('location', `/diary/tasks/${taskId}`).send();
  });

  scope.post<{ Params: { id: string }; Body: Form | undefined }>('/diary/tasks/:id/due', async (req, reply) => {
    const user = await postUser(req, reply);
    if (!user) return reply;
    const taskId = id(req.params.id);
    const task = taskId === null ? null : await diaryTask(app.pool, taskId);
    if (!task || taskId === null || taskAccess(user, task) !== 'team')
      return refuse(reply, 404, 'Задача не найдена', 'Такой задачи нет среди задач группы.');
    const raw = req.body?.due?.trim() ?? '';
    if (!validDate(raw) || raw < localDate(now(), tz)) return refuse(reply, 400, 'Срок не принят', 'Срок — дата не раньше сегодняшней.');
    const res = await withTransaction(app.pool, (db) =>
      moveDue(db, taskId, dueOn(raw, app.config.signals.workday.end, tz), actor(user), now()),
    );
    if (!res) return refuse(reply, 409, 'Задача уже закрыта', 'Срок закрытой задачи не меняется.');
    return reply.code(303).header('location', `/diary/tasks/${taskId}`).send();
  });
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  try {
    parseIsoDate(s);
    return true;
  } catch {
    return false;
  }
}
