/** Sign-in tokens and sessions of the diary (`employee_tokens`, `diary_sessions`); hashes only. */
import type { PoolClient, Queryable } from './pool.js';

/** The signed-in employee, as the diary needs them. */
export interface DiaryUser {
  id: number;
  name: string;
  role: 'remote' | 'field' | 'head';
  /** Sees the team's tasks and may give one to another member. */
  isHead: boolean;
  departmentId: number | null;
  department: string | null;
}

export interface EmployeeMatch {
  id: number;
  name: string;
  active: boolean;
  department: string | null;
}

/** Employees by name: the exact name (any case), else every name containing the text. */
export async function findEmployeesByName(db: Queryable, name: string): Promise<EmployeeMatch[]> {
  const { rows } = await db.query<EmployeeMatch & { exact: boolean }>(
    `SELECT e.id, e.name, e.active, d.name AS department, lower(e.name) = lower($1) AS exact
       FROM employees e LEFT JOIN departments d ON d.id = e.department_id
      WHERE strpos(lower(e.name), lower($1)) > 0
      ORDER BY e.name`,
    [name],
  );
  const exact = rows.filter((r) => r.exact);
  return (exact.length ? exact : rows).map(({ exact: _, ...r }) => r);
}

/** Store the hash of a new sign-in token; the old one and every session of the employee end. */
export async function replaceEmployeeToken(db: PoolClient, employeeId: number, hash: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO employee_tokens (employee_id, token_sha256, issued_at) VALUES ($1, $2, $3)
     ON CONFLICT (employee_id) DO UPDATE SET token_sha256 = EXCLUDED.token_sha256, issued_at = EXCLUDED.issued_at`,
    [employeeId, hash, at],
  );
  await db.query('DELETE FROM diary_sessions WHERE employee_id = $1', [employeeId]);
}

/**
 * A session for the active employee holding the sign-in token of `tokenHash`, issued after
 * `issuedAfter`; the token is used up in the same statement (a link works once, even for two
 * requests at the same moment). Null when the token is unknown (never issued, replaced, used)
 * or too old, or the employee is no longer active. Expired sessions of everyone are swept on
 * the way.
 */
export async function openSession(
  db: Queryable,
  tokenHash: string,
  sessionHash: string,
  at: Date,
  expiresAt: Date,
  issuedAfter: Date,
): Promise<number | null> {
  await db.query('DELETE FROM diary_sessions WHERE expires_at <= $1', [at]);
  const { rows } = await db.query<{ employee_id: number }>(
    `WITH used AS (
       DELETE FROM employee_tokens t USING employees e
        WHERE t.token_sha256 = $1 AND e.id = t.employee_id AND e.active AND t.issued_at > $5
       RETURNING t.employee_id)
     INSERT INTO diary_sessions (id_sha256, employee_id, created_at, expires_at)
     SELECT $2, employee_id, $3, $4 FROM used
     RETURNING employee_id`,
    [tokenHash, sessionHash, at, expiresAt, issuedAfter],
  );
  return rows[0]?.employee_id ?? null;
}

/** Sign-in tokens and sessions of employees no longer active end (an import deactivated them). */
export async function endInactiveEmployeesAccess(db: Queryable): Promise<number> {
  const tokens = await db.query('DELETE FROM employee_tokens t USING employees e WHERE e.id = t.employee_id AND NOT e.active');
  const sessions = await db.query('DELETE FROM diary_sessions s USING employees e WHERE e.id = s.employee_id AND NOT e.active');
  return (tokens.rowCount ?? 0) + (sessions.rowCount ?? 0);
}

/** The employee of a live session, or null. */
export async function sessionUser(db: Queryable, sessionHash: string, at: Date): Promise<DiaryUser | null> {
  const { rows } = await db.query<DiaryUser>(
    `SELECT e.id, e.name, e.role, (e.is_department_head OR e.role = 'head') AS "isHead",
            e.department_id AS "departmentId", d.name AS department
       FROM diary_sessions s
       JOIN employees e ON e.id = s.employee_id AND e.active
       LEFT JOIN departments d ON d.id = e.department_id
      WHERE s.id_sha256 = $1 AND s.expires_at > $2`,
    [sessionHash, at],
  );
  return rows[0] ?? null;
}

export async function closeSession(db: Queryable, sessionHash: string): Promise<void> {
  await db.query('DELETE FROM diary_sessions WHERE id_sha256 = $1', [sessionHash]);
}
