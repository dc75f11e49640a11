/** `departments` and `employees` as the employees import writes them. */
import type { ApplyContext, ApplyResult } from './apply.js';
import { endInactiveEmployeesAccess } from './diary-auth.js';
import type { PoolClient, Queryable } from './pool.js';

export async function loadEmployeeNames(db: Queryable): Promise<{ id: number; name: string }[]> {
  const { rows } = await db.query<{ id: number; name: string }>('SELECT id, name FROM employees');
  return rows;
}

/**
 * Departments named in the staged rows are created; employees are matched by name and
 * updated only where something differs. Optional columns absent from the file keep the
 * stored values.
 */
export async function applyEmployees(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const departments = await db.query(
    `INSERT INTO departments (name, ric) SELECT DISTINCT department, $1::text FROM import_stage WHERE department IS NOT NULL
     ON CONFLICT (name) DO NOTHING`,
    [ctx.ric],
  );
  const params = [ctx.present.has('email'), ctx.present.has('phone'), ctx.now, ctx.present.has('active')];
  // «Норма звонков в день»: a blank cell (or no column) keeps the stored norm.
  const updated = await db.query(
    `UPDATE employees e
        SET (department_id, role, is_department_head, email, phone, active, daily_capacity, updated_at) =
            (n.department_id, n.role, n.is_head, n.email, n.phone, n.active, n.daily_capacity, $3)
       FROM (SELECT e0.id, d.id AS department_id, s.role, s.is_head,
                    CASE WHEN $4 THEN s.active ELSE e0.active END AS active,
                    CASE WHEN $1 THEN s.email ELSE e0.email END AS email,
                    CASE WHEN $2 THEN s.phone ELSE e0.phone END AS phone,
                    coalesce(s.capacity, e0.daily_capacity) AS daily_capacity
               FROM import_stage s
               JOIN employees e0 ON e0.name = s.name
               LEFT JOIN departments d ON d.name = s.department) n
      WHERE e.id = n.id
        AND (e.department_id, e.role, e.is_department_head, e.email, e.phone, e.active, e.daily_capacity)
            IS DISTINCT FROM (n.department_id, n.role, n.is_head, n.email, n.phone, n.active, n.daily_capacity)`,
    params,
  );
  const inserted = await db.query(
    `INSERT INTO employees (name, department_id, role, is_department_head, email, phone, active, daily_capacity, created_at, updated_at)
     SELECT s.name, d.id, s.role, s.is_head, s.email, s.phone, s.active, s.capacity, $1, $1
       FROM import_stage s LEFT JOIN departments d ON d.name = s.department
      WHERE NOT EXISTS (SELECT 1 FROM employees e WHERE e.name = s.name)`,
    [ctx.now],
  );
  // A deactivated employee's sign-in link and open diary sessions end in the same transaction.
  const accessEnded = await endInactiveEmployeesAccess(db);
  const ins = inserted.rowCount ?? 0;
  const upd = updated.rowCount ?? 0;
  return {
    inserted: ins,
    updated: upd,
    unchanged: ctx.staged - ins - upd,
    extra: { departmentsCreated: departments.rowCount ?? 0, diaryAccessEnded: accessEnded },
  };
}
