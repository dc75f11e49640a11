/**
 * The client's card (`/diary/clients/<number>`) and the search's results as pages: the header
 * (number, name, category, fee, state, specialists, the zone by both series), the indicator
 * over 26 weeks with the zone bands, the latest week's components with their reasons, the
 * contact persons, the open work and the timeline with its filter and «Показать ещё». Plain
 * server-rendered HTML without scripts; reads on a 360 px phone and prints on A4.
 */

import { type ClientMatch, TIMELINE_KINDS, type TimelineKind, type TimelineRow } from '../../db/client-story.js';
import type { DiaryUser } from '../../db/diary-auth.js';
import type { SeriesPoint } from '../../db/risk-scores.js';
import type { ClientPageView } from '../../diary/client-view.js';
import { describeFrequency } from '../../domain/contact-frequency.js';
import { ruDate } from '../../domain/formats.js';
import type { RiskConfig } from '../../domain/health-config.js';
import { type IndicatorSourceSetting, sourceLabel } from '../../domain/indicator-source.js';
import { periodName, periodRange } from '../../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../../domain/risk-categories.js';
import { COMPONENT_NAMES, type ComponentKey } from '../../domain/risk-components.js';
import { scoreText, ZONE_NAMES, type Zone } from '../../domain/risk-model.js';
import { plural, rub } from '../../domain/ru.js';
import { isSignalKind, SIGNAL_TITLES } from '../../domain/signal-kinds.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { storedOutcomeTitle } from '../../domain/task-outcomes.js';
import { CHANNELS } from '../../exports/crm.js';
import { clientLabel } from '../../health/alert-email.js';
import { componentLines } from '../../health/risk-tasks.js';
import { html, SafeHtml } from '../../mail/render.js';
import { linesSvg } from '../../reports/charts/index.js';
import { htmlPage } from '../../reports/html.js';
import { diaryHeader } from './pages.js';
import { DIARY_CSP, DIARY_CSS } from './style.js';
import { when } from './task-card.js';

const CLIENT_CSS = `
section.client{margin:0 0 1.2em}
.timeline{list-style:none;margin:.4em 0;padding:0}
.timeline>li{border-left:3px solid #c9d6e6;padding:.3em 0 .5em .7em;margin:0 0 .2em}
.timeline>li.signal,.timeline>li.finding{border-left-color:#c0392b}
.timeline>li.state{border-left-color:#8a5a00}
.timeline .at{color:#666;font-size:.85rem;display:block}
.timeline .what{font-weight:600}
.timeline .detail{display:block;white-space:pre-line;overflow-wrap:anywhere}
form.filters{display:flex;flex-wrap:wrap;gap:2px 12px;align-items:center;margin:.4em 0;padding:.5em;border:1px solid #dde6f0;border-radius:4px;background:#f9fbfd}
form.filters label.choice{padding:4px 0}
form.filters button{min-height:36px;padding:.35em .9em}
.pager{display:flex;flex-wrap:wrap;gap:8px 16px;margin:.6em 0}
ul.people>li{overflow-wrap:anywhere}
table.components td.text{min-width:0}
@media (max-width:560px){table.components thead{display:none}table.components,table.components tbody,table.components tr,table.components td{display:block;width:auto;max-width:none}table.components td{border:0;padding:2px 8px}table.components tr{border-bottom:1px solid #e5e5e5;padding:.3em 0}table.components td:first-child{font-weight:600}table.components td.num{text-align:left}table.components td[data-label]::before{content:attr(data-label) ": ";color:#666}}
@media print{form.filters,form.search,.pager,nav.diary-links,.no-print{display:none}section.client{break-inside:auto}.timeline>li{break-inside:avoid}}
`
  .trim()
  .replace(/\n/g, '');

/** The filter's names of the timeline's kinds. */
export const TIMELINE_KIND_NAMES: Readonly<Record<TimelineKind, string>> = {
  contact: 'Контакты',
  email: 'Письма',
  training: 'Обучение',
  webinar: 'Вебинары',
  lk: 'Обращения в ЛК',
  hotline: 'Горячая линия',
  signal: 'Сигналы',
  finding: 'Конкуренты',
  state: 'Состояние',
  task: 'Задачи',
};

const CONTACT_OUTCOMES: Record<string, string> = {
  planned: 'запланирован',
  held: 'состоялся',
  held_with_login: 'состоялся, клиент вошёл в систему',
  not_held: 'не состоялся',
  refused: 'отказ от контакта',
};

