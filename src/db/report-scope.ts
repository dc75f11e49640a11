/**
 * Reports limited to a part of the desk: a department's clients (a head in the diary) or one
 * employee's clients (a specialist). Rather than teach every report a filter, the reports run
 * on one connection, inside a transaction that is always rolled back, where temporary views
 * shadow every table holding client data (`clients`, `served_clients` and each table with a
 * `client_id` column) with only the rows of the scope's clients. PostgreSQL searches the
 * session's temporary schema first, so the reports' unqualified queries see the restricted
 * tables; a report added later is limited the same way without knowing of it.
 * Tasks without a client count when their assignee is in the scope.
 */
import type { App } from '../app.js';
import type { Pool, PoolClient, Queryable } from './pool.js';

export type ReportScope =
  /** Every department: no restriction. */
  | { kind: 'all' }
  /** Clients whose remote or field specialist belongs to the department. */
  | { kind: 'department'; departmentId: number }
  /** Clients whose remote or field specialist is the employee. */
  | { kind: 'employee'; employeeId: number };

/**
 * The rule itself, in one place: a client belongs to the scope when its remote or its field
 * specialist is one of the scope's employees (`employees`: a query of their ids).
 */
const inScopeOf = (client: string, employees: string) =>
  `(${client}.remote_specialist_id IN (${employees}) OR ${client}.field_specialist_id IN (${employees}))`;

/** The scope's employees as SQL over `$param`, or null for every department. */
function scopeEmployees(scope: ReportScope, param: string): string | null {
  if (scope.kind === 'all') return null;
  return scope.kind === 'department' ? `SELECT id FROM public.employees WHERE department_id = ${param}` : `SELECT ${param}::bigint AS id`;
}

const scopeParam = (scope: ReportScope): number | null =>
  scope.kind === 'department' ? scope.departmentId : scope.kind === 'employee' ? scope.employeeId : null;

/**
 * A client's id when the scope may see it (by number); null otherwise, whether the client
 * exists or not. The same rule as the reports' (the client card, the diary's search).
 */
export async function clientInScope(db: Queryable, scope: ReportScope, clientNumber: number): Promise<number | null> {
  const employees = scopeEmployees(scope, '$2');
  const { rows } = await db.query<{ id: number }>(
    `SELECT c.id FROM clients c WHERE c.number = $1${employees ? ` AND ${inScopeOf('c', employees)}` : ''}`,
    employees ? [clientNumber, scopeParam(scope)] : [clientNumber],
  );
  return rows[0]?.id ?? null;
}

export interface ClientMatch {
  number: number;
  name: string;
  state: string;
}

/**
 * The scope's clients whose number starts with the text's digits or whose name contains the
 * text (any case), exact numbers first, then by name; at most `limit`.
 */
export async function searchClients(db: Queryable, scope: ReportScope, text: string, limit: number): Promise<ClientMatch[]> {
  const q = text.trim();
  if (!q) return [];
  const employees = scopeEmployees(scope, '$3');
  const digits = /^\d{1,8}$/.test(q) ? q : null;
  const { rows } = await db.query<ClientMatch>(
    `SELECT c.number, c.name, c.state FROM clients c
      WHERE (strpos(lower(c.name), lower($1)) > 0 OR ($2::text IS NOT NULL AND c.number::text LIKE $2 || '%'))
        ${employees ? `AND ${inScopeOf('c', employees)}` : ''}
      ORDER BY (c.number::text = $2) DESC NULLS LAST, c.name, c.number
      LIMIT ${Math.max(1, Math.floor(limit))}`,
    employees ? [q, digits, scopeParam(scope)] : [q, digits],
  );
  return rows;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables (in `public`) with a `client_id` column, other than views. */
async function clientTables(db: PoolClient): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'client_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

async function restrict(db: PoolClient, scope: Exclude<ReportScope, { kind: 'all' }>): Promise<void> {
  await db.query(`CREATE TEMP TABLE scope_employees AS ${scopeEmployees(scope, '$1')}`, [scopeParam(scope)]);
  await db.query(
    `CREATE TEMP TABLE scope_clients AS SELECT id FROM public.clients c WHERE ${inScopeOf('c', 'SELECT id FROM scope_employees')}`,
  );
  await db.query('CREATE TEMP VIEW clients AS SELECT * FROM public.clients WHERE id IN (SELECT id FROM pg_temp.scope_clients)');
  await db.query(
    'CREATE TEMP VIEW served_clients AS SELECT * FROM public.served_clients WHERE id IN (SELECT id FROM pg_temp.scope_clients)',
  );
  for (const table of await clientTables(db)) {
    const orAssignee = table === 'tasks' ? ' OR (client_id IS NULL AND assignee_id IN (SELECT id FROM pg_temp.scope_employees))' : '';
    await db.query(
      `CREATE TEMP VIEW ${ident(table)} AS SELECT * FROM public.${ident(table)}
        WHERE client_id IN (SELECT id FROM pg_temp.scope_clients)${orAssignee}`,
    );
  }
}

/**
 * Run `fn` with an App whose pool sees only the scope's clients. Nothing the function does is
 * kept: the transaction is rolled back (reports only read).
 */
export async function withReportScope<T>(app: App, scope: ReportScope, fn: (scoped: App) => Promise<T>): Promise<T> {
  if (scope.kind === 'all') return fn(app);
  const db = await app.pool.connect();
  try {
    await db.query('BEGIN');
    await restrict(db, scope);
    const pool = {
      query: db.query.bind(db),
      connect: () => Promise.reject(new Error('a scoped report runs on one connection')),
    } as unknown as Pool;
    return await fn({ ...app, pool });
  } finally {
    await db.query('ROLLBACK').catch(() => {});
    db.release();
  }
}
