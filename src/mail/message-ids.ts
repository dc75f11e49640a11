/**
 * The Message-ID of a mailing's e-mail carries the message's id and a signature of it, so a
 * bounce that quotes the original headers but lost the VERP envelope (Exchange answers the
 * From address) still names its message — and only a Message-ID we wrote does:
 * `<message-<id>.<sig>@<messageIdDomain>>` (sig: 16 hex digits, src/mail/tracking.ts).
 */
import { messageIdSignature, type TrackingKeys, verifyMessageIdSignature } from './tracking.js';

export function mailingMessageId(secret: TrackingKeys, messageId: number, domain: string): string {
  return `<message-${messageId}.${messageIdSignature(secret, messageId)}@${domain}>`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The message id in one of our signed Message-IDs (`<message-42.<sig>@ric502.example>`), else null. */
export function parseMailingMessageId(secret: TrackingKeys, value: string, domain: string): number | null {
  const re = new RegExp(`^<?message-([1-9]\\d{0,14})\\.([0-9a-f]{16})@${escapeRegExp(domain)}>?$`, 'i');
  const m = re.exec(value.trim());
  if (!m) return null;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id) || !verifyMessageIdSignature(secret, id, m[2] as string)) return null;
  return id;
}
