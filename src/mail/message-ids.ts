/**
 * The Message-ID of a mailing's e-mail carries the message's id, so a bounce that quotes the
 * original headers but lost the VERP envelope (Exchange answers the From address) still
 * names its message: `<message-<id>@<messageIdDomain>>`. It is not signed, so a match by
 * Message-ID is accepted only when the bounced recipient is the message's own address.
 */

export function mailingMessageId(messageId: number, domain: string): string {
  return `<message-${messageId}@${domain}>`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The message id in one of our Message-IDs (`<message-42@ric502.example>`, also `message-42.x@…`), else null. */
export function parseMailingMessageId(value: string, domain: string): number | null {
  const re = new RegExp(`^<?message-(\\d{1,15})(?:[.-][\\w.-]*)?@${escapeRegExp(domain)}>?$`, 'i');
  const m = re.exec(value.trim());
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
