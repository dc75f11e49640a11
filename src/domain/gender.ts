/**
 * A person's grammatical gender for the desk's sentences («ушёл» / «ушла»): from the CRM's
 * «Пол» when the export has it, else from the patronymic of «Фамилия Имя Отчество»
 * (-вич, -ич, оглы / -вна, -чна, кызы). Unknown when neither tells; the text then takes a
 * wording without a gendered verb.
 */
export type Gender = 'm' | 'f';

const MALE = /(?:вич|ьич|лич|ич|оглы|улы|уулу)$/;
const FEMALE = /(?:вна|чна|шна|кызы|гызы|қызы)$/;

/** The gender a full name's patronymic gives, or null (no patronymic, a foreign name). */
export function genderOfPatronymic(fullName: string): Gender | null {
  const words = fullName.trim().toLowerCase().split(/\s+/);
  if (words.length < 3) return null;
  // «Оглы» / «кызы» may follow the patronymic as a word of their own.
  const last = words[words.length - 1] as string;
  if (last === 'оглы' || last === 'улы') return 'm';
  if (last === 'кызы' || last === 'гызы') return 'f';
  const patronymic = words[2] as string;
  if (FEMALE.test(patronymic)) return 'f';
  if (MALE.test(patronymic)) return 'm';
  return null;
}

/** The CRM's «Пол» («М», «Ж», «муж.», «женский» …), or null when it says nothing usable. */
export function parseGender(raw: string | null | undefined): Gender | null {
  const s = (raw ?? '').trim().toLowerCase().replace(/\.$/, '');
  if (/^(м|муж|мужской|male|m)$/.test(s)) return 'm';
  if (/^(ж|жен|женский|female|f)$/.test(s)) return 'f';
  return null;
}

/** The CRM's «Пол» first, then the patronymic. */
export function genderOf(fullName: string, crmGender?: Gender | null): Gender | null {
  return crmGender ?? genderOfPatronymic(fullName);
}
