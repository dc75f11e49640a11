/**
 * Reading the text of a returned message: the per-recipient fields of an RFC 3464 delivery
 * status report, and the human-readable layouts of the servers that send no such report
 * (or a poor one): Postfix, Exim, Exchange, Gmail, Yandex, Mail.ru.
 */
import { ENHANCED_STATUS } from '../domain/bounce-kind.js';

/** One recipient block of a delivery-status report. */
export interface DsnRecipient {
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
}

/** Fields of one paragraph (`Name: value` lines, continuation lines folded in). */
function paragraphFields(paragraph: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of paragraph.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$/.exec(line);
    if (m) {
      last = (m[1] as string).toLowerCase();
      fields.set(last, (m[2] as string).trim());
    } else if (last && /^\s+\S/.test(line)) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
    } else last = null;
  }
  return fields;
}

/** `rfc822; user@host` → `user@host`. */
function addressOf(typed: string | undefined): string | null {
  if (!typed) return null;
  const v = typed.includes(';') ? typed.slice(typed.indexOf(';') + 1) : typed;
  const a = v.trim().replace(/^<|>$/g, '');
  return a.includes('@') ? a : null;
}

/** The recipient blocks of a delivery-status report found anywhere in `text`. */
export function dsnRecipients(text: string): DsnRecipient[] {
  const out: DsnRecipient[] = [];
  for (const p of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const f = paragraphFields(p);
    if (!f.has('action') || !(f.has('final-recipient') || f.has('status'))) continue;
    const diag = f.get('diagnostic-code') ?? null;
    out.push({
      recipient: addressOf(f.get('final-recipient')) ?? addressOf(f.get('original-recipient')),
      action: f.get('action')?.toLowerCase() ?? null,
      status: f.get('status') ?? null,
      diagnostic: diag ? diag.replace(/^[a-z-]+;\s*/i, '') : null,
    });
  }
  return out;
}

export type TextLayout = 'postfix' | 'exim' | 'exchange' | 'gmail' | 'yandex' | 'mailru' | 'text';

/** Which server wrote this bounce, by its sender and its wording (service first: they run Postfix or Exim). */
export function detectLayout(from: string, text: string): TextLayout | null {
  const f = from.toLowerCase();
  if (/yandex\.(ru|net|com)/.test(f) || /почтов(ой|ая) систем(ой|а) Яндекса|Яндекс Почты/i.test(text)) return 'yandex';
  if (/@([\w-]+\.)*(mail\.ru|bk\.ru|inbox\.ru|list\.ru)\b/.test(f)) return 'mailru';
  if (/googlemail\.com|google\.com/.test(f) || /\*\* Address not found \*\*|Your message wasn't delivered/i.test(text)) return 'gmail';
  if (/Delivery has failed to these recipients|Remote Server returned|Diagnostic information for administrators/i.test(text))
    return 'exchange';
  if (/This message was created automatically by mail delivery software/i.test(text)) return 'exim';
  if (/This is the mail system at host/i.test(text)) return 'postfix';
  if (/mailer-daemon|postmaster|mail delivery/i.test(f)) return 'text';
  return null;
}

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

/** The failed recipient a text bounce names: `<addr>: host …` (Postfix), an indented address (Exim), the first address of the report. */
export function textRecipient(text: string, skip: (address: string) => boolean): string | null {
  const candidates: string[] = [];
  const postfix = /^<([^>\s]+@[^>\s]+)>:/m.exec(text);
  if (postfix) candidates.push(postfix[1] as string);
  const exim = /failed:\s*\n\s*\n?\s+(\S+@\S+)\s*$/im.exec(text);
  if (exim) candidates.push(exim[1] as string);
  const gmail = /wasn't delivered to (\S+@\S+?)\s+because/i.exec(text);
  if (gmail) candidates.push(gmail[1] as string);
  for (const m of text.matchAll(new RegExp(EMAIL, 'g'))) candidates.push(m[0]);
  for (const c of candidates) {
    const a = c.replace(/^<|>$|[.,;:]+$/g, '');
    if (EMAIL.test(a) && !skip(a)) return a;
  }
  return null;
}

/**
 * The SMTP reply a text bounce quotes: prefer a line with a basic code followed by an enhanced
 * one (`550 5.1.1 …`, `said: 550 5.7.1 No such user!`), then any enhanced code, then a bare
 * `5xx`/`4xx` reply. The diagnostic is that line and its continuation.
 */
export function textReply(text: string): { status: string | null; diagnostic: string | null } {
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
  const lines = unfolded.split('\n');
  const pick = (re: RegExp) => lines.find((l) => re.test(l));
  const both = pick(/\b[45]\d\d[ -]+[45]\.\d{1,3}\.\d{1,3}\b/);
  if (both) return { status: ENHANCED_STATUS.exec(both)?.[0] ?? null, diagnostic: both.trim() };
  const enhanced = pick(ENHANCED_STATUS);
  if (enhanced) return { status: ENHANCED_STATUS.exec(enhanced)?.[0] ?? null, diagnostic: enhanced.trim() };
  const basic = lines.find((l) => /(?:^|[\s:'])([45]\d\d)[ -][A-Za-z]/.test(l));
  if (basic) return { status: /(?:^|[\s:'])([45]\d\d)[ -][A-Za-z]/.exec(basic)?.[1] ?? null, diagnostic: basic.trim() };
  return { status: null, diagnostic: null };
}

/** Message-IDs quoted in the returned headers or message copy (the bounce's own header excluded by the caller). */
export function quotedMessageIds(body: string): string[] {
  return [...body.matchAll(/^[ \t]*Message-ID:[ \t]*(<[^>\s]+>)/gim)].map((m) => m[1] as string);
}
