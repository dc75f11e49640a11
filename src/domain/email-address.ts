/**
 * The one rule for whether an e-mail address can be written to, used by the contacts import,
 * the monthly selection, the alert and control e-mails and the sender.
 *
 * An address is a dot-atom local part at a domain of two or more labels. Internationalised
 * addresses are valid (RFC 6531/6532): the local part may hold any UTF-8 letter
 * (`директор@поплавский.рф`) and a label may be in Cyrillic. nodemailer sends a Cyrillic
 * domain in its punycode form; a non-ASCII local part needs a server that announces SMTPUTF8.
 */

// atext (RFC 5322) plus, per RFC 6532, any non-ASCII character that is not a space or control.
const ATOM =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ud7ff\ue000-\ufeff\uff00-\uffff-]+$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{2,59})$/iu;

export type EmailCheck = { ok: true } | { ok: false; reason: string };

/** Whether the address can be written to, and if not, why (Russian, as the desk reads it). */
export function checkEmail(address: string): EmailCheck {
  const no = (reason: string): EmailCheck => ({ ok: false, reason });
  if (address === '') return no('адрес пуст');
  if (/\s/u.test(address)) return no('в адресе пробел');
  const at = address.lastIndexOf('@');
  if (at < 0) return no('в адресе нет знака @');
  if (address.indexOf('@') !== at) return no('в адресе больше одного знака @');
  if (at === 0) return no('нет имени до знака @');
  if (at === address.length - 1) return no('нет домена после знака @');
  if (address.length > 254 || at > 64) return no('адрес слишком длинный');
  const local = address.slice(0, at);
  const atoms = local.split('.');
  if (!atoms.every((a) => ATOM.test(a))) return no('недопустимые знаки или точки в имени до знака @');
  const labels = address.slice(at + 1).split('.');
  if (labels.length < 2) return no('в домене нет точки (ожидается, например, name@example.ru)');
  if (!labels.every((l) => LABEL.test(l))) return no('недопустимые знаки или точки в домене');
  if (!TLD.test(labels[labels.length - 1] as string)) return no('домен верхнего уровня не из букв');
  return { ok: true };
}

export function isValidEmail(address: string): boolean {
  return checkEmail(address).ok;
}

/**
 * Whether sending to the address needs the SMTPUTF8 extension: a non-ASCII local part has no
 * ASCII form (a Cyrillic domain has one, punycode).
 */
export function needsSmtpUtf8(address: string): boolean {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  for (let i = 0; i < local.length; i++) if (local.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** The failure reason when the server does not announce SMTPUTF8 (shown in reports, status, tasks). */
export const NO_SMTPUTF8_REASON = 'сервер не принимает адреса на кириллице (SMTPUTF8)';
