/**
 * The alert e-mail of a signal to the field (ТС) specialist, and the escalation e-mail to the
 * department head: the signal, its evidence, and the client's card — number, name, category,
 * fee, zone, remote specialist and phone.
 */
import type { App } from '../app.js';
import type { ClientCard } from '../db/client-cards.js';
import type { SignalRow } from '../db/signals.js';
import { ruDateTime } from '../domain/formats.js';
import { periodName } from '../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../domain/risk-categories.js';
import { scoreText, ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { count, rub } from '../domain/ru.js';
import { isSignalKind, SIGNAL_TITLES } from '../domain/signal-kinds.js';
import { type CompiledTemplate, html, renderTemplate, type SafeHtml } from '../mail/render.js';

export function signalTitle(kind: string): string {
  return isSignalKind(kind) ? SIGNAL_TITLES[kind] : kind;
}

export function clientLabel(c: { number: number; name: string }): string {
  return `${String(c.number).padStart(6, '0')} - ${c.name}`;
}

/** The client's card in the diary (`/diary/clients/<number>`), from an e-mail to staff. */
export function clientCardUrl(baseUrl: string, number: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/diary/clients/${number}`;
}

/** The client's label linked to its card in the diary, for an e-mail's HTML. */
export function clientLink(baseUrl: string, c: { number: number; name: string }): SafeHtml {
  return html`<a href="${clientCardUrl(baseUrl, c.number)}">${clientLabel(c)}</a>`;
}

/** The card as label/value pairs, in the order the e-mail shows them. */
export function cardLines(c: ClientCard): [string, string][] {
  const cats = (c.categories ?? []).map((k) => CATEGORY_NAMES[k as RiskCategory] ?? k);
  const zone = c.zone ? `${scoreText(c.indicator)} — ${ZONE_NAMES[c.zone as Zone]}, ${periodName(c.week ?? '')}` : 'не рассчитан';
  const person = (name: string | null, phone: string | null) => (name ? `${name}${phone ? `, тел. ${phone}` : ''}` : 'не назначен');
  return [
    ['Клиент', clientLabel(c)],
    ['Категория клиента', `${c.category}${cats.length ? `; ${cats.join(', ')}` : ''}`],
    ['Сумма ИО', `${rub(c.monthly_fee)} в месяц`],
    ['Индикатор', zone],
    ['Специалист ДИС', person(c.remote_name, c.remote_phone)],
    ['Специалист ТС', person(c.field_name, c.field_phone)],
  ];
}

function blocks(details: string[], card: ClientCard, baseUrl: string) {
  const lines = cardLines(card);
  const url = clientCardUrl(baseUrl, card.number);
  return {
    details_html: details.length ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : html``,
    details_text: details.map((d) => `- ${d}`).join('\n'),
    // The client's line opens its card in the diary.
    card_html: html`<table class="card" cellpadding="0" cellspacing="0">${lines.map(
      ([k, v], i) => html`<tr><td class="k">${k}</td><td>${i === 0 ? html`<a href="${url}">${v}</a>` : v}</td></tr>`,
    )}</table>`,
    card_text: [...lines.map(([k, v]) => `${k}: ${v}`), `Карточка клиента: ${url}`].join('\n'),
  };
}

/** The evidence's lines beside the summary: a line the summary already says is not repeated. */
export function signalDetails(s: SignalRow): string[] {
  const d = s.evidence.details;
  return Array.isArray(d) ? d.map(String).filter((line) => line !== s.summary) : [];
}

export interface RenderedMail extends CompiledTemplate {
  subject: string;
}

export async function renderSignalAlert(
  app: App,
  s: SignalRow,
  card: ClientCard,
  task: { id: number | null; title: string },
  deadline: Date,
  ackUrl: string,
): Promise<RenderedMail> {
  const title = signalTitle(s.kind);
  const subject = `Сигнал: ${title} — ${clientLabel(card)}`;
  const r = await renderTemplate('signal-alert', {
    subject,
    heading: title,
    summary: s.summary,
    ...blocks(signalDetails(s), card, app.config.env.publicBaseUrl),
    task_title: title,
    task_id: task.id ?? '—',
    signal_id: s.id,
    deadline: ruDateTime(deadline, app.config.ric.timeZone).slice(0, 16),
    ack_url: ackUrl,
    footer: `${app.config.ric.name} · churnguard`,
  });
  return { subject, ...r };
}

export async function renderEscalation(app: App, s: SignalRow, card: ClientCard, assignee: string): Promise<RenderedMail> {
  const title = signalTitle(s.kind);
  const subject = `Не подтверждён сигнал: ${title} — ${clientLabel(card)}`;
  const r = await renderTemplate('signal-escalation', {
    subject,
    heading: `Сигнал не подтверждён: ${title}`,
    signal_id: s.id,
    detected: ruDateTime(s.detected_at, app.config.ric.timeZone).slice(0, 16),
    hours: count(app.config.signals.ackWorkingHours, ['рабочий час', 'рабочих часа', 'рабочих часов']),
    assignee,
    summary: s.summary,
    ...blocks(signalDetails(s), card, app.config.env.publicBaseUrl),
    footer: `${app.config.ric.name} · churnguard`,
  });
  return { subject, ...r };
}

/** Several overdue signals of one head's department: one digest e-mail instead of one each. */
export async function renderEscalationDigest(app: App, items: readonly { signal: SignalRow; card: ClientCard }[]): Promise<RenderedMail> {
  const tz = app.config.ric.timeZone;
  const hours = count(app.config.signals.ackWorkingHours, ['рабочий час', 'рабочих часа', 'рабочих часов']);
  const n = count(items.length, ['сигнал', 'сигнала', 'сигналов']);
  const subject = `Не подтверждены сигналы (${items.length}): нужна реакция специалистов ТС`;
  const rows = items.map(({ signal: s, card }) => ({
    id: s.id,
    detected: ruDateTime(s.detected_at, tz).slice(0, 16),
    kind: signalTitle(s.kind),
    client: clientLabel(card),
    link: clientLink(app.config.env.publicBaseUrl, card),
    url: clientCardUrl(app.config.env.publicBaseUrl, card.number),
    field: card.field_name ?? 'специалист ТС не назначен',
    summary: s.summary,
  }));
  const r = await renderTemplate('notification', {
    subject,
    heading: 'Сигналы не подтверждены',
    lead: `${n} не подтверждены за ${hours}. Проконтролируйте реакцию специалистов ТС.`,
    body_html: html`<table class="card" cellpadding="0" cellspacing="0">
        <tr><td class="k">№</td><td class="k">Обнаружен</td><td class="k">Сигнал</td><td class="k">Клиент</td><td class="k">Специалист ТС</td></tr>
        ${rows.map((x) => html`<tr><td>${x.id}</td><td>${x.detected}</td><td>${x.kind}: ${x.summary}</td><td>${x.link}</td><td>${x.field}</td></tr>`)}
      </table>
      <p>Специалист ТС подтверждает сигнал ссылкой «Принято в работу» из своего письма или закрытием задачи.</p>`,
    footer: `${app.config.ric.name} · churnguard`,
  });
  const text = [
    'Сигналы не подтверждены',
    '',
    `${n} не подтверждены за ${hours}. Проконтролируйте реакцию специалистов ТС.`,
    '',
    ...rows.map(
      (x) => `№ ${x.id} от ${x.detected} — ${x.kind}: ${x.summary}\n  ${x.client}; специалист ТС: ${x.field}\n  Карточка клиента: ${x.url}`,
    ),
    '',
    'Специалист ТС подтверждает сигнал ссылкой «Принято в работу» из своего письма или закрытием задачи.',
    '',
    `${app.config.ric.name} · churnguard`,
  ].join('\n');
  return { subject, html: r.html, text };
}