const MESSAGE_STATES: Record<string, string> = {
  queued: 'в очереди на отправку',
  sending: 'отправляется',
  retry: 'повторная отправка',
  sent: 'отправлено',
  bounced: 'не доставлено',
  failed: 'не отправлено',
  unknown: 'неизвестно, отправлено ли',
  cancelled: 'отправка отменена',
};

const EMAIL_STATUS: Record<string, string> = {
  unknown: 'доставка не проверялась',
  ok: 'письма доставляются',
  soft_bouncing: 'временные ошибки доставки',
  bounced: 'письма не доставляются',
  invalid: 'адрес неверный',
};

/** Names of the client's states (Состояние), as the CRM writes them. */
export const STATE_NAMES: Readonly<Record<string, string>> = {
  served: 'Обслуживается',
  primary_advance: 'Первичный аванс',
  disconnected: 'Отключен',
  reorganization: 'Реорганизация',
  liquidation: 'Ликвидация',
};

const stateName = (s: string | null) => (s === null ? 'не указано' : (STATE_NAMES[s] ?? s));

export interface ClientPageContext {
  tz: string;
  csrf: string;
  zones: RiskConfig['zones'];
  indicatorSource: IndicatorSourceSetting;
  /** The monthly contact when a person's frequency is not given (`lpr.defaultFrequencyMonths`). */
  defaultFrequencyMonths: number;
}

function page(title: string, body: SafeHtml): string {
  return htmlPage(title, body, { csp: DIARY_CSP, css: DIARY_CSS + CLIENT_CSS });
}

const pointText = (p: SeriesPoint | undefined): string =>
  p && p.indicator !== null ? `${scoreText(p.indicator)} — ${p.zone ? ZONE_NAMES[p.zone] : 'нет данных'}` : 'нет данных';

function headSection(v: ClientPageView, ctx: ClientPageContext): SafeHtml {
  const c = v.card;
  const r = v.latest;
  const cats = (c.categories ?? []).map((k) => CATEGORY_NAMES[k as RiskCategory] ?? k);
  const person = (name: string | null, dept: string | null) => (name ? `${name}${dept ? ` (${dept})` : ''}` : 'не назначен');
  const state = v.stateChange ? `${stateName(c.state)} с ${ruDate(v.stateChange.changed_on)}` : stateName(c.state);
  const now = v.weeks.at(-1);
  const zone = r
    ? html`<dt>Индикатор</dt><dd>${scoreText(r.indicator)} — ${r.zone ? ZONE_NAMES[r.zone as Zone] : 'нет данных'} (${sourceLabel(r.indicator_source, ctx.indicatorSource)}, ${periodName(r.week)})</dd>
<dt>По churnguard</dt><dd>${pointText(now?.computed)}</dd>
<dt>По КИС</dt><dd>${now?.crm.indicator == null ? 'отчёт КИС за неделю не загружен' : pointText(now.crm)}</dd>`
    : html`<dt>Индикатор</dt><dd class="muted">не рассчитан</dd>`;
  return html`<section class="client" id="card"><h2>${clientLabel(c)}</h2><dl class="card">
<dt>Категория</dt><dd>${c.category}${cats.length ? html`; ${cats.join(', ')}` : ''}</dd>
<dt>Сумма ИО</dt><dd>${rub(c.monthly_fee)} в месяц</dd>
<dt>Состояние</dt><dd>${state}</dd>
<dt>Специалист ДИС</dt><dd>${person(c.remote_name, c.remote_department)}</dd>
<dt>Специалист ТС</dt><dd>${person(c.field_name, c.field_department)}</dd>
${zone}
</dl></section>`;
}

/** `2024-W22` → `02.06`: the week's label on the chart (its last day). */
const weekLabel = (week: string) => {
  const end = periodRange('isoweek', week).end;
  return `${end.slice(8, 10)}.${end.slice(5, 7)}`;
};

function chartSection(v: ClientPageView, ctx: ClientPageContext): SafeHtml {
  const svg = linesSvg(
    {
      kind: 'lines',
      title: `Индикатор риска за ${v.weeks.length} ${plural(v.weeks.length, ['неделю', 'недели', 'недель'])}`,
      categories: v.weeks.map((w) => weekLabel(w.week)),
      series: [
        { name: 'churnguard', values: v.weeks.map((w) => w.computed.indicator), color: 'blue' },
        { name: 'КИС', values: v.weeks.map((w) => w.crm.indicator), color: 'purple' },
      ],
      bands: [
        { name: 'Нет угрозы', from: 0, to: ctx.zones.dynamicFrom, color: 'green' },
        { name: 'Динамический риск', from: ctx.zones.dynamicFrom, to: ctx.zones.highFrom, color: 'amber' },
        { name: 'Высокий риск', from: ctx.zones.highFrom, color: 'red' },
      ],
      xTitle: 'Неделя (последний день)',
      yTitle: 'Индикатор',
      format: 'score',
      yMax: 0.5,
    },
    { id: 'client-indicator' },
  );
  return html`<section class="client" id="indicator"><h2>Индикатор по неделям</h2><figure>${new SafeHtml(svg)}</figure></section>`;
}

