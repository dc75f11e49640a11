/**
 * A finding as a person submits it (admin command, HTTP API, a diagnostics task's outcome):
 * checked field by field and resolved to ids. A bad field is a {@link FindingFieldError} naming
 * the field (`client`, `competitor`, `until`, `contact`, `note`, `foundBy`); nothing is written.
 */
import { loadEmployeeNames } from '../db/employees.js';
import type { FindingSource } from '../db/findings.js';
import type { Queryable } from '../db/pool.js';
import { ALL, type Scope, scopedClientByNumber } from '../db/scope.js';
import { cleanCompetitor, parseValidUntil } from '../domain/findings.js';
import { EmployeeIndex } from '../imports/people.js';
import type { FindingInput } from './record-findings.js';

export type FindingField = 'client' | 'competitor' | 'until' | 'contact' | 'note' | 'foundBy';

export class FindingFieldError extends Error {
  override name = 'FindingFieldError';
  constructor(
    readonly field: FindingField,
    message: string,
  ) {
    super(message);
  }
}

export interface RawFinding {
  /** Client number (`193254`). */
  client: number | string;
  competitor: string;
  /** `YYYY-MM`, `mm.yyyy`, a month name with the year, or a date. */
  until?: string | null;
  contact?: string | null;
  note?: string | null;
  /** The employee who found it, by name as the CRM writes it; default the client's remote specialist. */
  foundBy?: string | null;
}

export const LIMITS = { competitor: 200, contact: 200, note: 4000 } as const;

function text(field: FindingField, v: string | null | undefined, max: number): string | null {
  const s = (v ?? '').replace(/\s+/g, ' ').trim();
  if (s.length > max) throw new FindingFieldError(field, `слишком длинно (${s.length} знаков, ожидалось не больше ${max})`);
  return s || null;
}

/** The client's number as a positive whole number. */
export function clientNumber(v: number | string): number {
  const n = typeof v === 'number' ? v : /^\s*\d{1,8}\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 99_999_999)
    throw new FindingFieldError('client', `«${v}» — не номер клиента (ожидалось, например, 193254)`);
  return n;
}

/** The competitor's system, the end of validity, the contact and the note of a submitted finding. */
export function findingDetails(raw: Pick<RawFinding, 'competitor' | 'until' | 'contact' | 'note'>) {
  const competitor = cleanCompetitor(raw.competitor ?? '');
  if (!competitor) throw new FindingFieldError('competitor', 'пусто (ожидалась система конкурента, например «Охрана труда»)');
  if (competitor.length > LIMITS.competitor)
    throw new FindingFieldError('competitor', `слишком длинно (${competitor.length} знаков, ожидалось не больше ${LIMITS.competitor})`);
  let validUntil: string | null = null;
  if (raw.until?.trim()) {
    try {
      validUntil = parseValidUntil(raw.until);
    } catch (err) {
      throw new FindingFieldError('until', (err as Error).message);
    }
  }
  return {
    competitor,
    validUntil,
    contactName: text('contact', raw.contact, LIMITS.contact),
    note: text('note', raw.note, LIMITS.note),
  };
}

/**
 * Check a submitted finding and resolve its client and employee; a client outside `scope` (the
 * admin script and the API act for every department) is unknown like a missing one.
 */
export async function resolveFinding(db: Queryable, raw: RawFinding, source: FindingSource, scope: Scope = ALL): Promise<FindingInput> {
  const number = clientNumber(raw.client);
  const details = findingDetails(raw);
  const client = await scopedClientByNumber(db, scope, number);
  if (!client)
    throw new FindingFieldError('client', `клиент ${number} неизвестен (ожидался клиент из загруженной ранее выгрузки «Клиенты»)`);
  let foundBy: number | null = null;
  if (raw.foundBy?.trim()) {
    const id = new EmployeeIndex(await loadEmployeeNames(db)).find(raw.foundBy);
    if (id === 'ambiguous')
      throw new FindingFieldError('foundBy', `«${raw.foundBy}» подходит к нескольким сотрудникам (ожидалось полное ФИО)`);
    if (id === undefined) throw new FindingFieldError('foundBy', `сотрудник «${raw.foundBy}» неизвестен`);
    foundBy = id;
  }
  return { clientId: client.id, ...details, foundBy, source };
}
