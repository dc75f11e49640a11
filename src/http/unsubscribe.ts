/**
 * Unsubscribing, `/u/<token>` (the token names a message, signed like click tokens):
 * - `GET` shows a Russian confirmation page with a form button and changes nothing: mail
 *   scanners and link previewers open every link of an e-mail, and must not unsubscribe anyone;
 * - `POST` unsubscribes — from the page's form, or from a mail client's RFC 8058 one-click
 *   request (`List-Unsubscribe=One-Click` in a form-encoded or multipart body). Repeating it
 *   is harmless.
 *
 * No CSRF token: the signed token in the path is itself the secret that authorises the
 * request (only the recipient of the e-mail has it), there is no session or cookie a forged
 * cross-site request could ride on, and RFC 8058 requires that a bare POST without any other
 * state works. The worst a third party holding the link can do is what the recipient could.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { findMessageRecipient, unsubscribeByMessage } from '../db/unsubscribe.js';
import { unsubscribeUrl, verifyUnsubscribeToken } from '../mail/tracking.js';
import { notFoundPage, sendPage, unsubscribeConfirmPage, unsubscribedPage } from './pages.js';

/** Largest body we read: a one-click body is 26 bytes, a multipart one a few hundred. */
const BODY_LIMIT = 8 * 1024;

export async function unsubscribeRoutes(server: FastifyInstance, app: App): Promise<void> {
  const secret = app.config.env.trackingSecret;
  await server.register(async (scope) => {
    // Whatever the content type (form, multipart, none), the body is read as text and only
    // told apart for the answer: the token alone decides.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get<{ Params: { token: string } }>('/u/:token', async (req, reply) => {
      const ids = verifyUnsubscribeToken(secret, req.params.token);
      const recipient = ids ? await findMessageRecipient(app.pool, ids.messageId) : null;
      if (!recipient) return sendPage(reply, 404, notFoundPage());
      if (recipient.unsubscribedAt) return sendPage(reply, 200, unsubscribedPage(recipient.email, true));
      const action = new URL(unsubscribeUrl(app.config.env.publicBaseUrl, req.params.token)).pathname;
      return sendPage(reply, 200, unsubscribeConfirmPage(action, recipient.email, app.config.ric.name));
    });

    scope.post<{ Params: { token: string }; Body: string | undefined }>('/u/:token', async (req, reply) => {
      const ids = verifyUnsubscribeToken(secret, req.params.token);
      if (!ids) return sendPage(reply, 404, notFoundPage());
      const res = await unsubscribeByMessage(app.pool, ids.messageId, now());
      if (!res.found || !res.email) return sendPage(reply, 404, notFoundPage());
      const oneClick = typeof req.body === 'string' && /List-Unsubscribe=One-Click/i.test(req.body);
      app.log.info({ messageId: ids.messageId, oneClick, already: res.already, cancelled: res.cancelled }, 'unsubscribed');
      return sendPage(reply, 200, unsubscribedPage(res.email, res.already));
    });

    scope.all('/u/*', async (_req, reply) => sendPage(reply, 404, notFoundPage()));
  });
}