function componentsSection(v: ClientPageView): SafeHtml {
  const r = v.latest;
  if (!r) return html``;
  const stale = new Set(r.stale_components);
  const rows = componentLines(r).map((l) => {
    const nd = stale.has(l.key as ComponentKey) || l.score === null;
    // On a phone the rows stack, each value under its column's name (data-label).
    return html`<tr><td class="text">${COMPONENT_NAMES[l.key]}</td><td class="num" data-label="Значение">${nd ? 'н/д' : scoreText(l.score)}</td><td class="text" data-label="Причина">${l.reason || (nd ? 'нет свежих данных: в расчёт не входит' : '')}</td><td class="text" data-label="Покрытие данных">${v.coverage[l.key as ComponentKey] ?? ''}</td></tr>`;
  });
  return html`<section class="client" id="components"><h2>Составляющие индикатора: ${periodName(r.week)}</h2>
<div class="table-wrap"><table class="components"><thead><tr><th scope="col">Составляющая</th><th scope="col" class="num">Значение</th><th scope="col">Причина</th><th scope="col">Покрытие данных</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function roles(p: { is_lpr: boolean; is_lvpr: boolean; is_key_user: boolean }): string {
  return [p.is_lpr ? 'ЛПР' : null, p.is_lvpr ? 'ЛВПР' : null, p.is_key_user ? 'ключевой пользователь' : null].filter(Boolean).join(', ');
}

function contactsSection(v: ClientPageView, ctx: ClientPageContext): SafeHtml {
  if (!v.contacts.length)
    return html`<section class="client" id="contacts"><h2>Контактные лица</h2><p class="muted">Контактные лица не указаны.</p></section>`;
  const items = v.contacts.map((p) => {
    const role = roles(p);
    const phone = p.phone ? html`<a href="tel:${p.phone.replace(/[^\d+]/g, '')}">${p.phone}</a>` : 'не указан';
    const problem = p.email_problem ?? (p.email_status === 'bounced' ? p.suppression_reason : null);
    const email = p.email
      ? html`${p.email} — ${EMAIL_STATUS[p.email_status] ?? p.email_status}${problem ? html` (${problem})` : ''}`
      : html`не указан`;
    const freq =
      p.contact_frequency_months === null && p.contact_interval_days === null
        ? `${describeFrequency({ months: ctx.defaultFrequencyMonths, days: null })} (по умолчанию)`
        : describeFrequency({ months: p.contact_frequency_months, days: p.contact_interval_days });
    const clicked = p.clicked.length
      ? html`<br>Переходил по ссылкам: ${p.clicked.map((k, i) => html`${i ? '; ' : ''}«${k.title}» (${ruDate(new Date(k.at), ctx.tz)})`)}`
      : '';
    return html`<li><b>${p.full_name}</b>${p.position ? html`, ${p.position}` : ''}${role ? html` — ${role}` : ''}<br>
Телефон: ${phone}<br>E-mail: ${email}<br>
Рассылка: ${p.unsubscribed_at ? html`отписался ${ruDate(p.unsubscribed_at, ctx.tz)}` : p.consent ? 'согласие есть' : 'согласия нет'}${p.disengaged_at ? ' · не читает письма' : ''}<br>
Частота контакта: ${freq} · последний контакт: ${p.last_contact ? ruDate(p.last_contact, ctx.tz) : 'не было'}${clicked}</li>`;
  });
  return html`<section class="client" id="contacts"><h2>Контактные лица</h2><ul class="compact people">${items}</ul></section>`;
}

function openWorkSection(v: ClientPageView, user: DiaryUser, ctx: ClientPageContext): SafeHtml {
  const items = v.open.map((t) => {
    const label = html`${taskKindName(t.kind)} № ${t.id}`;
    return html`<li>${t.linked ? html`<a href="/diary/tasks/${t.id}">${label}</a>` : label}: ${t.title}<br><span class="muted">Исполнитель: ${t.assignee_name ?? 'не назначен'} · срок ${t.due_at ? when(t.due_at, ctx.tz) : 'не задан'}</span></li>`;
  });
  const visits = v.visits.map((x) => {
    const when = x.planned_on
      ? `запланирован на ${ruDate(x.planned_on)}`
      : `не помещается в план${x.overflow_reason ? `: ${x.overflow_reason}` : ''}`;
    const tasks = x.task_ids.map((id, i) => {
      const linked = v.open.some((t) => t.id === id && t.linked);
      return html`${i ? ', ' : ''}${linked ? html`<a href="/diary/tasks/${id}">№ ${id}</a>` : `№ ${id}`}`;
    });
    return html`<li><b>Контакт с клиентом</b>: ${when}${x.due_on ? `, срок ${ruDate(x.due_on)}` : ''}; исполнитель ${x.assignee_name ?? 'не назначен'}${
      tasks.length ? html`; причины — задачи ${tasks}` : ''
    }</li>`;
  });
  const add = user.isHead ? html`<p class="no-print"><a href="/diary/new?client=${v.card.number}">Поставить задачу по клиенту</a></p>` : '';
  const list = [...visits, ...items];
  return html`<section class="client" id="work"><h2>Открытые задачи</h2>${list.length ? html`<ul class="compact">${list}</ul>` : html`<p class="muted">Открытых задач нет.</p>`}${add}</section>`;
}

function taskRef(id: number | null, v: ClientPageView): SafeHtml | string {
  if (id === null) return '';
  return v.open.some((t) => t.id === id && t.linked) ? html` · <a href="/diary/tasks/${id}">задача № ${id}</a>` : ` · задача № ${id}`;
}

/** One event in words: what happened, and the detail line. */
function describe(r: TimelineRow, tz: string): { what: string; detail: SafeHtml | string } {
  const at2 = r.at2 ? when(r.at2, tz) : '';
  switch (r.kind) {
    case 'contact': {
      const what = `${CHANNELS[r.code ?? 'other'] ?? CHANNELS.other}: ${CONTACT_OUTCOMES[r.state ?? ''] ?? r.state}`;
      const parts = [r.person ? `с ${r.person}` : null, r.who ? `исполнитель ${r.who}` : null, r.detail].filter(Boolean);
      return { what, detail: parts.join(' · ') };
    }
    case 'email': {
      const what = `Письмо «${r.code}»: ${MESSAGE_STATES[r.state ?? ''] ?? r.state}`;
      const parts = [
        r.person ? `${r.person}, ${r.who}` : r.who,
        r.at2 ? `возврат ${at2}` : null,
        r.detail ? `переходы: ${r.detail}` : 'переходов нет',
      ];
      return { what, detail: parts.filter(Boolean).join(' · ') };
    }
    case 'training':
      return { what: `Обучение: ${r.person}`, detail: r.detail ?? '' };
    case 'webinar':
      return { what: `Вебинар: ${r.person}`, detail: r.detail ?? '' };
    case 'lk':
      return { what: 'Обращение в личный кабинет', detail: r.detail ?? '' };
    case 'hotline':
      return { what: r.code === 'document' ? 'Запрос документа на горячей линии' : 'Вопрос на горячей линии', detail: '' };
    case 'signal': {
      const title = r.code && isSignalKind(r.code) ? SIGNAL_TITLES[r.code] : r.code;
      const ack = r.at2 ? `принят в работу ${at2}${r.who ? `, ${r.who}` : ''}` : 'не принят в работу';
      return { what: `Сигнал «${title}»`, detail: `${r.detail ?? ''}\n${ack}` };
    }
    case 'finding': {
      const parts = [
        r.state ? `действует до ${r.state}` : null,
        r.person ? `контактное лицо ${r.person}` : null,
        r.who ? `выявил ${r.who}` : null,
        r.at2 ? `передано специалисту ТС ${at2}` : null,
        r.detail,
      ];
      return { what: `Выявлен конкурент: ${r.code}`, detail: parts.filter(Boolean).join(' · ') };
    }
    case 'state':
      return { what: `Состояние: ${r.state ? `${stateName(r.state)} → ` : ''}${stateName(r.code)}`, detail: '' };
    case 'task': {
      const kind = taskKindName(r.code ?? '');
      if (r.sub === 'opened') {
        const due = r.at2 ? ` · срок ${at2}` : '';
        return { what: `Поставлена задача «${kind}»`, detail: `${r.detail ?? ''}\nисполнитель ${r.who ?? 'не назначен'}${due}` };
      }
      if (r.sub === 'closed') {
        const outcome = r.state ? `: ${storedOutcomeTitle(r.state)}` : '';
        return { what: `Закрыта задача «${kind}»${outcome}`, detail: [r.who, r.detail].filter(Boolean).join(' · ') };
      }
      return { what: `Комментарий к задаче «${kind}»`, detail: `${r.who}: ${r.detail ?? ''}` };
    }
  }
}

function timelineItem(r: TimelineRow, v: ClientPageView, tz: string): SafeHtml {
  const { what, detail } = describe(r, tz);
  const at = r.day ? ruDate(r.at, tz) : when(r.at, tz);
  return html`<li class="${r.kind}" data-kind="${r.kind}"><span class="at">${at}${taskRef(r.task_id, v)}</span><span class="what">${what}</span>${detail ? html`<span class="detail">${detail}</span>` : ''}</li>`;
}

/** The query string of the timeline's filter and a page of it. */
export function timelineHref(number: number, kinds: readonly TimelineKind[], page: number): string {
  const q = new URLSearchParams();
  if (kinds.length < TIMELINE_KINDS.length) for (const k of kinds) q.append('kind', k);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/diary/clients/${number}${s ? `?${s}` : ''}#timeline`;
}

