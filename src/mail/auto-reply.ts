/**
 * Automatic replies (out of office, "I am on leave", read receipts) that reach the bounce
 * mailbox: they say nothing about the address and are put away unread. RFC 3834's
 * Auto-Submitted header first, then the headers common servers add, then the subject.
 */
import type { ParsedMail } from 'mailparser';

const SUBJECT =
  /^(?:(?:re|fw|fwd|ответ|отв)\s*:\s*)*(?:auto(?:matic)?[ -]?(?:reply|response|answer)|autoreply|auto:|out of (?:the )?office|абонент|автоответ|автоматический ответ|я в отпуске|нет на месте|вне офиса)/i;

function header(mail: ParsedMail, name: string): string | null {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

/** Why this is an automatic reply, or null if it does not look like one. */
export function autoReplyReason(mail: ParsedMail): string | null {
  const submitted = header(mail, 'auto-submitted');
  if (submitted && submitted.trim().toLowerCase() !== 'no') return `Auto-Submitted: ${submitted.trim()}`;
  for (const h of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) if (header(mail, h) !== null) return h;
  const precedence = header(mail, 'precedence')?.toLowerCase();
  if (precedence === 'auto_reply') return 'Precedence: auto_reply';
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value === 'multipart/report' && type.params?.['report-type']?.toLowerCase() === 'disposition-notification')
    return 'read receipt';
  if (SUBJECT.test(mail.subject?.trim() ?? '')) return 'subject';
  return null;
}
