/**
 * Key-person changes (смена ЛПР, ЛВПР, ключевого пользователя): comparing who held each role
 * at a client before and after a contacts import. Pure: the import loads the holders and
 * writes the changes.
 */

export type KeyRole = 'lpr' | 'lvpr' | 'key_user';
export const KEY_ROLES: readonly KeyRole[] = ['lpr', 'lvpr', 'key_user'];

/** A contact holding a role at a client. */
export interface Holder {
  clientId: number;
  role: KeyRole;
  contactId: number;
  name: string;
}

export interface KeyPersonChange {
  clientId: number;
  role: KeyRole;
  leftContactId: number;
  leftName: string;
  cameContactId: number | null;
  cameName: string | null;
}

const groupKey = (h: Holder) => `${h.clientId}|${h.role}`;

function group(holders: readonly Holder[]): Map<string, Holder[]> {
  const out = new Map<string, Holder[]>();
  for (const h of holders) {
    const list = out.get(groupKey(h)) ?? [];
    list.push(h);
    out.set(groupKey(h), list);
  }
  return out;
}

/**
 * A holder who no longer holds the role has left it; the new holders of that role came,
 * and are paired with those who left in name order. A role filled where nobody left
 * (a first import, an added ЛВПР) is no change.
 */
export function keyPersonChanges(before: readonly Holder[], after: readonly Holder[]): KeyPersonChange[] {
  const old = group(before);
  const now = group(after);
  const changes: KeyPersonChange[] = [];
  for (const [key, was] of old) {
    const is = now.get(key) ?? [];
    const left = was.filter((h) => !is.some((x) => x.contactId === h.contactId)).sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    const came = is.filter((h) => !was.some((x) => x.contactId === h.contactId)).sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    left.forEach((h, i) => {
      const c = came[i];
      changes.push({
        clientId: h.clientId,
        role: h.role,
        leftContactId: h.contactId,
        leftName: h.name,
        cameContactId: c?.contactId ?? null,
        cameName: c?.name ?? null,
      });
    });
  }
  return changes;
}
