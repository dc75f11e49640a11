/**
 * The few public pages a recipient of our e-mail may see: a link that is not valid, a service
 * briefly unavailable, the unsubscribe confirmation and its result. Server-rendered HTML with
 * no script at all, so they work in any browser and mail client; every value is escaped.
 */
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from '../mail/render.js';

/** Send a page: HTML, never cached, never indexed. */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .send(body);
}

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>
  body { font-family: Arial, Helvetica, sans-serif; background: #f4f5f7; color: #222; margin: 0; }
  main { max-width: 34rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 6px; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  button { font-size: 1rem; padding: .6rem 1.4rem; border: 0; border-radius: 4px; background: #b3261e; color: #fff; cursor: pointer; }
  .muted { color: #666; font-size: .9rem; }
</style>
</head>
<body><main>
<h1>${title}</h1>
${body}
</main></body>
</html>
`.value;
}

export function notFoundPage(): string {
  return page(
    'Ссылка недействительна',
    html`<p>Ссылка устарела или набрана с ошибкой. Если вы открыли её из нашего письма, напишите нам — мы пришлём нужный материал.</p>`,
  );
}

export function unavailablePage(): string {
  return page('Сервис временно недоступен', html`<p>Не удалось открыть ссылку. Пожалуйста, повторите попытку через минуту.</p>`);
}

/** `iv***@example.ru`: enough for the reader to recognise the address, not enough to leak it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = email.slice(0, at);
  return `${local.slice(0, Math.min(2, local.length - 1))}***${email.slice(at)}`;
}

export function unsubscribeConfirmPage(action: string, email: string, ricName: string): string {
  return page(
    'Отписка от рассылки',
    html`<p>Вы получаете письма дистанционного сервиса ${ricName} на адрес <b>${maskEmail(email)}</b>.</p>
<p>Нажмите кнопку, чтобы больше не получать наши информационные рассылки.</p>
<form method="post" action="${action}">
<input type="hidden" name="confirm" value="1">
<button type="submit">Отписаться от рассылки</button>
</form>
<p class="muted">Если вы попали на эту страницу случайно, просто закройте её — подписка сохранится.</p>`,
  );
}

export function unsubscribedPage(email: string, already: boolean): string {
  return page(
    already ? 'Вы уже отписаны' : 'Вы отписаны от рассылки',
    html`<p>Адрес <b>${maskEmail(email)}</b> больше не получает наши информационные рассылки.</p>
<p class="muted">Если это ошибка, сообщите вашему специалисту дистанционного контакта — он восстановит подписку.</p>`,
  );
}
