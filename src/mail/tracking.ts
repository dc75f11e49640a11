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

/**
 * The tracking keys (TRACKING_SECRET, see src/config.ts): the first signs, every one verifies,
 * so a key can be rotated without breaking the links already sent. A single string is one key.
 */
export type TrackingKeys = string | readonly string[];

function keyList(keys: TrackingKeys): readonly string[] {
  return typeof keys === 'string' ? [keys] : keys;
}

/** How a kind of token writes its signature: base64url of 12 bytes (links), or hex of 8 (VERP). */
interface SigFormat {
  bytes: number;
  encoding: 'base64url' | 'hex';
}

/** 12 bytes of HMAC (96 bits): far beyond guessing, short enough for links (16 base64url characters). */
const LINK_SIG: SigFormat = { bytes: 12, encoding: 'base64url' };
/** 8 bytes in lower-case hex: mail systems may fold the case of a local part. */
const VERP_SIG: SigFormat = { bytes: 8, encoding: 'hex' };

function mac(secret: string, purpose: string, payload: string, f: SigFormat): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest().subarray(0, f.bytes);
}

/** The signature of a payload with the signing (first) key; the caller encodes it (`toString(f.encoding)`). */
export function sign(keys: TrackingKeys, purpose: string, payload: string, f: SigFormat = LINK_SIG): Buffer {
  const [first] = keyList(keys);
  if (first === undefined) throw new Error('no tracking key');
  return mac(first, purpose, payload, f);
}

/**
 * The one check of every token kind: the signature must be in its canonical form — exactly
 * the expected length, and decoding then re-encoding gives the same text (base64url decoding
 * ignores trailing bits and stray characters; hex decoding stops at the first bad pair) —
 * and equal, in constant time, to the HMAC under one of the keys. Every key is tried, so the
 * time does not tell which one matched.
 */
export function verify(keys: TrackingKeys, purpose: string, payload: string, sig: string, f: SigFormat = LINK_SIG): boolean {
  const given = Buffer.from(sig, f.encoding);
  if (given.length !== f.bytes || given.toString(f.encoding) !== sig) return false;
  let ok = false;
  for (const key of keyList(keys)) ok = timingSafeEqual(given, mac(key, purpose, payload, f)) || ok;
  return ok;
}

const ID = /^[0-9a-z]{1,12}$/;

/** A base-36 id in its canonical form only (no leading zeros). */
function parseId(s: string | undefined): number | null {
  if (!s || !ID.test(s)) return null;
  const n = Number.parseInt(s, 36);
  return Number.isSafeInteger(n) && n > 0 && n.toString(36) === s ? n : null;
}

/** `<messageId36>-<linkId36>-<sig>` — only [0-9a-z_-], safe in a path. */
export function clickToken(secret: TrackingKeys, messageId: number, linkId: number): string {
  const payload = `${messageId.toString(36)}-${linkId.toString(36)}`;
  return `${payload}-${sign(secret, 'c', payload).toString('base64url')}`;
}

export function verifyClickToken(secret: TrackingKeys, token: string): { messageId: number; linkId: number } | null {
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

export function unsubscribeToken(secret: TrackingKeys, messageId: number): string {
  const payload = messageId.toString(36);
  return `${payload}-${sign(secret, 'u', payload).toString('base64url')}`;
}

export function verifyUnsubscribeToken(secret: TrackingKeys, token: string): { messageId: number } | null {
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
export function ackToken(secret: TrackingKeys, signalId: number, expiresAt: Date): string {
  const payload = `${signalId.toString(36)}-${Math.ceil(expiresAt.getTime() / 86_400_000).toString(36)}`;
  return `${payload}-${sign(secret, 'a', payload).toString('base64url')}`;
}

export function verifyAckToken(secret: TrackingKeys, token: string, at: Date): { signalId: number } | null {
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
 * may fold the case of a local part, so an upper-case copy is folded back before the check)
 * and shorter (8 bytes) to keep the address readable.
 */
export function verpAddress(secret: TrackingKeys, messageId: number, domain: string): string {
  const id = String(messageId);
  return `bounce+${id}.${sign(secret, 'v', id, VERP_SIG).toString('hex')}@${domain}`;
}

export function parseVerpAddress(secret: TrackingKeys, address: string): { messageId: number } | null {
  const m = /^bounce\+([1-9]\d{0,14})\.([0-9a-f]{16})@[A-Za-z0-9.-]+$/i.exec(address.replace(/^<([^<>]*)>$/, '$1'));
  if (!m) return null;
  const id = m[1] as string;
  if (!verify(secret, 'v', id, (m[2] as string).toLowerCase(), VERP_SIG)) return null;
  const messageId = Number(id);
  return Number.isSafeInteger(messageId) ? { messageId } : null;
}

/**
 * The signed part of our Message-IDs (src/mail/message-ids.ts): `message-<id>.<sig>@…`, so a
 * bounce quoting one names our message only when we wrote it.
 */
export function messageIdSignature(secret: TrackingKeys, messageId: number): string {
  return sign(secret, 'm', String(messageId), VERP_SIG).toString('hex');
}

export function verifyMessageIdSignature(secret: TrackingKeys, messageId: number, sig: string): boolean {
  return verify(secret, 'm', String(messageId), sig.toLowerCase(), VERP_SIG);
}

/** The signed part of a notification's Message-ID (`notification-<id>.<sig>@…`); its own purpose, so it never names a mailing message. */
export function notificationIdSignature(secret: TrackingKeys, notificationId: number): string {
  return sign(secret, 'n', String(notificationId), VERP_SIG).toString('hex');
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
