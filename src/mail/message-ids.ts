/**
 * The Message-ID of a mailing's e-mail carries the message's id and a signature of it, so a
 * bounce that quotes the original headers but lost the VERP envelope (Exchange answers the
 * From address) still names its message — and only a Message-ID we wrote does:
 * `<message-<id>.<sig>@<messageIdDomain>>` (sig: 16 hex digits, src/mail/tracking.ts).
 *
 * A notification (alert, digest, escalation, reminder, summary) has the same form,
 * `<notification-<id>.<sig>@<messageIdDomain>>`, signed for its own purpose. The dot between id
 * and signature matters beyond the signature: SpamAssassin's MSGID_RANDY (2.2 points) scores a
 * local part of 12–31 letters, digits and hyphens before a short domain with digits, which
 * `notification-3@ric502.example` was; a dot in the local part never matches it.
 */
import { messageIdSignature, notificationIdSignature, type TrackingKeys, verifyMessageIdSignature } from './tracking.js';

export function mailingMessageId(secret: TrackingKeys, messageId: number, domain: string): string {
  return `<message-${messageId}.${messageIdSignature(secret, messageId)}@${domain}>`;
}

/** The Message-ID of an outbox notification: `<notification-<id>.<sig>@<domain>>`. */
export function notificationMessageId(secret: TrackingKeys, notificationId: number, domain: string): string {
  return `<notification-${notificationId}.${notificationIdSignature(secret, notificationId)}@${domain}>`;
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
