/**
 * One task of the diary as HTML: a summary line (kind, client, whom to call, due time) that
 * opens into the client's card with the risk reasons, the contact, the call script and the
 * forms — the outcome (for one's own task) and, for a head, giving it to another member.
 * Everything interpolated is escaped by the `html` tag.
 */

import type { TeamMember } from '../../db/diary.js';
import type { TaskView } from '../../diary/view.js';
import { ruDateTime } from '../../domain/formats.js';
import { periodName } from '../../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../../domain/risk-categories.js';
import { COMPONENT_NAMES } from '../../domain/risk-components.js';
import { scoreText, ZONE_NAMES, type Zone } from '../../domain/risk-model.js';
import { rub } from '../../domain/ru.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { outcomeDef } from '../../domain/task-outcomes.js';
import { clientLabel } from '../../health/alert-email.js';
import { componentLines } from '../../health/risk-tasks.js';
import { html, type SafeHtml } from '../../mail/render.js';
import { callScript, otherScript } from './script.js';

export interface CardOptions {
  tz: string;
  csrf: string;
  /** Components scoring at least this are listed as reasons (the dynamic-risk score). */
  reasonFrom: number;
  /** Show the outcome form (the employee's own open task). */
  canRecord: boolean;
  /** A head's team: show the form giving the task to one of them. */
  members: TeamMember[];
  /** The card starts opened (a task's own page). */
  open?: boolean;
}

export const when = (at: Date | null, tz: string): string => (at ? ruDateTime(at, tz).slice(0, 16) : '');

/** The client's label linked to its card (`/diary/clients/<number>`). */
export function clientAnchor(c: { number: number; name: string }): SafeHtml {
  return html`<a href="/diary/clients/${c.number}">${clientLabel(c)}</a>`;
}

function zoneBadge(v: TaskView): SafeHtml {
  const zone = v.risk?.zone as Zone | null | undefined;
  return zone ? html`<span class="badge ${zone}">${ZONE_NAMES[zone]}</span>` : html``;
}

function phoneLink(phone: string | null): SafeHtml {
  if (!phone) return html`телефон не указан`;
  return html`<a href="tel:${phone.replace(/[^\d+]/g, '')}">${phone}</a>`;
}

function roles(p: { is_lpr: boolean | null; is_lvpr: boolean | null; is_key_user: boolean | null }): string {
  return [p.is_lpr ? 'ЛПР' : null, p.is_lvpr ? 'ЛВПР' : null, p.is_key_user ? 'ключевой пользователь' : null].filter(Boolean).join(', ');
}

function summary(v: TaskView, tz: string): SafeHtml {
  const t = v.task;
  const who = t.contact_name ?? v.persons[0]?.full_name ?? null;
  const phone = t.contact_id !== null ? t.contact_phone : (v.persons[0]?.phone ?? null);
  return html`<summary><span class="kind">${taskKindName(t.kind)}</span>${v.overdue ? html`<span class="badge overdue">Просрочена</span>` : ''}${zoneBadge(v)}
<span class="line">${v.card ? clientAnchor(v.card) : 'без клиента'}</span>
${who ? html`<span class="line">${who}, ${phoneLink(phone)}</span>` : ''}
<span class="line">Срок: ${t.due_at ? when(t.due_at, tz) : 'не задан'} · приоритет ${t.priority} · № ${t.id}</span></summary>`;
}

function clientCard(v: TaskView, reasonFrom: number): SafeHtml {
  const c = v.card;
  if (!c) return html``;
  const r = v.risk;
  const cats = (r?.categories ?? []).map((k) => CATEGORY_NAMES[k as RiskCategory] ?? k);
  const reasons = r ? componentLines(r).filter((l) => l.score === null || l.score >= reasonFrom) : [];
  const zone = r?.zone
    ? html`${scoreText(r.indicator)} — ${ZONE_NAMES[r.zone as Zone]}, ${periodName(r.week)}`
    : html`<span class="muted">не рассчитан</span>`;
  return html`<h3>Клиент</h3><dl class="card">
<dt>Клиент</dt><dd>${clientAnchor(c)}</dd>
<dt>Категория</dt><dd>${c.category}${cats.length ? html`; ${cats.join(', ')}` : ''}</dd>
<dt>Сумма ИО</dt><dd>${rub(c.monthly_fee)} в месяц</dd>
<dt>Индикатор</dt><dd>${zone}</dd>
${
  reasons.length
    ? html`<dt>Причины</dt><dd><ul class="reasons">${reasons.map(
        (l) => html`<li>${COMPONENT_NAMES[l.key]}: ${scoreText(l.score)} — ${l.reason}</li>`,
      )}</ul></dd>`
    : ''
}
<dt>Специалист ТС</dt><dd>${c.field_name ? html`${c.field_name}${c.field_phone ? html`, ${phoneLink(c.field_phone)}` : ''}` : 'не назначен'}</dd>
</dl>`;
}

