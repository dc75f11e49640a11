/**
 * «Сотрудники»: ФИО · Подразделение · Роль · [Email] · [Телефон] · [Руководитель подразделения] ·
 * [Активен] («нет» deactivates: the employee's diary sign-in link and sessions end at once).
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
];

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
  stage: stageColumns('name text, department text, role text, is_head boolean, email text, phone text, active boolean'),
  *parse(rows, ctx) {
    const once = onceEach<string>();
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const name = r.get('name', personName, true);
      const department = optText(r.raw('department'));
      const role = r.get('role', parseRole, true);
      const email = r.get('email', parseEmail) ?? null;
      const head = r.get('head', parseYesNo);
      const active = r.get('active', parseYesNo);
      if (name) once(r, 'name', nameKey(name), `сотрудник «${name}»`, 'каждый сотрудник один раз');
      return [name, department, role, head ?? role === 'head', email, optText(r.raw('phone')), active ?? true];
    });
  },
  apply: applyEmployees,
};
