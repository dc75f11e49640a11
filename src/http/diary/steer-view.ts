/**
 * The team lead's part of a task page: the comments (author and time, as in the seed's CRM
 * card), the history of changes, and for a head of the task's department the forms to comment
 * and to move the due date; and the head's form to set a new task for a member.
 */
import type { TeamMember } from '../../db/diary.js';
import type { TaskChange, TaskComment } from '../../db/task-steering.js';
import { ruDateTime } from '../../domain/formats.js';
import { html, type SafeHtml } from '../../mail/render.js';

const FIELD_NAMES: Record<string, string> = {
  created: 'Задача поставлена',
  comment: 'Комментарий',
  due_at: 'Срок',
  follow_up: 'Следующий контакт',
};

export interface SteerView {
  comments: TaskComment[];
  changes: TaskChange[];
  /** The signed-in head may comment and move the due date. */
  canSteer: boolean;
  /** The employee may comment (own task or head). */
  canComment: boolean;
  open: boolean;
  taskId: number;
}

function when(d: Date, tz: string): string {
  return ruDateTime(d, tz).slice(0, 16);
}

function value(field: string, v: string | null, tz: string): string {
  if (v === null) return '—';
  return field === 'due_at' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? when(new Date(v), tz) : v;
}

export function steerSection(s: SteerView, csrf: string, tz: string): SafeHtml {
  const comments = s.comments.length
    ? html`<ul class="comments">${s.comments.map(
        (c) => html`<li><b>${c.author_name}</b> <span class="muted">${when(c.created_at, tz)}</span> Комментарий: ${c.body}</li>`,
      )}</ul>`
    : html`<p class="muted">Комментариев нет.</p>`;
  const commentForm = s.canComment
    ? html`<form class="outcome" method="post" action="/diary/tasks/${s.taskId}/comment">
<input type="hidden" name="csrf" value="${csrf}">
<label class="field">Комментарий<textarea name="text" maxlength="4000" required></textarea></label>
<button type="submit">Добавить комментарий</button></form>`
    : '';
  const dueForm =
    s.canSteer && s.open
      ? html`<form class="outcome" method="post" action="/diary/tasks/${s.taskId}/due">
<input type="hidden" name="csrf" value="${csrf}">
<label class="field">Новый срок<input type="date" name="due" required></label>
<button type="submit" class="secondary">Изменить срок</button></form>`
      : '';
  const history = s.changes.length
    ? html`<details><summary>История изменений (${s.changes.length})</summary><ul class="changes">${s.changes.map(
        (c) =>
          html`<li>${when(c.changed_at, tz)} · ${c.by_name} · ${FIELD_NAMES[c.field] ?? c.field}: ${
            c.before !== null ? html`${value(c.field, c.before, tz)} → ` : ''
          }${value(c.field, c.after, tz)}</li>`,
      )}</ul></details>`
    : '';
  return html`<section class="steer"><h2>Комментарии</h2>${comments}${commentForm}${dueForm}${history}</section>`;
}

/** What the form starts with: opened from a client's card, the client and its remote specialist. */
export interface NewTaskPrefill {
  client?: number;
  assignee?: number | null;
}

export function newTaskForm(members: TeamMember[], csrf: string, error: string | null, prefill: NewTaskPrefill = {}): SafeHtml {
  return html`${error ? html`<p class="flash error" role="status">${error}</p>` : ''}
<form class="outcome" method="post" action="/diary/new">
<input type="hidden" name="csrf" value="${csrf}">
<label class="field">Сотрудник<select name="assignee" required>${members.map(
    (m) => html`<option value="${m.id}"${m.id === prefill.assignee ? html` selected` : ''}>${m.name}</option>`,
  )}</select></label>
<label class="field">Номер клиента<input type="text" name="client" inputmode="numeric" pattern="[0-9]{1,9}" required value="${prefill.client ?? ''}"></label>
<label class="field">Цель контакта<textarea name="title" maxlength="4000" required></textarea></label>
<label class="field">Срок<input type="date" name="due"></label>
<button type="submit">Поставить задачу</button>
</form>`;
}
