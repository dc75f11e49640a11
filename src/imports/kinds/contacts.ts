/**
 * «Контактные лица»: Номер клиента · ФИО · [Должность] · [Тип должности] · [ЛПР] · [ЛВПР] ·
 * [Ключевой пользователь] · [Пользователь системы] · [Email] · [Телефон] ·
 * [Согласие на рассылку] · [Частота контакта, мес] · [Интересы] · [Пол]. The frequency is months or the
 * CRM's words («2 р в месяц», «раз в 2 недели»). A snapshot of the listed
 * clients' contacts; an empty Да/Нет cell is Нет, an absent Да/Нет column is unknown (with a
 * warning). A bad e-mail, phone, position type, problem area or frequency is a warning: the
 * person is imported, the value kept as given and flagged.
 */
import { applyContacts } from '../../db/contacts.js';
import { problemAreaOf } from '../../domain/audiences.js';
import { type ContactFrequency, ContactFrequencyError, parseContactFrequency } from '../../domain/contact-frequency.js';
import { checkEmail } from '../../domain/email-address.js';
import { parseGender } from '../../domain/gender.js';
import type { ColumnSpec } from '../columns.js';
import { clientId, type ImportKind, onceEach, stageColumns, tableRows } from '../kind.js';
import { nameKey } from '../people.js';
import { CellError, clean, optText, parseClientRef, parseList, parsePhone, parseYesNo, personName } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'number', ru: 'Номер клиента', en: 'number', aliases: ['Клиент', 'client number'] },
  { key: 'name', ru: 'ФИО', en: 'name', aliases: ['Контактное лицо', 'full name'] },
  { key: 'position', ru: 'Должность', en: 'position', optional: true, aliases: ['Должность КЛ', 'Должность конт. лица'] },
  { key: 'positionType', ru: 'Тип должности', en: 'position type', optional: true, aliases: ['Тип должности КЛ'] },
  { key: 'lpr', ru: 'ЛПР', en: 'decision maker', optional: true, affects: 'ежемесячное письмо ЛПР и сигналы' },
  { key: 'lvpr', ru: 'ЛВПР', en: 'influencer', optional: true, affects: 'ежемесячное письмо и сигналы' },
  { key: 'keyUser', ru: 'Ключевой пользователь', en: 'key user', optional: true, affects: 'сигналы о ключевых пользователях' },
  {
    key: 'systemUser',
    ru: 'Пользователь системы',
    en: 'system user',
    optional: true,
    affects: 'норма обучения (показатель «Обучение» — н/д) и выбор варианта письма',
  },
  { key: 'email', ru: 'Email', en: 'e-mail', optional: true, aliases: ['E-mail', 'Электронная почта'] },
  { key: 'phone', ru: 'Телефон', en: 'phone', optional: true },
  {
    key: 'consent',
    ru: 'Согласие на рассылку',
    en: 'consent',
    optional: true,
    affects: 'ежемесячное письмо (согласие неизвестно — письма нет)',
  },
  { key: 'frequency', ru: 'Частота контакта, мес', en: 'contact frequency', optional: true, aliases: ['Частота контакта'] },
  { key: 'interests', ru: 'Интересы', en: 'problem areas', optional: true, aliases: ['interests', 'Проблемные зоны'] },
  { key: 'gender', ru: 'Пол', en: 'gender', optional: true },
];

const POSITION_TYPES: Record<string, string> = {
  руководитель: 'manager',
  бухгалтер: 'accountant',
  юрист: 'lawyer',
  кадровик: 'hr',
  экономист: 'economist',
  'специалист по охране труда': 'labor_safety',
  другое: 'other',
};
const CODES = new Set(Object.values(POSITION_TYPES));

export function parsePositionType(raw: string): string {
  const s = clean(raw).toLowerCase().replace(/\s+/g, ' ');
  const v = POSITION_TYPES[s] ?? (CODES.has(s) ? s : undefined);
  if (!v) throw new CellError(`«${clean(raw)}» — не тип должности (ожидалось: ${Object.keys(POSITION_TYPES).join(', ')})`);
  return v;
}

