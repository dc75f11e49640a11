/**
 * The diary's cookies. `cg_diary` holds the session token (HttpOnly, SameSite=Strict, path
 * /diary, Secure when the service is public over https); `cg_diary_login` holds a one-off nonce
 * whose HMAC the sign-in form carries, so that even the sign-in form cannot be posted from
 * another site. Both are random; the database knows only the session token's hash.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'cg_diary';
export const LOGIN_COOKIE = 'cg_diary_login';

/** A cookie of the request, or null. */
export function readCookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
}

/** Add a Set-Cookie header (several may be set on one reply). */
export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  const parts = [`${name}=${value}`, 'Path=/diary', `Max-Age=${o.maxAge}`, 'HttpOnly', 'SameSite=Strict'];
  if (o.secure) parts.push('Secure');
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}
