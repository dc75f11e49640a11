/**
 * The call script of a task, from the payload its job wrote. A monthly-contact call (`lpr-call`,
 * src/domain/call-task.ts) shows the seed's five questions, the e-mail sent with its links, what
 * the person clicked and when (people's clicks only), and what they asked to prepare last time;
 * any other task shows its text or its evidence.
 */
import { CALL_QUESTIONS } from '../../domain/call-task.js';
import { ruDateTime } from '../../domain/formats.js';
import { quoted } from '../../domain/ru.js';
import { html, type SafeHtml } from '../../mail/render.js';

type Payload = Record<string, unknown>;

const text = (p: Payload, key: string): string | null => (typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : null);
const num = (p: Payload, key: string): number => (typeof p[key] === 'number' ? (p[key] as number) : 0);

function items(p: Payload, key: string): Payload[] {
  const v = p[key];
  return Array.isArray(v) ? v.filter((x): x is Payload => typeof x === 'object' && x !== null) : [];
}

function at(v: unknown, tz: string): string {
  return typeof v === 'string' ? ruDateTime(v, tz).slice(0, 16) : '';
}

/** Only links of the web: a stored URL is shown as a link when it is http(s), else as text. */
function link(title: string, url: string | null): SafeHtml {
  return url && /^https?:\/\//i.test(url) ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">${title}</a>` : html`${title}`;
}

export function callScript(p: Payload, tz: string): SafeHtml {
  const questions = Array.isArray(p.questions) && p.questions.length ? p.questions.map(String) : [...CALL_QUESTIONS];
  const links = items(p, 'links');
  const clicks = items(p, 'humanClicks');
  const unclassified = num(p, 'unclassifiedClicks');
  const bots = num(p, 'botClicks');
  const previous = text(p, 'previousNextPrep');
  return html`<h3>Сценарий звонка</h3>
<ol class="questions">${questions.map((q) => html`<li>${q}</li>`)}</ol>
<h3>Что отправили</h3>
<p>Письмо ${quoted(text(p, 'subject') ?? 'без темы')}${text(p, 'sentAt') ? html` отправлено ${at(p.sentAt, tz)}` : ''}.</p>
${
  links.length
    ? html`<details><summary>Ссылки в письме (${links.length})</summary><ul class="links">${links.map(
        (l) => html`<li>${link(String(l.title ?? l.url ?? ''), typeof l.url === 'string' ? l.url : null)}</li>`,
      )}</ul></details>`
    : html`<p class="muted">Ссылок в письме не было.</p>`
}
<h3>Переходы по ссылкам</h3>
${
  clicks.length
    ? html`<ul class="links">${clicks.map((c) => html`<li>${at(c.at, tz)} — ${link(String(c.title ?? c.url ?? ''), typeof c.url === 'string' ? c.url : null)}</li>`)}</ul>`
    : html`<p>Переходов по ссылкам нет.</p>`
}
${unclassified ? html`<p class="muted">Ещё переходов, не проверенных на роботов: ${unclassified} (не учтены).</p>` : ''}
${bots ? html`<p class="muted">Переходы почтовых роботов и сканеров не учтены: ${bots}.</p>` : ''}
<h3>В прошлый раз просили подготовить</h3>
<p>${previous ?? html`<span class="muted">(нет ответа)</span>`}</p>`;
}

export function otherScript(p: Payload): SafeHtml {
  const body = text(p, 'text');
  if (body) return html`<h3>Текст задачи</h3><p class="script">${body}</p>`;
  const evidence = typeof p.evidence === 'object' && p.evidence !== null ? (p.evidence as Payload) : null;
  const details = evidence && Array.isArray(evidence.details) ? evidence.details.map(String) : [];
  if (details.length) return html`<h3>Что обнаружено</h3><ul>${details.map((d) => html`<li>${d}</li>`)}</ul>`;
  const email = text(p, 'email');
  if (email) {
    const why = text(p, 'diagnostic') ?? text(p, 'smtpResponse') ?? text(p, 'status');
    return html`<h3>Адрес</h3><p>${email}${why ? html`<br><span class="muted">Ответ почтового сервера: ${why}</span>` : ''}</p>`;
  }
  return html``;
}