/** The type a position implies when the export leaves the type empty. */
export function positionTypeOf(position: string | null): string | null {
  if (!position) return null;
  const p = position.toLowerCase();
  if (/охран\S* труда/.test(p)) return 'labor_safety';
  if (/бухгалтер/.test(p)) return 'accountant';
  if (/юрист|юрисконсульт/.test(p)) return 'lawyer';
  if (/кадр|персонал/.test(p)) return 'hr';
  if (/эконом|планово/.test(p)) return 'economist';
  if (/директор|руководител|начальник|заведующ|глава|председател/.test(p)) return 'manager';
  return 'other';
}

/** Known problem areas: a code or a Russian word (domain/audiences.ts). */
function parseAreas(raw: string): string[] {
  const list = parseList(raw);
  const unknown = list.filter((a) => problemAreaOf(a) === null);
  if (unknown.length)
    throw new CellError(
      `${unknown.map((a) => `«${a}»`).join(', ')} — ${unknown.length === 1 ? 'не проблемная зона' : 'не проблемные зоны'} (ожидалось, например, проверки, контрагенты, торги и суды, лицензии, вид деятельности)`,
    );
  return list;
}

/** Months, or the CRM's words («2 р в месяц» → every 15 days): src/domain/contact-frequency.ts. */
function frequency(raw: string): ContactFrequency {
  try {
    return parseContactFrequency(clean(raw));
  } catch (err) {
    if (err instanceof ContactFrequencyError) throw new CellError(err.message);
    throw err;
  }
}

/** «Пол»: «М» / «Ж» (or «муж.», «женский»); empty is unknown. */
function genderCell(raw: string): string | null {
  const s = clean(raw);
  if (!s) return null;
  const g = parseGender(s);
  if (!g) throw new CellError(`«${s}» не распознан как пол (ожидалось «М» или «Ж»)`);
  return g;
}

export const contactsKind: ImportKind = {
  kind: 'contacts',
  title: 'Контактные лица',
  stage: stageColumns(
    'client_id bigint, full_name text, position text, position_type text, is_lpr boolean, is_lvpr boolean, is_key_user boolean, is_system_user boolean, email text, phone text, consent boolean, frequency integer, interval_days integer, problem_areas text[], email_problem text, invalid_values jsonb, gender text',
  ),
  *parse(rows, ctx) {
    const once = onceEach<string>();
    yield* tableRows(rows, COLUMNS, ctx, (r, header) => {
      const ref = r.get('number', parseClientRef, true);
      const client = clientId(r, 'number', ctx, ref?.number);
      const name = r.get('name', personName, true);
      const position = optText(r.raw('position'));
      // Absent column: unknown (NULL), never a guessed «Нет»; present and empty: Нет.
      const flag = (key: string) => (header.has(key) ? (r.get(key, parseYesNo) ?? false) : null);
      if (client !== undefined && name)
        once(r, 'name', `${client}|${nameKey(name)}`, `«${name}» клиента ${ref?.number}`, 'каждое лицо один раз');
      // Data-quality checks: a bad value warns, is kept as given and flagged; the row is imported.
      const invalid: Record<string, string> = {};
      const soft = <T>(key: string, parse: (raw: string) => T): T | undefined => {
        const { value, bad } = r.check(key, parse);
        if (bad !== undefined) invalid[header.title(key)] = bad;
        return value;
      };
      const emailRaw = optText(r.raw('email'));
      const emailCheck = emailRaw === null ? null : checkEmail(emailRaw);
      if (emailCheck && !emailCheck.ok)
        r.warn(
          'email',
          `Email: «${emailRaw}» — не адрес e-mail: ${emailCheck.reason}; загружен с отметкой (ожидалось, например, name@example.ru)`,
        );
      const positionType = soft('positionType', parsePositionType);
      const phone = optText(r.raw('phone'));
      if (phone !== null) soft('phone', parsePhone);
      const areas = soft('interests', parseAreas);
      const freq = soft('frequency', frequency);
      const gender = soft('gender', genderCell);
      return [
        client,
        name,
        position,
        positionType ?? positionTypeOf(position),
        flag('lpr'),
        flag('lvpr'),
        flag('keyUser'),
        flag('systemUser'),
        emailRaw,
        phone,
        flag('consent'),
        freq?.months ?? null,
        freq?.days ?? null,
        areas ?? (header.has('interests') ? parseList(r.raw('interests')) : []),
        emailCheck && !emailCheck.ok ? emailCheck.reason : null,
        JSON.stringify(invalid),
        gender ?? null,
      ];
    });
  },
  apply: applyContacts,
};
