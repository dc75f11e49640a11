/**
 * One visit («Контакт с клиентом») of the diary: a heading (the client, how many days overdue,
 * the deadline), the agenda — each reason as its task card with its script, questions and
 * deadline — and one outcome form closing the whole visit: the contact's result once, and the
 * result of each reason that needs its own (diagnostics: конкурент не выявлен / выявлен; risk
 * review: the reason and the plan).
 */
import type { TeamMember } from '../../db/diary.js';
import type { VisitView } from '../../diary/view.js';
import { DIAGNOSTICS_KIND } from '../../domain/diagnostics.js';
import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { outcomeDef } from '../../domain/task-outcomes.js';
import { html, type SafeHtml } from '../../mail/render.js';
import { VISIT_OUTCOMES } from '../../workload/close-visit.js';
import { type CardOptions, taskCard } from './task-card.js';

const DAYS = ['день', 'дня', 'дней'] as const;

/** «просрочен на 2 дня» for a visit past its deadline. */
export function overdueText(days: number): string {
  return `просрочен на ${count(days, DAYS)}`;
}

function reasonFields(v: VisitView): SafeHtml {
  return html`${v.tasks.map((t) => {
    const id = t.task.id;
    if (t.task.kind === DIAGNOSTICS_KIND)
      return html`<fieldset><legend>${taskKindName(t.task.kind)} (№ ${id})</legend>${(['no-competitor', 'competitor-found'] as const).map(
        (o) => html`<label class="choice"><input type="radio" name="reason-${id}" value="${o}"> ${outcomeDef(o).title}</label>`,
      )}
<label class="field">Система конкурента<input type="text" name="competitor-${id}" maxlength="200"></label>
<label class="field">Действует до (месяц и год, например 09.2024)<input type="text" name="until-${id}" maxlength="40"></label></fieldset>`;
    if (t.task.kind === 'risk-review')
      return html`<label class="field">${taskKindName(t.task.kind)} (№ ${id}): причина и план работы с клиентом<textarea name="note-${id}" rows="2" maxlength="4000"></textarea></label>`;
    return html``;
  })}`;
}

function visitForm(v: VisitView, csrf: string): SafeHtml {
  return html`<form class="outcome" method="post" action="/diary/visits/${v.visit.id}/outcome">
<input type="hidden" name="csrf" value="${csrf}">
<fieldset><legend>Результат контакта</legend>${VISIT_OUTCOMES.map(
    (o) => html`<label class="choice"><input type="radio" name="outcome" value="${o}" required> ${outcomeDef(o).title}</label>`,
  )}</fieldset>
${reasonFields(v)}
<label class="field">Что подготовить к следующему звонку?<textarea name="next" rows="2" maxlength="4000"></textarea></label>
<label class="field">Договорились на звонок (дата)<input type="date" name="followUp"></label>
<label class="field">Комментарий к действию<textarea name="note" rows="2" maxlength="4000"></textarea></label>
<button type="submit">Записать результат контакта</button>
</form>`;
}

export interface VisitCardOptions extends Omit<CardOptions, 'canRecord' | 'members'> {
  /** The person's own visit: the outcome form. */
  canRecord: boolean;
  /** A head's team: each reason can be given to another member. */
  members: TeamMember[];
}

export function visitCard(v: VisitView, o: VisitCardOptions): SafeHtml {
  const { visit } = v;
  const reasons = v.tasks.map((t) => taskKindName(t.task.kind));
  return html`<section class="visit${v.overdueDays ? ' overdue' : ''}" id="visit-${visit.id}">
<h3>Контакт с клиентом: ${visit.client_number} - ${visit.client_name}${v.overdueDays ? html` <span class="badge overdue">${overdueText(v.overdueDays)}</span>` : ''}</h3>
<p class="line">${count(v.tasks.length, ['повод', 'повода', 'поводов'])}: ${reasons.join('; ')}${visit.due_on ? html` · срок ${dmy(visit.due_on)}` : ''}</p>
<div class="tasks">${v.tasks.map((t) => taskCard(t, { ...o, canRecord: false }))}</div>
${o.canRecord ? visitForm(v, o.csrf) : ''}
</section>`;
}
