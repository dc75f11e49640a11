/** `clients` as the clients import writes them. */
import type { ApplyContext, ApplyResult } from '../imports/kind.js';
import type { PoolClient, Queryable } from './pool.js';

export async function loadClientNumbers(db: Queryable): Promise<Map<number, number>> {
  const { rows } = await db.query<{ number: number; id: number }>('SELECT number, id FROM clients');
  return new Map(rows.map((r) => [r.number, r.id]));
}

/**
 * Clients matched by number. A name the CRM cut with `...` never replaces the stored one; a
 * change of state stamps `state_changed_at` (and `disconnected_on` on disconnection);
 * optional columns absent from the file keep the stored values.
 */
export async function applyClients(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const has = (k: string) => ctx.present.has(k);
  const updated = await db.query(
    `UPDATE clients c
        SET (name, ric, category, monthly_fee, state, state_changed_at, connected_on, disconnected_on, primary_advance_until,
             remote_specialist_id, field_specialist_id, flags, updated_at) =
            (n.name, n.ric, n.category, n.monthly_fee, n.state, n.state_changed_at, n.connected_on, n.disconnected_on,
             n.primary_advance_until, n.remote_specialist_id, n.field_specialist_id, n.flags, $6)
       FROM (SELECT c0.id,
                    CASE WHEN s.name_cut THEN c0.name ELSE s.name END AS name,
                    CASE WHEN $1 THEN COALESCE(s.ric, c0.ric) ELSE c0.ric END AS ric,
                    s.category, s.fee AS monthly_fee, s.state,
                    CASE WHEN c0.state IS DISTINCT FROM s.state THEN $6 ELSE c0.state_changed_at END AS state_changed_at,
                    CASE WHEN $2 THEN COALESCE(s.connected, c0.connected_on) ELSE c0.connected_on END AS connected_on,
                    CASE WHEN s.state = 'disconnected' THEN COALESCE(c0.disconnected_on, $7::date) END AS disconnected_on,
                    CASE WHEN $3 THEN s.pa_until ELSE c0.primary_advance_until END AS primary_advance_until,
                    s.remote_id AS remote_specialist_id,
                    CASE WHEN $4 THEN s.field_id ELSE c0.field_specialist_id END AS field_specialist_id,
                    CASE WHEN $5 THEN s.flags ELSE c0.flags END AS flags
               FROM import_stage s JOIN clients c0 ON c0.number = s.number) n
      WHERE c.id = n.id
        AND (c.name, c.ric, c.category, c.monthly_fee, c.state, c.connected_on, c.disconnected_on, c.primary_advance_until,
             c.remote_specialist_id, c.field_specialist_id, c.flags)
            IS DISTINCT FROM
            (n.name, n.ric, n.category, n.monthly_fee, n.state, n.connected_on, n.disconnected_on, n.primary_advance_until,
             n.remote_specialist_id, n.field_specialist_id, n.flags)`,
    [has('ric'), has('connected'), has('paUntil'), has('field'), has('flags'), ctx.now, ctx.today],
  );
  const inserted = await db.query(
    `INSERT INTO clients (number, name, ric, category, monthly_fee, state, state_changed_at, connected_on, disconnected_on,
                          primary_advance_until, remote_specialist_id, field_specialist_id, flags, created_at, updated_at)
     SELECT s.number, s.name, COALESCE(s.ric, $1), s.category, s.fee, s.state, $2, s.connected,
            CASE WHEN s.state = 'disconnected' THEN $3::date END, s.pa_until, s.remote_id, s.field_id, COALESCE(s.flags, '{}'), $2, $2
       FROM import_stage s
      WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.number = s.number)`,
    [ctx.ric, ctx.now, ctx.today],
  );
  const ins = inserted.rowCount ?? 0;
  const upd = updated.rowCount ?? 0;
  const { rows } = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM import_stage GROUP BY state');
  return {
    inserted: ins,
    updated: upd,
    unchanged: ctx.staged - ins - upd,
    extra: { states: Object.fromEntries(rows.map((r) => [r.state, r.n])) },
  };
}

/** A client as the desk's reports head a row: `NNNNNN - Name`, with the remote specialist. */
export interface ClientLine {
  id: number;
  number: number;
  name: string;
  online_active: boolean | null;
  remote_name: string | null;
  department: string | null;
}

/**
 * Clients the desk works with (not disconnected), optionally of one department (of the
 * remote specialist; the name, or a part of it).
 */
export async function listServedClients(db: Queryable, department?: string): Promise<ClientLine[]> {
  const { rows } = await db.query<ClientLine>(
    `SELECT c.id, c.number, c.name, c.online_active, e.name AS remote_name, d.name AS department
       FROM served_clients c
       LEFT JOIN employees e ON e.id = c.remote_specialist_id
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE $1::text IS NULL OR d.name ILIKE '%' || $1 || '%'
      ORDER BY c.number`,
    [department ?? null],
  );
  return rows;
}
