/** `clients` as the clients import writes them. */
import type { ApplyContext, ApplyResult } from './apply.js';
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
  const stateChanges = await recordStateChanges(db, ctx);
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
                    CASE WHEN s.state = 'disconnected' THEN COALESCE(s.disconnected_on, c0.disconnected_on, $7::date) END AS disconnected_on,
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
            CASE WHEN s.state = 'disconnected' THEN COALESCE(s.disconnected_on, $3::date) END, s.pa_until, s.remote_id, s.field_id, COALESCE(s.flags, '{}'), $2, $2
       FROM import_stage s
      WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.number = s.number)
     RETURNING id`,
    [ctx.ric, ctx.now, ctx.today],
  );
  await recordFirstSeen(
    db,
    ctx,
    inserted.rows.map((r: { id: number }) => r.id),
  );
  const ins = inserted.rowCount ?? 0;
  const upd = updated.rowCount ?? 0;
  const { rows } = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM import_stage GROUP BY state');
  return {
    inserted: ins,
    updated: upd,
    unchanged: ctx.staged - ins - upd,
    extra: { states: Object.fromEntries(rows.map((r) => [r.state, r.n])), stateChanges },
  };
}

/**
 * Fill `client_state_changes` from the staged rows before they are applied: a client first
 * seen (from_state NULL), a state that differs from the stored one (dated by the import's
 * day in the RIC's zone), and «Дата отключения» when the export gives it (that date instead,
 * source 'disconnection-date'). The same change seen again is not recorded twice.
 */
async function recordStateChanges(db: PoolClient, ctx: ApplyContext): Promise<number> {
  // A disconnection an earlier import dated by its own day gets the export's date instead.
  const redated = await db.query(
    `UPDATE client_state_changes x SET changed_on = s.disconnected_on, source = 'disconnection-date', import_id = $1
       FROM import_stage s JOIN clients c ON c.number = s.number
      WHERE x.client_id = c.id AND x.to_state = 'disconnected' AND x.source = 'import' AND x.changed_on = c.disconnected_on
        AND c.state = 'disconnected' AND s.state = 'disconnected' AND s.disconnected_on IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM client_state_changes y
                         WHERE y.client_id = c.id AND y.to_state = 'disconnected' AND y.changed_on = s.disconnected_on)`,
    [ctx.importId],
  );
  const { rowCount } = await db.query(
    `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source, import_id, recorded_at)
     SELECT c.id, CASE WHEN c.state IS DISTINCT FROM s.state THEN c.state END, s.state,
            CASE WHEN s.state = 'disconnected' AND s.disconnected_on IS NOT NULL THEN s.disconnected_on ELSE $1::date END,
            CASE WHEN s.state = 'disconnected' AND s.disconnected_on IS NOT NULL THEN 'disconnection-date' ELSE 'import' END,
            $2, $3
       FROM import_stage s JOIN clients c ON c.number = s.number
      WHERE c.state IS DISTINCT FROM s.state
         -- A date given later for a disconnection already recorded by an import.
         OR (s.state = 'disconnected' AND s.disconnected_on IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM client_state_changes x
                              WHERE x.client_id = c.id AND x.to_state = 'disconnected' AND x.source = 'disconnection-date'))
     ON CONFLICT ON CONSTRAINT client_state_changes_once DO NOTHING`,
    [ctx.today, ctx.importId, ctx.now],
  );
  return (rowCount ?? 0) + (redated.rowCount ?? 0);
}

/** The first-seen rows of the clients this import inserted (after the insert: they need ids). */
async function recordFirstSeen(db: PoolClient, ctx: ApplyContext, inserted: number[]): Promise<void> {
  if (!inserted.length) return;
  await db.query(
    `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source, import_id, recorded_at)
     SELECT c.id, NULL, c.state,
            CASE WHEN c.state = 'disconnected' AND s.disconnected_on IS NOT NULL THEN s.disconnected_on ELSE $1::date END,
            CASE WHEN c.state = 'disconnected' AND s.disconnected_on IS NOT NULL THEN 'disconnection-date' ELSE 'import' END,
            $2, $3
       FROM clients c JOIN import_stage s ON s.number = c.number
      WHERE c.id = ANY($4::bigint[])
     ON CONFLICT ON CONSTRAINT client_state_changes_once DO NOTHING`,
    [ctx.today, ctx.importId, ctx.now, inserted],
  );
}

/** A client as the desk's reports head a row: `NNNNNN - Name`, with the remote specialist. */
export interface ClientLine {
  id: number;
  number: number;
  name: string;
  online_active: boolean | null;
  remote_name: string | null;
  department: string | null;
  state: string;
}

/**
 * Clients the desk works with (not disconnected), optionally of one department (of the
 * remote specialist; the name, or a part of it).
 */
export async function listServedClients(db: Queryable, department?: string): Promise<ClientLine[]> {
  const { rows } = await db.query<ClientLine>(
    `SELECT c.id, c.number, c.name, c.online_active, e.name AS remote_name, d.name AS department, c.state
       FROM served_clients c
       LEFT JOIN employees e ON e.id = c.remote_specialist_id
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE $1::text IS NULL OR d.name ILIKE '%' || $1 || '%'
      ORDER BY c.number`,
    [department ?? null],
  );
  return rows;
}