function contactBlock(v: TaskView): SafeHtml {
  const t = v.task;
  if (t.contact_id !== null) {
    const role = roles(t);
    return html`<h3>Контактное лицо</h3><p>${t.contact_name}${t.contact_position ? html`, ${t.contact_position}` : ''}${role ? html` (${role})` : ''}<br>
Телефон: ${phoneLink(t.contact_phone)}${t.contact_email ? html`<br>E-mail: ${t.contact_email}` : ''}</p>`;
  }
  if (!v.persons.length)
    return v.card ? html`<h3>Контактные лица</h3><p class="muted">ЛПР, ЛВПР и ключевые пользователи не указаны</p>` : html``;
  return html`<h3>Контактные лица (ЛПР, ЛВПР, ключевые пользователи)</h3><ul class="compact">${v.persons.map(
    (p) =>
      html`<li>${p.full_name}${p.position ? html`, ${p.position}` : ''} (${roles(p)})<br>Телефон: ${phoneLink(p.phone)}${p.email ? html`<br>E-mail: ${p.email}` : ''}</li>`,
  )}</ul>`;
}

function outcomeForm(v: TaskView, csrf: string): SafeHtml {
  const t = v.task;
  const call = t.kind === 'lpr-call';
  // A contact records the "prepare next time" answer; a diagnostics finding its competitor.
  const contact = v.outcomes.some((o) => outcomeDef(o).event !== null);
  const finding = v.outcomes.includes('competitor-found');
  return html`<form class="outcome" method="post" action="/diary/tasks/${t.id}/outcome">
<input type="hidden" name="csrf" value="${csrf}">
<fieldset><legend>${contact ? 'Результат контакта' : 'Результат'}</legend>${v.outcomes.map(
    (o) => html`<label class="choice"><input type="radio" name="outcome" value="${o}" required> ${outcomeDef(o).title}</label>`,
  )}</fieldset>
${
  finding
    ? html`<fieldset><legend>Если выявлен конкурент</legend>
<label class="field">Система конкурента<input type="text" name="competitor" maxlength="200"></label>
<label class="field">Действует до (месяц и год, например 09.2024)<input type="text" name="until" maxlength="40"></label>
<label class="field">Контактное лицо<input type="text" name="contact" maxlength="200"></label></fieldset>`
    : ''
}
${
  contact
    ? html`<label class="field">${call ? 'Что подготовить к следующему звонку?' : 'Что подготовить к следующему контакту?'}<textarea name="next" rows="2" maxlength="4000"></textarea></label>
<label class="field">Договорились на звонок (дата)<input type="date" name="followUp"></label>${
        t.contact_id !== null
          ? html`
<label class="field">Частота контакта (если изменилась: 3 — раз в 3 месяца, «2 р в месяц», «раз в 2 недели»)<input type="text" name="frequency" maxlength="100"></label>`
          : ''
      }`
    : ''
}
<label class="field">Комментарий к действию<textarea name="note" rows="2" maxlength="4000"></textarea></label>
<button type="submit">Записать результат</button>
</form>`;
}

function reassignForm(v: TaskView, csrf: string, members: TeamMember[]): SafeHtml {
  const others = members.filter((m) => m.id !== v.task.assignee_id);
  if (!others.length) return html``;
  return html`<form class="reassign" method="post" action="/diary/tasks/${v.task.id}/reassign">
<input type="hidden" name="csrf" value="${csrf}">
<label class="field">Передать задачу<select name="to" required><option value="">— сотрудник —</option>${others.map(
    (m) => html`<option value="${m.id}">${m.name}</option>`,
  )}</select></label>
<button type="submit" class="secondary">Передать</button>
</form>`;
}

export function taskCard(v: TaskView, o: CardOptions): SafeHtml {
  const t = v.task;
  const script = t.kind === 'lpr-call' ? callScript(t.payload, o.tz) : otherScript(t.payload);
  return html`<article class="task${v.overdue ? ' overdue' : ''}" id="task-${t.id}"><details${o.open ? html` open` : ''}>
${summary(v, o.tz)}
<div class="task-body">
<p><b>Цель контакта:</b> ${t.title}</p>
${clientCard(v, o.reasonFrom)}
${contactBlock(v)}
${script}
${o.canRecord && t.state === 'open' ? outcomeForm(v, o.csrf) : ''}
${o.members.length && t.state === 'open' ? reassignForm(v, o.csrf, o.members) : ''}
<p class="muted"><a href="/diary/tasks/${t.id}">Страница задачи № ${t.id}</a></p>
</div></details></article>`;
}
