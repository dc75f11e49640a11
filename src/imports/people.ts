/**
 * Finding an employee by the name a CRM export writes: `Лукина Е.И. (Специалист
 * дистанционного контакта)`, `Савостина К.А. (Специалист дистан...`, or the full
 * `Пленчук Татьяна Сергеевна`. The role in brackets is dropped; a full name also answers to
 * its `Фамилия И.О.` form unless two employees share that form.
 */
import { personName } from './values.js';

/** Lower case, ё → е, no spaces after the dots of initials. */
export function nameKey(raw: string): string {
  return personName(raw).toLowerCase().replace(/ё/g, 'е').replace(/\.\s+/g, '.').replace(/\s+/g, ' ');
}

/** `иванов иван иванович` → `иванов и.и.`; null when the name is not three words. */
function initialsKey(key: string): string | null {
  const parts = key.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.includes('.'))) return null;
  return `${parts[0]} ${parts[1]?.[0]}.${parts[2]?.[0]}.`;
}

const AMBIGUOUS = -1;

export class EmployeeIndex {
  private readonly byKey = new Map<string, number>();

  constructor(rows: readonly { id: number; name: string }[]) {
    for (const r of rows) this.byKey.set(nameKey(r.name), r.id);
    for (const r of rows) {
      const short = initialsKey(nameKey(r.name));
      if (!short || this.byKey.get(short) === r.id) continue;
      this.byKey.set(short, this.byKey.has(short) ? AMBIGUOUS : r.id);
    }
  }

  /** The employee's id; 'ambiguous' when the short form fits two people; undefined when unknown. */
  find(raw: string): number | 'ambiguous' | undefined {
    const key = nameKey(raw);
    const id = this.byKey.get(key) ?? (initialsKey(key) ? this.byKey.get(initialsKey(key) as string) : undefined);
    return id === AMBIGUOUS ? 'ambiguous' : id;
  }
}
