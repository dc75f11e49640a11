/**
 * Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>` (API clients, the only way into
 * `/api/*`), and for the queue board also Basic with the token as password (browsers). Without
 * ADMIN_TOKEN configured every admin route refuses to run. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function safeEqual(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and hashing hides the length.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function presentedToken(req: FastifyRequest, basic: boolean): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const [scheme, value] = h.split(/\s+/, 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (basic && scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i >= 0 ? decoded.slice(i + 1) : null;
  }
  return null;
}

/** A Fastify onRequest hook guarding admin routes: Bearer only, unless `basicRealm` lets browsers in with Basic. */
export function adminGuard(adminToken: string | null, opts: { basicRealm?: string } = {}) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!adminToken) {
      return reply.code(503).type('text/plain; charset=utf-8').send('admin routes are disabled: set ADMIN_TOKEN to enable them\n');
    }
    const token = presentedToken(req, opts.basicRealm !== undefined);
    if (token !== null && safeEqual(token, adminToken)) return;
    if (opts.basicRealm) reply.header('WWW-Authenticate', `Basic realm="${opts.basicRealm}", charset="UTF-8"`);
    return reply
      .code(401)
      .type('text/plain; charset=utf-8')
      .send('unauthorized: give the admin token (Authorization: Bearer <ADMIN_TOKEN>)\n');
  };
}

/** `/metrics` behind `Authorization: Bearer <METRICS_TOKEN>` when one is set; open otherwise. */
export function metricsGuard(metricsToken: string | null) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!metricsToken) return;
    const token = presentedToken(req, false);
    if (token !== null && safeEqual(token, metricsToken)) return;
    return reply.code(401).type('text/plain; charset=utf-8').send('unauthorized: give Authorization: Bearer <METRICS_TOKEN>\n');
  };
}
