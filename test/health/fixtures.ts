/**
 * Health test data: CRM imports and the events the importer would load (usage, trainings,
 * webinars, cabinet and hotline requests, contact events, payments, key-person changes),
 * inserted straight into the test database.
 */
import type { Queryable } from '../../src/db/pool.js';
import { SOURCE_KINDS, type SourceKind } from '../../src/domain/sources.js';

let seq = 0;
const key = (p: string) => `${p}.${++seq}.${Math.random().toString(36).slice(2, 8)}`;

export const ALL_SOURCES: readonly SourceKind[] = SOURCE_KINDS;

/** A successful import of `kind` finished at `finishedAt`. */
export async function addImport(db: Queryable, kind: string, finishedAt: Date | string): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO imports (kind, file_name, sha256, state, started_at, finished_at) VALUES ($1, $2, $3, 'done', $4, $4) RETURNING id`,
    [kind, `${kind}.txt`, key('sha'), finishedAt],
  );
  return rows[0].id;
}

/** Every source imported at `at` (all fresh), except `except`. */
export async function importAll(db: Queryable, at: Date | string, except: readonly string[] = []): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const k of ALL_SOURCES) if (!except.includes(k)) out[k] = await addImport(db, k, at);
  return out;
}

/** Logins of a client in the week starting `weekStart` (a Monday). */
export async function addUsage(db: Queryable, clientId: number, weekStart: string, logins: number, login = 'user1'): Promise<void> {
  await db.query(
    `INSERT INTO online_usage (client_id, login, period_start, period_end, logins) VALUES ($1, $2, $3::date, $3::date + 6, $4)
     ON CONFLICT (client_id, login, period_start) DO UPDATE SET logins = EXCLUDED.logins`,
    [clientId, login, weekStart, logins],
  );
}

export async function addTraining(
  db: Queryable,
  clientId: number,
  on: string,
  who: { contactId?: number | null; name: string },
): Promise<void> {
  await db.query(`INSERT INTO trainings (client_id, contact_id, person_name, trained_on, natural_key) VALUES ($1, $2, $3, $4, $5)`, [
    clientId,
    who.contactId ?? null,
    who.name,
    on,
    key('tr'),
  ]);
}

export async function addWebinar(db: Queryable, clientId: number, on: string, webinar = 'Вебинар'): Promise<void> {
  await db.query(
    `INSERT INTO webinar_attendance (client_id, person_name, attended_on, webinar, natural_key) VALUES ($1, 'Слушатель', $2, $3, $4)`,
    [clientId, on, webinar, key('web')],
  );
}

export async function addLk(db: Queryable, clientId: number, on: string): Promise<void> {
  await db.query(`INSERT INTO lk_requests (client_id, requested_on, natural_key) VALUES ($1, $2, $3)`, [clientId, on, key('lk')]);
}

export async function addHotline(db: Queryable, clientId: number, on: string): Promise<void> {
  await db.query(`INSERT INTO hotline_requests (client_id, requested_on, natural_key) VALUES ($1, $2, $3)`, [clientId, on, key('hl')]);
}

export interface EventSpec {
  contactId?: number | null;
  contactName?: string | null;
  at: Date | string;
  outcome?: 'planned' | 'held' | 'held_with_login' | 'not_held' | 'refused';
  channel?: string;
  /** An imported event (set) or one recorded in churnguard (null, the default). */
  importId?: number | null;
}

export async function addEvent(db: Queryable, clientId: number, e: EventSpec): Promise<void> {
  await db.query(
    `INSERT INTO contact_events (client_id, contact_id, contact_name, channel, occurred_at, outcome, natural_key, import_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [clientId, e.contactId ?? null, e.contactName ?? null, e.channel ?? 'phone', e.at, e.outcome ?? 'held', key('ev'), e.importId ?? null],
  );
}

export async function addPayment(db: Queryable, clientId: number, month: string, charged: number, debt: number): Promise<void> {
  await db.query(
    `INSERT INTO payments (client_id, month, charged, paid, debt) VALUES ($1, $2, $3::numeric, $3::numeric - $4::numeric, $4::numeric)`,
    [clientId, month, charged, debt],
  );
}

export async function addKeyPersonChange(
  db: Queryable,
  clientId: number,
  c: { role: 'lpr' | 'lvpr' | 'key_user'; left?: string | null; came?: string | null; at: Date | string },
): Promise<void> {
  await db.query(`INSERT INTO key_person_changes (client_id, role, left_name, came_name, detected_at) VALUES ($1, $2, $3, $4, $5)`, [
    clientId,
    c.role,
    c.left ?? null,
    c.came ?? null,
    c.at,
  ]);
}

/** An installation past its first scan: every scanned kind's baseline already taken. */
export async function baselineTaken(db: Queryable, at: Date | string = '2024-01-01T00:00:00Z'): Promise<void> {
  const { SCANNED_KINDS } = await import('../../src/domain/signal-edges.js');
  await db.query(
    `INSERT INTO signal_baselines (kind, taken_at, signals) SELECT k, $2, 0 FROM unnest($1::text[]) k ON CONFLICT DO NOTHING`,
    [SCANNED_KINDS, at],
  );
}
