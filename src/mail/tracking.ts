/**
 * Signed tokens for everything an e-mail carries back to us, HMAC-SHA256 with
 * `TRACKING_SECRET`, compared in constant time, URL-safe, no query string:
 * - click: `/c/<token>` names a message and a stored link;
 * - unsubscribe: `/u/<token>` (and the mailto in List-Unsubscribe) names a message;
 * - VERP envelope sender `bounce+<messageId>.<sig>@<bounce-domain>` names a message;
 * - signal acknowledgement: `/a/<token>` names a signal and the day the link expires.
 * A token names ids only; the URL a click goes to is always the stored one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 12 bytes of HMAC (96 bits): far beyond guessing, short enough for links. */
const SIG_BYTES = 12;

function sign(secret: string, purpose: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest().subarray(0, SIG_BYTES);
}

function verify(secret: string, purpose: string, payload: string, sig: string): boolean {
  const given = Buffer.from(sig, 'base64url');
  const expected = sign(secret, purpose, payload);
  // Compare lengths without a shortcut on content; timingSafeEqual needs equal lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const ID = /^[0-9a-z]{1,12}$/;

function parseId(s: string | undefined): number | null {
  if (!s || !ID.test(s)) return null;
  const n = Number.parseInt(s, 36);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** `<messageId36>-<linkId36>-<sig>` — only [0-9a-z_-], safe in a path. */
export function clickToken(secret: string, messageId: number, linkId: number): string {
  const payload = `${messageId.toString(36)}-${linkId.toString(36)}`;
  return `${payload}-${sign(secret, 'c', payload).toString('base64url')}`;
}

export function verifyClickToken(secret: string, token: string): { messageId: number; linkId: number } | null {
  const parts = token.split('-');
  // base64url may itself contain '-': the signature is everything after the second dash.
  if (parts.length < 3) return null;
  const [m, l] = parts as [string, string];
  const sig = parts.slice(2).join('-');
  const payload = `${m}-${l}`;
  const messageId = parseId(m);
  const linkId = parseId(l);
  if (messageId === null || linkId === null || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  return verify(secret, 'c', payload, sig) ? { messageId, linkId } : null;
}

export function unsubscribeToken(secret: string, messageId: number): string {
  const payload = messageId.toString(36);
  return `${payload}-${sign(secret, 'u', payload).toString('base64url')}`;
}

export function verifyUnsubscribeToken(secret: string, token: string): { messageId: number } | null {
  const i = token.indexOf('-');
  if (i <= 0) return null;
  const payload = token.slice(0, i);
  const sig = token.slice(i + 1);
  const messageId = parseId(payload);
  if (messageId === null || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  return verify(secret, 'u', payload, sig) ? { messageId } : null;
}

/**
 * `<signalId36>-<expiresDay36>-<sig>`: the «Принято в работу» link of a signal alert. The
 * expiry (days since 1970-01-01, UTC) is signed with the id; an expired token does not verify.
 */
export function ackToken(secret: string, signalId: number, expiresAt: Date): string {
  const payload = `${signalId.toString(36)}-${Math.ceil(expiresAt.getTime() / 86_400_000).toString(36)}`;
  return `${payload}-${sign(secret, 'a', payload).toString('base64url')}`;
}

export function verifyAckToken(secret: string, token: string, at: Date): { signalId: number } | null {
  const parts = token.split('-');
  if (parts.length < 3) return null;
  const [s, e] = parts as [string, string];
  const sig = parts.slice(2).join('-');
  const signalId = parseId(s);
  const expiresDay = parseId(e);
  if (signalId === null || expiresDay === null || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  if (!verify(secret, 'a', `${s}-${e}`, sig)) return null;
  return at.getTime() < expiresDay * 86_400_000 ? { signalId } : null;
}

/**
 * VERP: `bounce+<messageId>.<sig>@<domain>`. The signature is lower-case hex (mail systems
 * may fold the case of a local part) and shorter (8 bytes) to keep the address readable.
 */
export function verpAddress(secret: string, messageId: number, domain: string): string {
  const id = String(messageId);
  const sig = createHmac('sha256', secret).update(`v:${id}`).digest().subarray(0, 8).toString('hex');
  return `bounce+${id}.${sig}@${domain}`;
}

export function parseVerpAddress(secret: string, address: string): { messageId: number } | null {
  const m = /^bounce\+(\d{1,15})\.([0-9a-f]{16})@/i.exec(address.trim().replace(/^<|>$/g, ''));
  if (!m) return null;
  const id = m[1] as string;
  const expected = createHmac('sha256', secret).update(`v:${id}`).digest().subarray(0, 8);
  const given = Buffer.from((m[2] as string).toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const messageId = Number(id);
  return Number.isSafeInteger(messageId) && messageId > 0 ? { messageId } : null;
}

/** The public URL of a tracked click. */
export function clickUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/c/${token}`;
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/u/${token}`;
}

export function ackUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/a/${token}`;
}
