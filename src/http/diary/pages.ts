/**
 * The diary's pages: the day's tasks (and, for a head, the team's), one task, the sign-in
 * form, and short messages (refused, not found). Server-rendered Russian HTML without
 * scripts, built from the reports' page (`htmlPage`) with the diary's policy and styles.
 */

import type { TeamMember } from '../../db/diary.js';
import type { DiaryUser } from '../../db/diary-auth.js';
import type { VisitRow } from '../../db/visits.js';
import type { DayPlan, DiaryView, TaskPageView, TaskView } from '../../diary/view.js';
import { longDate, plural } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { storedOutcomeTitle } from '../../domain/task-outcomes.js';
import { html, type SafeHtml } from '../../mail/render.js';
import { htmlPage } from '../../reports/html.js';
import { steerSection } from './steer-view.js';
import { DIARY_CSP, DIARY_CSS } from './style.js';
import { type CardOptions, taskCard } from './task-card.js';
import { visitCard } from './visit-card.js';

export interface PageContext {
  tz: string;
  csrf: string;
  reasonFrom: number;
}

/** A message shown at the top of the page after a form was sent. */
export interface Flash {
  text: string;
  error?: boolean;
}

function page(title: string, body: SafeHtml): string {
  return htmlPage(title, body, { csp: DIARY_CSP, css: DIARY_CSS });
}

/**
 * The diary's header on every signed-in page: who, a line about the page, the client search
 * (number or part of the name, among the clients the user may see), «Отчёты» and «Выйти».
 */
export function diaryHeader(user: DiaryUser, csrf: string, sub: SafeHtml | string, search = ''): SafeHtml {
  return html`<header class="diary"><div><h1>Ежедневник</h1><p class="subtitle">${user.name}${user.department ? html`, ${user.department}` : ''}</p><p class="meta">${sub}</p></div>
<nav class="diary-links"><a href="/diary/reports">Отчёты</a>
<form method="post" action="/diary/logout"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="secondary">Выйти</button></form></nav>
${clientSearch(search)}</header>`;
}

/** The client search: a number or part of the name, among the clients the user may see. */
export function clientSearch(value: string): SafeHtml {
  return html`<form class="search" method="get" action="/diary/clients" role="search"><input type="search" name="q" value="${value}" maxlength="200" placeholder="Номер или название клиента" aria-label="Поиск клиента"><button type="submit" class="secondary">Найти</button></form>`;
}

const visitsWord = (n: number) => `${n} ${plural(n, ['контакт', 'контакта', 'контактов'])} с клиентами`;

/** A person's day: the visits planned on it, overdue first, then tasks without a client. */
function planBlock(plan: DayPlan, ctx: PageContext, own: boolean, members: DiaryView['members'], empty: string): SafeHtml {
  if (!plan.visits.length && !plan.loose.length) return html`<p class="empty">${empty}</p>`;
  return html`${plan.visits.map((v) => visitCard(v, { ...ctx, canRecord: own, members }))}${
    plan.loose.length ? html`<h3>Задачи без клиента</h3>${cards(plan.loose, { ...ctx, canRecord: own, members })}` : ''
  }`;
}

function dayLine(plan: DayPlan): SafeHtml {
  const overdue = plan.visits.filter((v) => v.overdueDays > 0).length;
  return html`на сегодня ${visitsWord(plan.visits.length)} (норма ${plan.capacity})${overdue ? html`, из них просрочено ${overdue}` : ''}${
    plan.loose.length ? html`; задач без клиента: ${plan.loose.length}` : ''
  }`;
}

function flashBlock(flash: Flash | null): SafeHtml {
  return flash ? html`<p class="flash${flash.error ? ' error' : ''}" role="status">${flash.text}</p>` : html``;
}

function cards(list: TaskView[], o: Omit<CardOptions, 'canRecord'> & { canRecord: boolean }): SafeHtml {
  return html`<div class="tasks">${list.map((v) => taskCard(v, o))}</div>`;
}

function teamSection(view: DiaryView, ctx: PageContext): SafeHtml {
  if (!view.team.length) return html``;
  return html`<section class="team"><h2>План группы${view.user.department ? html` «${view.user.department}»` : ''}</h2>
${view.team.map(
  (m) => html`<h3>${m.member.name} — ${dayLine(m)}</h3>
${planBlock(m, ctx, false, view.members, 'Контактов на сегодня нет.')}`,
)}</section>`;
}

/** What the diary says after a head's decision on a visit that does not fit. */
export const DECISION_DONE = { move: 'Срок перенесён', reassign: 'Контакт передан', drop: 'Контакт снят' } as const;

/** A head's overflow list: each visit that does not fit, its reason, and the three decisions. */
function overflowSection(view: DiaryView, ctx: PageContext): SafeHtml {
  if (!view.user.isHead) return html``;
  return overflowDecisions(view.overflow, view.members, ctx.csrf, null);
}

/**
 * The visits that do not fit, each with its reason and the head's three decisions (move the
 * deadline, give to another member, drop with a reason). `back: 'workload'` brings the head
 * back to the workload report (`/diary/reports/workload`) after a decision, instead of the diary.
 */
