/**
 * The digest of signals: when one scan raises more than `signals.digestAbove` signals for one
 * field specialist, one e-mail lists them all — riskier zone and bigger fee first — each with
 * its client, evidence, task, deadline and its own «Принято в работу» link.
 */
import type { App } from '../app.js';
import type { ClientCard } from '../db/client-cards.js';
import type { SignalRow } from '../db/signals.js';
import { ruDateTime } from '../domain/formats.js';
import { ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { count, rub } from '../domain/ru.js';
import { html, renderTemplate } from '../mail/render.js';
import { clientCardUrl, clientLabel, clientLink, type RenderedMail, signalDetails, signalTitle } from './alert-email.js';

export interface DigestItem {
  signal: SignalRow;
  card: ClientCard;
  taskId: number | null;
  deadline: Date;
  ackUrl: string;
}

export async function renderSignalDigest(app: App, items: readonly DigestItem[]): Promise<RenderedMail> {
  const tz = app.config.ric.timeZone;
  const n = count(items.length, ['новый сигнал', 'новых сигнала', 'новых сигналов']);
  const subject = `Сигналы об ухудшении ситуации с клиентами: ${n}`;
  const lead = `${n} по вашим клиентам. Важна скорость реакции на сигнал двух отделов: свяжитесь с клиентом и с его специалистом дистанционного контакта. Подтвердите каждый сигнал ссылкой «Принято в работу» (или закройте задачу), иначе он будет передан руководителю подразделения.`;
  const rows = items.map((i) => ({
    id: i.signal.id,
    title: signalTitle(i.signal.kind),
    client: clientLabel(i.card),
    link: clientLink(app.config.env.publicBaseUrl, i.card),
    url: clientCardUrl(app.config.env.publicBaseUrl, i.card.number),
    zone: i.card.zone ? ZONE_NAMES[i.card.zone as Zone] : 'индикатор не рассчитан',
    fee: `${rub(i.card.monthly_fee)} в месяц`,
    summary: i.signal.summary,
    details: signalDetails(i.signal),
    task: i.taskId ?? '—',
    deadline: ruDateTime(i.deadline, tz).slice(0, 16),
    ack: i.ackUrl,
  }));
  const r = await renderTemplate('notification', {
    subject,
    heading: 'Сигналы об ухудшении ситуации с клиентами',
    lead,
    body_html: html`${rows.map(
      (x) => html`<table class="card" cellpadding="0" cellspacing="0" style="margin-bottom:18px">
        <tr><td class="k">Сигнал № ${x.id}</td><td><b>${x.title}</b>: ${x.summary}</td></tr>
        <tr><td class="k">Клиент</td><td>${x.link}; ${x.zone}; ${x.fee}</td></tr>
        ${x.details.length ? html`<tr><td class="k">Подробно</td><td>${x.details.join('; ')}</td></tr>` : ''}
        <tr><td class="k">Задача</td><td>№ ${x.task}, подтвердить до ${x.deadline}</td></tr>
        <tr><td class="k"></td><td><a href="${x.ack}" style="color:#b42318;font-weight:bold">Принято в работу</a></td></tr>
      </table>`,
    )}`,
    footer: `${app.config.ric.name} · churnguard`,
  });
  const text = [
    'Сигналы об ухудшении ситуации с клиентами',
    '',
    lead,
    '',
    ...rows.map((x) =>
      [
        `Сигнал № ${x.id}. ${x.title}: ${x.summary}`,
        `  Клиент: ${x.client}; ${x.zone}; ${x.fee}`,
        `  Карточка клиента: ${x.url}`,
        ...x.details.map((d) => `  - ${d}`),
        `  Задача № ${x.task}, подтвердить до ${x.deadline}`,
        `  Принято в работу: ${x.ack}`,
        '',
      ].join('\n'),
    ),
    `${app.config.ric.name} · churnguard`,
  ].join('\n');
  return { subject, html: r.html, text };
}