function timelineSection(v: ClientPageView, ctx: ClientPageContext): SafeHtml {
  const { kinds, page: n } = v.query;
  const all = kinds.length === TIMELINE_KINDS.length;
  const filter = html`<form class="filters" method="get" action="/diary/clients/${v.card.number}#timeline">${TIMELINE_KINDS.map(
    (k) =>
      html`<label class="choice"><input type="checkbox" name="kind" value="${k}"${!all && kinds.includes(k) ? new SafeHtml(' checked') : ''}> ${TIMELINE_KIND_NAMES[k]}</label>`,
  )}<button type="submit" class="secondary">Показать</button></form>`;
  const items = v.timeline.length
    ? html`<ol class="timeline">${v.timeline.map((r) => timelineItem(r, v, ctx.tz))}</ol>`
    : html`<p class="muted">${n > 1 ? 'Больше событий нет.' : 'Событий нет.'}</p>`;
  const pager = html`<p class="pager">${n > 1 ? html`<a href="${timelineHref(v.card.number, kinds, 1)}">← К последним событиям</a>` : ''}${
    v.more ? html`<a href="${timelineHref(v.card.number, kinds, n + 1)}">Показать ещё</a>` : ''
  }</p>`;
  const shown = all ? 'все события' : kinds.map((k) => TIMELINE_KIND_NAMES[k].toLowerCase()).join(', ');
  return html`<section class="client" id="timeline"><h2>История клиента</h2><p class="muted">Сначала новые · ${shown}${n > 1 ? ` · страница ${n}` : ''}</p>${filter}${items}${pager}</section>`;
}