export function overflowDecisions(
  overflow: readonly VisitRow[],
  members: readonly TeamMember[],
  csrf: string,
  back: 'workload' | null,
): SafeHtml {
  if (!overflow.length) return html`<section class="overflow"><h2>Не помещается в план</h2><p class="muted">Всё помещается.</p></section>`;
  const backField = back ? html`<input type="hidden" name="back" value="${back}">` : '';
  return html`<section class="overflow"><h2>Не помещается в план (${overflow.length})</h2>
${overflow.map((v) => {
  const others = members.filter((m) => m.id !== v.assignee_id);
  return html`<article class="task overdue" id="overflow-${v.id}"><div class="task-body">
<p><b>${v.client_number} - ${v.client_name}</b> · ${v.assignee_name}${v.due_on ? html` · срок ${dmy(v.due_on)}` : ''}</p>
<p>${v.overflow_reason}</p>
<p class="line">${v.reasons.map((r) => taskKindName(r.kind)).join('; ')}</p>
<form class="reassign" method="post" action="/diary/visits/${v.id}/move"><input type="hidden" name="csrf" value="${csrf}">${backField}
<label class="field">Перенести срок на<input type="date" name="to" required></label><button type="submit" class="secondary">Перенести срок</button></form>
${
  others.length
    ? html`<form class="reassign" method="post" action="/diary/visits/${v.id}/reassign"><input type="hidden" name="csrf" value="${csrf}">${backField}
<label class="field">Передать<select name="to" required><option value="">— сотрудник —</option>${others.map((m) => html`<option value="${m.id}">${m.name}</option>`)}</select></label><button type="submit" class="secondary">Передать</button></form>`
    : ''
}
<form class="reassign" method="post" action="/diary/visits/${v.id}/drop"><input type="hidden" name="csrf" value="${csrf}">${backField}
<label class="field">Снять с причиной<input type="text" name="reason" maxlength="500" required></label><button type="submit" class="secondary">Снять</button></form>
</div></article>`;
})}</section>`;
}

export function diaryPage(view: DiaryView, ctx: PageContext, flash: Flash | null): string {
  const sub = html`${longDate(view.today)} · ${dayLine(view.plan)}`;
  const body = html`${diaryHeader(view.user, ctx.csrf, sub)}${flashBlock(flash)}
<section class="mine"><h2>Мои контакты с клиентами на сегодня</h2>${planBlock(view.plan, ctx, true, view.members, 'На сегодня контактов нет.')}</section>
${view.user.isHead ? html`<p><a href="/diary/new">Поставить задачу сотруднику</a></p>` : ''}
${overflowSection(view, ctx)}
${teamSection(view, ctx)}`;
  return page(`Ежедневник — ${view.user.name}`, body);
}

export function taskPage(user: DiaryUser, p: TaskPageView, ctx: PageContext, flash: Flash | null): string {
  const t = p.view.task;
  const state =
    t.state === 'open'
      ? html`Открыта${t.assignee_name && p.access === 'team' ? html` · исполнитель ${t.assignee_name}` : ''}`
      : html`${t.state === 'done' ? 'Выполнена' : 'Отменена'}${t.outcome ? html`: ${storedOutcomeTitle(t.outcome)}` : ''}`;
  const body = html`${diaryHeader(user, ctx.csrf, html`Задача № ${t.id} · ${state}`)}${flashBlock(flash)}
<p><a href="/diary">← К задачам на сегодня</a></p>
${taskCard(p.view, { ...ctx, canRecord: p.access === 'own', members: p.members, open: true })}
${steerSection({ comments: p.comments, changes: p.changes, canSteer: p.access === 'team', canComment: true, open: t.state === 'open', taskId: t.id }, ctx.csrf, ctx.tz)}`;
  return page(`Задача № ${t.id} — ежедневник`, body);
}

/**
 * The sign-in form (the page of a request without a session). Opened from a sign-in link, it
 * carries the link's token in a hidden field: the button posts it, so the token never stays in
 * the address of a signed-in page (nor in its history entry or a Referer).
 */
export function loginPage(csrf: string, flash: Flash | null, linkToken: string | null = null): string {
  if (linkToken !== null) {
    const body = html`<header class="page"><h1>Вход в ежедневник</h1><p class="subtitle">План дня специалиста: задачи на сегодня и просроченные</p></header>
${flashBlock(flash)}
<p>Ссылка для входа действует один раз. Нажмите «Войти», чтобы открыть ежедневник.</p>
<form class="outcome" method="post" action="/diary/login">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="token" value="${linkToken}">
<button type="submit">Войти</button>
</form>`;
    return page('Вход в ежедневник', body);
  }
  const body = html`<header class="page"><h1>Вход в ежедневник</h1><p class="subtitle">План дня специалиста: задачи на сегодня и просроченные</p></header>
${flashBlock(flash)}
<p>Откройте ссылку для входа, которую выдал администратор, или вставьте ключ из неё.</p>
<form class="outcome" method="post" action="/diary/login">
<input type="hidden" name="csrf" value="${csrf}">
<label class="field">Ключ входа<input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Войти</button>
</form>
<p class="muted">Ссылку и ключ для входа выдаёт администратор; ключ действует один раз и недолго, новый ключ отменяет прежний.</p>`;
  return page('Вход в ежедневник', body);
}

/** After the sign-in link was opened from another site: the cookie is set, the page moves on by itself. */
export function signedInPage(): string {
  const body = html`<header class="page"><h1>Вход выполнен</h1></header><p><a href="/diary">Открыть ежедневник</a></p>`;
  return page('Вход выполнен', body).replace('<title>', '<meta http-equiv="refresh" content="0; url=/diary">\n<title>');
}

export function messagePage(title: string, text: string, signedIn = true): string {
  const body = html`<header class="page"><h1>${title}</h1></header><p>${text}</p><p><a href="${signedIn ? '/diary' : '/diary/login'}">${
    signedIn ? '← К задачам на сегодня' : 'Войти'
  }</a></p>`;
  return page(title, body);
}
