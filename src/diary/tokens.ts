/**
 * Secrets of the diary. A sign-in token (per employee, `admin employee token`) and a session
 * token (per signed-in browser, in an HttpOnly cookie) are 32 random bytes; the database keeps
 * only their SHA-256, so a copy of the database signs nobody in. The CSRF token of a session is
 * an HMAC of its session token: a page's forms carry it in a hidden field, and only a page that
 * the session itself loaded can know it. Compared in constant time.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../http/auth.js';

/** A new random token, URL-safe (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores of a token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token as we issue them: exactly 43 URL-safe characters (anything else is refused unread). */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The CSRF token of a session. */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('churnguard diary csrf').digest('base64url');
}

export function isValidCsrf(sessionToken: string, presented: unknown): boolean {
  return typeof presented === 'string' && safeEqual(presented, csrfToken(sessionToken));
}

/** The sign-in link of a token. */
export function signInUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/diary/login?token=${encodeURIComponent(token)}`;
}
