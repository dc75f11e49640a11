/**
 * What a message in the bounce mailbox is: a bounce (RFC 3464 delivery status notification,
 * or the plain-text report of Postfix, Exim, Exchange, Gmail, Yandex, Mail.ru), an automatic
 * reply to ignore, or something a person has to look at. A bounce names our message by the
 * signed VERP address it was returned to (or quotes), or by our signed Message-ID in the
 * returned headers; the caller checks the latter against the recipient. A report naming several
 * of our messages (a forged or mass report) names none: it goes to Review.
 */
import { type ParsedMail, simpleParser } from 'mailparser';
import { type BounceKind, bounceKind, normaliseStatus } from '../domain/bounce-kind.js';
import { autoReplyReason } from './auto-reply.js';
import { detectLayout, dsnRecipients, quotedMessageIds, type TextLayout, textRecipient, textReply } from './bounce-text.js';
import { parseMailingMessageId } from './message-ids.js';
import { parseVerpAddress, type TrackingKeys, verifyUnsubscribeToken } from './tracking.js';

export type BounceFormat = 'rfc3464' | TextLayout;

export interface Bounce {
  type: 'bounce';
  kind: BounceKind;
  /** Enhanced status `5.1.1` (a basic reply code is turned into `5.0.0`), null if none was given. */
  status: string | null;
  diagnostic: string | null;
  /** The address that failed, as the report names it. */
  recipient: string | null;
  format: BounceFormat;
  /** From signed VERP addresses in the message (trusted); null when none, or several messages are named. */
  verpMessageId: number | null;
  /**
   * From our signed Message-IDs in the returned headers (to be checked against the recipient);
   * empty when none, or when several messages are quoted.
   */
  quotedMessageIds: number[];
  receivedAt: Date | null;
}

export type MailboxItem =
  | Bounce
  | { type: 'unsubscribe'; messageId: number }
  | { type: 'auto-reply'; reason: string }
  | { type: 'unparseable'; reason: string; subject: string | null };

export interface BounceReadOptions {
  trackingSecret: TrackingKeys;
  messageIdDomain: string;
  bounceDomain: string;
}

const BOUNCE_SUBJECT =
  /undeliver|delivery (?:status )?(?:notification|failure|has failed)|returned mail|returning message|failure notice|mail delivery failed|delivery failure|недостав|не доставлен|не может быть доставлен/i;
const VERP_ANYWHERE = /bounce\+\d{1,15}\.[0-9a-f]{16}@[A-Za-z0-9.-]+/gi;
const MAX_DIAGNOSTIC = 500;

function rawHeader(mail: ParsedMail, name: string): string | null {
  const line = mail.headerLines.find((h) => h.key === name);
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : null;
}

/** The one message our signed VERP addresses in the source name; null for none or several. */
function verpMessageId(source: string, secret: TrackingKeys): number | null {
  const ids = new Set<number>();
  for (const m of source.matchAll(VERP_ANYWHERE)) {
    const ok = parseVerpAddress(secret, m[0]);
    if (ok) ids.add(ok.messageId);
  }
  return ids.size === 1 ? (ids.values().next().value as number) : null;
}

/**
 * The mailto of List-Unsubscribe, `unsubscribe+<token>@<bounce domain>`, lands in this mailbox
 * too: a message sent to such an address with a valid token is an unsubscribe request.
 */
function unsubscribeRequest(mail: ParsedMail, secret: TrackingKeys): number | null {
  const re = /\bunsubscribe\+([0-9a-z]+-[A-Za-z0-9_-]+)@/g;
  for (const h of mail.headerLines) {
    if (!['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to'].includes(h.key)) continue;
    for (const m of h.line.matchAll(re)) {
      const ok = verifyUnsubscribeToken(secret, m[1] as string);
      if (ok) return ok.messageId;
    }
  }
  return null;
}

function fullText(mail: ParsedMail): string {
  const parts = [mail.text ?? ''];
  // Returned headers or message copies that mailparser keeps as attachments.
  for (const a of mail.attachments) if (/^(message|text)\//i.test(a.contentType)) parts.push(a.content.toString('utf8'));
  return parts.join('\n');
}

/** Classify one raw message of the bounce mailbox. Never throws on bad input: that is `unparseable`. */
export async function readMailboxItem(raw: Buffer | string, opts: BounceReadOptions): Promise<MailboxItem> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
  } catch (err) {
    return { type: 'unparseable', reason: `not a readable e-mail: ${(err as Error).message}`, subject: null };
  }
  const unsubscribe = unsubscribeRequest(mail, opts.trackingSecret);
  if (unsubscribe !== null) return { type: 'unsubscribe', messageId: unsubscribe };
  const source = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  const text = fullText(mail);
  const from = mail.from?.text ?? '';
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isDsn = type?.value === 'multipart/report' && type.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const dsn = dsnRecipients(text);
  const layout = detectLayout(from, text);
  const failedHeader = rawHeader(mail, 'x-failed-recipients');
  const bounceLike = isDsn || dsn.length > 0 || layout !== null || failedHeader !== null || BOUNCE_SUBJECT.test(mail.subject ?? '');
  if (!bounceLike) {
    const reason = autoReplyReason(mail);
    return reason
      ? { type: 'auto-reply', reason }
      : { type: 'unparseable', reason: 'neither a bounce nor an automatic reply', subject: mail.subject ?? null };
  }

  const block = dsn.find((d) => d.action === 'failed') ?? dsn.find((d) => d.action === 'delayed') ?? dsn[0];
  const reply = textReply(mail.text ?? text);
  const status = block?.status ?? reply.status;
  const diagnostic = block?.diagnostic ?? reply.diagnostic;
  const action = block?.action ?? null;
  const kind = bounceKind({ status, action, diagnostic: `${diagnostic ?? ''}\n${mail.text ?? ''}` });
  if (!kind) {
    if (action && action !== 'failed') return { type: 'auto-reply', reason: `delivery report: ${action}` };
    return { type: 'unparseable', reason: 'a bounce without a failure status', subject: mail.subject ?? null };
  }
  const ours = (a: string) =>
    /^bounce\+/i.test(a) || a.toLowerCase().endsWith(`@${opts.bounceDomain.toLowerCase()}`) || /mailer-daemon|postmaster/i.test(a);
  const recipient =
    block?.recipient ?? (failedHeader ? failedHeader.split(',')[0]?.trim() || null : null) ?? textRecipient(mail.text ?? text, ours);
  // The body only: the bounce's own Message-ID header is not a quote.
  const body = source.slice(Math.max(0, source.search(/\r?\n\r?\n/)));
  const headerIds = quotedMessageIds(`${text}\n${body}`)
    .map((id) => parseMailingMessageId(opts.trackingSecret, id, opts.messageIdDomain))
    .filter((id): id is number => id !== null);
  const quoted = [...new Set(headerIds)];
  return {
    type: 'bounce',
    kind,
    status: normaliseStatus(status),
    diagnostic: diagnostic ? diagnostic.slice(0, MAX_DIAGNOSTIC) : null,
    recipient: recipient?.toLowerCase() ?? null,
    format: isDsn || block ? 'rfc3464' : (layout ?? 'text'),
    verpMessageId: verpMessageId(source, opts.trackingSecret),
    // Several of our messages quoted in one report: it cannot be about one address of ours.
    quotedMessageIds: quoted.length === 1 ? quoted : [],
    receivedAt: mail.date ?? null,
  };
}