/** `/diary/clients/<number>`. */
export function clientPage(user: DiaryUser, v: ClientPageView, ctx: ClientPageContext): string {
  const body = html`${diaryHeader(user, ctx.csrf, html`Карточка клиента`)}
<p class="no-print"><a href="/diary">← К задачам на сегодня</a></p>
${headSection(v, ctx)}
${chartSection(v, ctx)}
${componentsSection(v)}
${contactsSection(v, ctx)}
${openWorkSection(v, user, ctx)}
${timelineSection(v, ctx)}`;
  return page(`${clientLabel(v.card)} — карточка клиента`, body);
}

/** `/diary/clients?q=…`: the clients found among those the user may see. */
export function searchPage(user: DiaryUser, csrf: string, q: string, found: ClientMatch[], limit: number): string {
  const list = found.length
    ? html`<ul class="compact">${found.map(
        (c) =>
          html`<li><a href="/diary/clients/${c.number}">${clientLabel(c)}</a>${c.state !== 'served' ? html` <span class="muted">(${stateName(c.state)})</span>` : ''}</li>`,
      )}</ul>${found.length >= limit ? html`<p class="muted">Показаны первые ${limit}: уточните запрос.</p>` : ''}`
    : html`<p class="empty">${q ? 'Среди ваших клиентов такого нет.' : 'Введите номер клиента или часть названия.'}</p>`;
  const body = html`${diaryHeader(user, csrf, html`Поиск клиента${q ? html`: «${q}»` : ''}`, q)}
<p><a href="/diary">← К задачам на сегодня</a></p>
<h2>Клиенты</h2>${list}`;
  return page('Поиск клиента — ежедневник', body);
}
