/**
 * `GET /c/<token>` (and HEAD): the tracked link of an e-mail. A valid token answers 302 to the
 * link's stored URL — never to anything taken from the request, so there is no open redirect —
 * and leaves a raw click event in the {@link ClickBuffer}. An invalid, tampered or unknown
 * token gets the Russian 404 page and writes nothing.
 *
 * The redirect never waits on PostgreSQL for the event (batched later) and, for a link seen
 * before, not for the URL either ({@link LinkCache}). Only a link this process has never seen
 * needs the database: if PostgreSQL does not answer within `clicks.lookupTimeoutMs`, the link
 * is neither known nor unknown, so the reader gets a 503 page asking to retry in a minute
 * (with Retry-After) and no event is kept — a 404 would wrongly call a good link broken, and a
 * click event without a redirect would count a visit that never happened.
 *
 * The cache is keyed by link: a link known from one message's click answers the tokens of
 * other messages of its mailing without asking PostgreSQL — their signatures already prove we
 * issued them (the first lookup of a link checks that message and link belong together).
 *
 * HEAD requests are answered like GET (scanners then see the same thing) and recorded with
 * method HEAD; click-check counts them as bots.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { findLinkUrl, insertClickEvents } from '../db/clicks.js';
import { ipPrefix } from '../domain/ip-prefix.js';
import { uuid7 } from '../domain/uuid7.js';
import { verifyClickToken } from '../mail/tracking.js';
import { ClickBuffer } from './click-buffer.js';
import { LinkCache } from './link-cache.js';
import { notFoundPage, sendPage, unavailablePage } from './pages.js';
import { REDIRECT_SECURITY_HEADERS } from './security-headers.js';

const MAX_USER_AGENT = 512;
const NOT_FOUND = notFoundPage();
const UNAVAILABLE = unavailablePage();

/** The stored URL as a redirect target: absolute http(s) only, normalised; anything else is refused. */
export function redirectTarget(stored: string): string | null {
  try {
    const u = new URL(stored);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export interface ClickRecorder {
  cache: LinkCache;
  buffer: ClickBuffer;
  /**
   * The hot path, called by the HTTP server before Fastify routes a request: a GET or HEAD of
   * `/c/<token>` with a valid token of a cached link is answered here (the same 302 and event
   * as the route below); it returns false for everything else, which Fastify then handles.
   * Only when the socket address is the client's (no trusted proxy), so the IP is the same.
   */
  fastPath(req: IncomingMessage, res: ServerResponse): boolean;
}

const REDIRECT_HEADERS = { 'cache-control': 'no-store', ...REDIRECT_SECURITY_HEADERS } as const;

export async function clickRoutes(server: FastifyInstance, app: App): Promise<ClickRecorder> {
  const cfg = app.config.clicks;
  const secret = app.config.env.trackingSecret;
  // The cache holds redirect targets, checked once when loaded: a stored URL that is not
  // absolute http(s) is treated as unknown (and logged), so the hot path only copies a string.
  const loadTarget = async (messageId: number, linkId: number) => {
    const url = await findLinkUrl(app.pool, messageId, linkId);
    const target = url === null ? null : redirectTarget(url);
    if (url !== null && target === null) app.log.warn({ linkId }, 'click: stored URL is not an absolute http(s) URL; not redirecting');
    return target;
  };
  const cache = new LinkCache(cfg.linkCacheSize, loadTarget, cfg.lookupTimeoutMs);
  const buffer = new ClickBuffer(
    (batch) => insertClickEvents(app.pool, batch),
    { capacity: cfg.bufferSize, batchSize: cfg.batchSize, flushIntervalMs: cfg.flushIntervalMs, retryMaxMs: cfg.retryMaxMs },
    app.log.child({ component: 'clicks' }),
  );
  // Events still in memory are written before the pool closes (the server closes first).
  server.addHook('onClose', async () => buffer.close(Math.min(10_000, app.config.shutdown.graceMs)));

  const record = (
    req: { method?: string; headers: IncomingMessage['headers'] },
    ip: string | undefined,
    messageId: number,
    linkId: number,
  ) => {
    const ua = req.headers['user-agent'];
    const at = now();
    buffer.push({
      eventId: uuid7(at.getTime()),
      messageId,
      linkId,
      clickedAt: at,
      method: req.method ?? 'GET',
      userAgent: ua ? ua.slice(0, MAX_USER_AGENT) : null,
      ipPrefix: ipPrefix(ip),
    });
  };

  const redirect = (reply: FastifyReply, target: string) =>
    reply
      .code(302)
      .headers({ location: target, ...REDIRECT_HEADERS })
      .send();

  server.route<{ Params: { token: string } }>({
    method: ['GET', 'HEAD'],
    url: '/c/:token',
    exposeHeadRoute: false,
    handler(req, reply) {
      const ids = verifyClickToken(secret, req.params.token);
      if (!ids) return sendPage(reply, 404, NOT_FOUND);
      const cached = cache.peek(ids.linkId);
      if (cached !== undefined) {
        record(req, req.ip, ids.messageId, ids.linkId);
        return redirect(reply, cached);
      }
      return cache.fetch(ids.messageId, ids.linkId).then((found) => {
        if (found.kind === 'unavailable') {
          app.log.warn({ err: found.error.message }, 'click: link not cached and PostgreSQL does not answer');
          return sendPage(reply.header('retry-after', '30'), 503, UNAVAILABLE);
        }
        if (found.kind === 'unknown') return sendPage(reply, 404, NOT_FOUND);
        record(req, req.ip, ids.messageId, ids.linkId);
        return redirect(reply, found.url);
      });
    },
  });
  // Anything else under /c/ (empty, nested, encoded slashes) is not a token.
  server.route({
    method: ['GET', 'HEAD'],
    url: '/c/*',
    exposeHeadRoute: false,
    handler: (_req, reply) => sendPage(reply, 404, NOT_FOUND),
  });
  const direct = app.config.env.trustProxy === false;
  const fastPath = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (!direct || !url.startsWith('/c/') || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const token = url.slice(3);
    if (!TOKEN_CHARS.test(token)) return false;
    const ids = verifyClickToken(secret, token);
    if (!ids) return false;
    const cached = cache.peek(ids.linkId);
    if (cached === undefined) return false;
    record(req, req.socket.remoteAddress, ids.messageId, ids.linkId);
    res.writeHead(302, { location: cached, ...REDIRECT_HEADERS });
    res.end();
    return true;
  };
  return { cache, buffer, fastPath };
}

/** A whole path segment of token characters: nothing to decode, no query, no further segments. */
const TOKEN_CHARS = /^[0-9A-Za-z_-]{1,200}$/;
