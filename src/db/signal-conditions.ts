/** `signal_conditions` (what holds now, for edge triggering) and `signal_baselines` (kinds baselined). */
import type { HeldCondition } from '../domain/signal-edges.js';
import { conditionKey } from '../domain/signal-edges.js';
import type { Queryable } from './pool.js';

export async function loadConditions(db: Queryable): Promise<Map<string, HeldCondition>> {
  const { rows } = await db.query<{ client_id: number; kind: string; since: Date }>('SELECT client_id, kind, since FROM signal_conditions');
  return new Map(
    rows.map((r) => [conditionKey(Number(r.client_id), r.kind), { clientId: Number(r.client_id), kind: r.kind, since: r.since }]),
  );
}

/**
 * Record conditions that began now, with their signal (if one was raised). A condition that
 * still holds is not written again: its row stays as it was until the condition ends.
 */
export async function insertConditions(
  db: Queryable,
  rows: readonly { clientId: number; kind: string; since: Date; signalId: number | null }[],
): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO signal_conditions (client_id, kind, since, signal_id)
     SELECT r.client_id, r.kind, r.since, r.signal_id
       FROM jsonb_to_recordset($1::jsonb) AS r(client_id bigint, kind text, since timestamptz, signal_id bigint)
     ON CONFLICT (client_id, kind) DO NOTHING`,
    [JSON.stringify(rows.map((r) => ({ client_id: r.clientId, kind: r.kind, since: r.since.toISOString(), signal_id: r.signalId })))],
  );
}

export async function deleteConditions(db: Queryable, rows: readonly { clientId: number; kind: string }[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `DELETE FROM signal_conditions c USING jsonb_to_recordset($1::jsonb) AS r(client_id bigint, kind text)
      WHERE c.client_id = r.client_id AND c.kind = r.kind`,
    [JSON.stringify(rows.map((r) => ({ client_id: r.clientId, kind: r.kind })))],
  );
}

export async function takenBaselines(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ kind: string }>('SELECT kind FROM signal_baselines');
  return new Set(rows.map((r) => r.kind));
}

export async function recordBaselines(db: Queryable, counts: ReadonlyMap<string, number>, at: Date): Promise<void> {
  if (!counts.size) return;
  await db.query(
    `INSERT INTO signal_baselines (kind, taken_at, signals)
     SELECT k, $2, n FROM unnest($1::text[], $3::int[]) AS x(k, n)
     ON CONFLICT (kind) DO NOTHING`,
    [[...counts.keys()], at, [...counts.values()]],
  );
}
