/**
 * «Сотрудники»: ФИО · Подразделение · Роль · [Email] · [Телефон] · [Руководитель подразделения] ·
 * [Активен] («нет» deactivates: the employee's diary sign-in link and sessions end at once) ·
 * [Норма звонков в день] (the person's own daily capacity, as `admin employee capacity` sets it;
 * a blank cell leaves the stored value as it is).
 */
import { applyEmployees } from '../../db/employees.js';
import type { ColumnSpec } from '../columns.js';
import { type ImportKind, onceEach, stageColumns, tableRows } from '../kind.js';
import { nameKey } from '../people.js';
import { CellError, clean, optText, parseEmail, parseYesNo, personName } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'name', ru: 'ФИО', en: 'name', aliases: ['Сотрудник', 'Сотрудник (упр)'] },
  { key: 'department', ru: 'Подразделение', en: 'department' },
  { key: 'role', ru: 'Роль', en: 'role' },
  { key: 'email', ru: 'Email', en: 'e-mail', optional: true, aliases: ['E-mail', 'Электронная почта'] },
  { key: 'phone', ru: 'Телефон', en: 'phone', optional: true },
  { key: 'head', ru: 'Руководитель подразделения', en: 'head of department', optional: true },
  { key: 'active', ru: 'Активен', en: 'active', optional: true, aliases: ['Работает', 'Действующий'] },
  { key: 'capacity', ru: 'Норма звонков в день', en: 'daily capacity', optional: true, aliases: ['Норма контактов в день'] },
];

/** The most contacts per day a person's own norm may say (as `employee capacity` and the column's check). */
export const MAX_DAILY_CAPACITY = 1000;

/** «Норма звонков в день»: a whole number of contacts per working day, 0–1000. */
export function parseCapacity(raw: string): number {
  const s = clean(raw);
  const n = /^\d{1,4}(?:,0+)?$/.test(s) ? Number(s.replace(/,0+$/, '')) : Number.NaN;
  if (!Number.isInteger(n) || n > MAX_DAILY_CAPACITY)
    throw new CellError(`«${s}» — не норма звонков в день (ожидалось целое число от 0 до ${MAX_DAILY_CAPACITY}, например 20, или пусто)`);
  return n;
}

const ROLES: Record<string, 'remote' | 'field' | 'head'> = {
  дис: 'remote',
  'специалист дистанционного контакта': 'remote',
  remote: 'remote',
  тс: 'field',
  сиу: 'field',
  сио: 'field',
  смо: 'field',
  'специалист традиционного сопровождения': 'field',
  field: 'field',
  руководитель: 'head',
  'руководитель группы': 'head',
  'рг дис': 'head',
  head: 'head',
};

export function parseRole(raw: string): 'remote' | 'field' | 'head' {
  const role = ROLES[clean(raw).toLowerCase().replace(/\s+/g, ' ')];
  if (!role) throw new CellError(`«${clean(raw)}» — не роль (ожидалось ДИС, ТС или руководитель)`);
  return role;
}

export const employeesKind: ImportKind = {
  kind: 'employees',
  title: 'Сотрудники',
  stage: stageColumns('name text, department text, role text, is_head boolean, email text, phone text, active boolean, capacity int'),
  *parse(rows, ctx) {
    const once = onceEach<string>();
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const name = r.get('name', personName, true);
      const department = optText(r.raw('department'));
      const role = r.get('role', parseRole, true);
      const email = r.get('email', parseEmail) ?? null;
      const head = r.get('head', parseYesNo);
      const active = r.get('active', parseYesNo);
      // A blank cell: the stored norm (or the role's) stays.
      const capacity = r.get('capacity', parseCapacity) ?? null;
      if (name) once(r, 'name', nameKey(name), `сотрудник «${name}»`, 'каждый сотрудник один раз');
      return [name, department, role, head ?? role === 'head', email, optText(r.raw('phone')), active ?? true, capacity];
    });
  },
  apply: applyEmployees,
};
