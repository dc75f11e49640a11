/**
 * One set of security headers on every response of the HTTP role — pages, JSON, metrics,
 * redirects, refusals and Fastify's own 404 and error answers, the click fast path included:
 * `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`
 * and a Content-Security-Policy by the kind of page:
 * - the diary (`/diary…`): its own policy (src/http/diary/style.ts: inline styles, forms to itself);
 * - the queue board (`/admin/queues…`): its scripts, styles and API calls from this site only;
 * - any other HTML (the link, unsubscribe and «Принято в работу» pages): inline styles and
 *   forms to this site, nothing fetched;
 * - JSON, text and redirects: nothing at all.
 * A route may set a stricter or more particular policy of its own (the content page frames its
 * previews, which are framed by this site only); the hook never overrides what a route set.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DIARY_CSP } from './diary/style.js';

export const PUBLIC_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
export const NO_CONTENT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
export const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

/** The headers every response carries (the policy comes from {@link cspFor}). */
export const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const isHtml = (contentType: unknown) => typeof contentType === 'string' && /^text\/html\b/i.test(contentType);

/** The policy of a response to `url` with this content type. */
export function cspFor(url: string, contentType: unknown): string {
  const path = url.split('?')[0] ?? '';
  if (path === '/admin/queues' || path.startsWith('/admin/queues/')) return BOARD_CSP;
  if (!isHtml(contentType)) return NO_CONTENT_CSP;
  if (path === '/diary' || path.startsWith('/diary/')) return DIARY_CSP;
  return PUBLIC_PAGE_CSP;
}

/** The headers of a redirect written outside Fastify (the click fast path). */
export const REDIRECT_SECURITY_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': NO_CONTENT_CSP } as const;

/** Registers the hook on the root, before any route, so every scope inherits it. */
export function securityHeaders(server: FastifyInstance): void {
  server.addHook('onSend', async (req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', cspFor(req.url, reply.getHeader('content-type')));
    return payload;
  });
}

/**
 * Fastify's answer to a request Node could not even parse (a malformed request line, headers
 * too large, a timeout), written straight to the socket before any hook: the same answer as
 * Fastify's own, with the security headers.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Client Timeout']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Exceeded maximum allowed HTTP header size']
        : [400, 'Client Error'];
  const body = JSON.stringify({ error: STATUS_CODES[status], message, statusCode: status });
  const headers = Object.entries(REDIRECT_SECURITY_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`,
    );
  socket.destroy(err);
}
