/**
 * «Принято в работу»: `/a/<token>`, the link every signal alert and digest carries (the token
 * names the signal and the day it expires, signed like click tokens with its own purpose):
 * - `GET` shows the signal, its client and a button, and changes nothing — mail scanners and
 *   link previewers open every link of an e-mail;
 * - `POST` acknowledges the signal as the alert's addressee (the field specialist), recording
 *   who and when; escalation skips an acknowledged signal. Repeating it is harmless.
 * A tampered, expired or unknown token gets the Russian "link not valid" page (404). As with
 * unsubscribing, the signed token in the path is the credential: there is no session for a
 * forged cross-site request to ride on.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { loadClientCards } from '../db/client-cards.js';
import { acknowledgeSignal, getSignal, type SignalRow, signalAddressee } from '../db/signals.js';
import { ruDateTime } from '../domain/formats.js';
import { cardLines, signalDetails, signalTitle } from '../health/alert-email.js';
import { html } from '../mail/render.js';
import { verifyAckToken } from '../mail/tracking.js';
import { notFoundPage, page, sendPage } from './pages.js';

const BODY_LIMIT = 8 * 1024;

export async function ackRoutes(server: FastifyInstance, app: App): Promise<void> {
  const secret = app.config.env.trackingSecret;
  const tz = app.config.ric.timeZone;

  async function signalOf(token: string): Promise<SignalRow | null> {
    const ids = verifyAckToken(secret, token, now());
    return ids ? getSignal(app.pool, ids.signalId) : null;
  }

  async function signalPage(s: SignalRow, action: string | null): Promise<string> {
    const card = (await loadClientCards(app.pool, [s.client_id])).get(s.client_id);
    const lines = card ? cardLines(card) : [];
    const done = s.acknowledged_at
      ? html`<p><b>Сигнал принят в работу</b>: ${s.acknowledged_by ?? '—'}, ${ruDateTime(s.acknowledged_at, tz).slice(0, 16)}.</p>`
      : html`<form method="post" action="${action ?? ''}"><input type="hidden" name="ack" value="1"><button type="submit">Принято в работу</button></form>
<p class="muted">Нажмите, когда взяли сигнал в работу: руководителю подразделения он передан не будет.</p>`;
    return page(
      `Сигнал № ${s.id}: ${signalTitle(s.kind)}`,
      html`<p>${s.summary}</p>
<ul>${signalDetails(s).map((d) => html`<li>${d}</li>`)}</ul>
<table>${lines.map(([k, v]) => html`<tr><td class="muted">${k}</td><td>${v}</td></tr>`)}</table>
<p class="muted">Обнаружен ${ruDateTime(s.detected_at, tz).slice(0, 16)}.</p>
${done}`,
    );
  }

  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    // The page's button posts a plain form; a multipart body is refused unread (only the diary's upload takes one).
    scope.addContentTypeParser('multipart/form-data', (_req, _payload, done) =>
      done(Object.assign(new Error('multipart bodies are accepted only by the content upload'), { statusCode: 415 })),
    );

    scope.get<{ Params: { token: string } }>('/a/:token', async (req, reply) => {
      const s = await signalOf(req.params.token);
      if (!s) return sendPage(reply, 404, notFoundPage());
      return sendPage(reply, 200, await signalPage(s, `/a/${req.params.token}`));
    });

    scope.post<{ Params: { token: string } }>('/a/:token', async (req, reply) => {
      const s = await signalOf(req.params.token);
      if (!s) return sendPage(reply, 404, notFoundPage());
      const who = await signalAddressee(app.pool, s.id);
      const res = await acknowledgeSignal(app.pool, s.id, who?.name ?? 'по ссылке из письма', now(), {
        employeeId: who?.id ?? null,
        via: 'link',
      });
      if (res.kind === 'missing') return sendPage(reply, 404, notFoundPage());
      app.log.info({ signalId: s.id, employeeId: who?.id, already: res.kind === 'already' }, 'signal acknowledged by link');
      return sendPage(reply, 200, await signalPage(res.row, null));
    });

    scope.all('/a/*', async (_req, reply) => sendPage(reply, 404, notFoundPage()));
  });
}
