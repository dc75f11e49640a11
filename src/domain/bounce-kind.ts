/**
 * What a returned message means for the address, from its status code (RFC 3463 enhanced
 * code `class.subject.detail`, or the basic SMTP reply code) and the diagnostic text:
 * - `hard`: 5.x.x — the address does not work (user unknown, domain gone …);
 * - `soft`: 4.x.x, and a full mailbox whatever its class (x.2.2) — the address works, this
 *   message did not get through; several in a row suppress the address;
 * - `policy`: 5.7.x — the receiver refused the message by its policy (spam filter, relay
 *   rules): not the address's fault, so it neither suppresses nor counts towards suppression —
 *   except when the text says the user does not exist (Yandex answers "550 5.7.1 No such user!");
 * - `delayed`: a warning that delivery is still being tried.
 */

export type BounceKind = 'hard' | 'soft' | 'policy' | 'delayed';

const MAILBOX_FULL =
  /mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:the )?(?:storage|quota)|insufficient (?:system )?storage|переполнен|превышен[а-я]* (?:квот|объ[её]м|лимит)/i;
const NO_SUCH_USER =
  /user unknown|unknown user|no such (?:user|mailbox|recipient)|does ?n[o']t exist|(?:user|recipient|mailbox|address) not found|recipnotfound|invalid (?:mailbox|recipient)|mailbox unavailable|account (?:is )?disabled|не существует|нет такого (?:пользователя|адреса|ящика)/i;

/** RFC 3463 enhanced status code found in a text, e.g. `5.1.1`. */
export const ENHANCED_STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

export interface BounceFacts {
  /** Enhanced status (`5.1.1`) or basic SMTP code (`550`); null when none was found. */
  status: string | null;
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded. */
  action?: string | null;
  diagnostic?: string | null;
}

/** Turn a basic SMTP code into the class of an enhanced one: `550` → `5.0.0`. */
export function normaliseStatus(status: string | null): string | null {
  if (!status) return null;
  const enhanced = ENHANCED_STATUS.exec(status);
  if (enhanced) return `${enhanced[1]}.${Number(enhanced[2])}.${Number(enhanced[3])}`;
  const basic = /\b([245])\d\d\b/.exec(status);
  return basic ? `${basic[1]}.0.0` : null;
}

/** The kind of a failure report, or null when it reports no failure (delivered, relayed). */
export function bounceKind(f: BounceFacts): BounceKind | null {
  const action = f.action?.trim().toLowerCase() ?? null;
  if (action === 'delayed') return 'delayed';
  if (action && action !== 'failed') return null;
  const text = f.diagnostic ?? '';
  const status = normaliseStatus(f.status);
  if (MAILBOX_FULL.test(text) || (status && /^[45]\.2\.2$/.test(status))) return 'soft';
  if (!status) return NO_SUCH_USER.test(text) ? 'hard' : null;
  if (status.startsWith('2')) return null;
  if (status.startsWith('4')) return 'soft';
  if (status.startsWith('5.7.')) return NO_SUCH_USER.test(text) ? 'hard' : 'policy';
  return 'hard';
}
