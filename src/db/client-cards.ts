/**
 * The client's card as the alert e-mail and `explain` show it: number, name, category, fee,
 * state, the remote and field specialists with their departments, the latest risk score.
 */
import type { Queryable } from './pool.js';

export interface ClientCard {
  id: number;
  number: number;
  name: string;
  category: 'A' | 'B' | 'C';
  monthly_fee: number;
  state: string;
  flags: string[];
  connected_on: string | null;
  primary_advance_until: string | null;
  remote_id: number | null;
  remote_name: string | null;
  remote_phone: string | null;
  remote_email: string | null;
  remote_active: boolean | null;
  remote_department_id: number | null;
  remote_department: string | null;
  field_id: number | null;
  field_name: string | null;
  field_phone: string | null;
  field_email: string | null;
  field_active: boolean | null;
  field_department_id: number | null;
  field_department: string | null;
  /** The latest scored week of the client, if any. */
  week: string | null;
  indicator: number | null;
  zone: string | null;
  categories: string[] | null;
}

const CARD = `
  SELECT c.id, c.number, c.name, c.category, c.monthly_fee, c.state, c.flags, c.connected_on, c.primary_advance_until,
         r.id AS remote_id, r.name AS remote_name, r.phone AS remote_phone, r.email AS remote_email, r.active AS remote_active,
         r.department_id AS remote_department_id, rd.name AS remote_department,
         f.id AS field_id, f.name AS field_name, f.phone AS field_phone, f.email AS field_email, f.active AS field_active,
         f.department_id AS field_department_id, fd.name AS field_department,
         rs.week, rs.indicator, rs.zone, rs.categories
    FROM clients c
    LEFT JOIN employees r ON r.id = c.remote_specialist_id
    LEFT JOIN departments rd ON rd.id = r.department_id
    LEFT JOIN employees f ON f.id = c.field_specialist_id
    LEFT JOIN departments fd ON fd.id = f.department_id
    LEFT JOIN LATERAL (SELECT week, indicator, zone, categories FROM risk_scores WHERE client_id = c.id ORDER BY week DESC LIMIT 1) rs ON true`;

export async function loadClientCards(db: Queryable, ids: readonly number[]): Promise<Map<number, ClientCard>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<ClientCard>(`${CARD} WHERE c.id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findClientCard(db: Queryable, number: number): Promise<ClientCard | null> {
  const { rows } = await db.query<ClientCard>(`${CARD} WHERE c.number = $1`, [number]);
  return rows[0] ?? null;
}

export interface Head {
  id: number;
  name: string;
  email: string;
  department_id: number;
}

/** The head of each department who can get e-mail (an active department head with an address). */
export async function departmentHeads(db: Queryable): Promise<Map<number, Head>> {
  const { rows } = await db.query<Head>(
    `SELECT DISTINCT ON (department_id) id, name, email, department_id
       FROM employees
      WHERE is_department_head AND active AND email IS NOT NULL AND email <> '' AND department_id IS NOT NULL
      ORDER BY department_id, (role = 'head') DESC, id`,
  );
  return new Map(rows.map((r) => [r.department_id, r]));
}
