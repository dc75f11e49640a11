/**
 * Department scope: the one rule of which clients a desk user sees, used by everything that
 * shows a client to one (the diary's reports, the client lookups of its forms, the content
 * page's recipients, preview and test send, and the API).
 *
 * - a head named in `diary.reportsAllDepartments` (and the admin script and the API, which
 *   act for the whole RIC): every client;
 * - any other head: the clients whose remote or field specialist belongs to the department;
 * - anyone else: the clients whose remote or field specialist is the employee.
 *
 * A client outside the scope is treated exactly as a missing one: the lookups return null.
 *
 * Reports are limited without knowing of it: `withScope` runs them on one connection inside a
 * transaction that is always rolled back, where temporary views shadow every table and view of
 * `public` (PostgreSQL searches the session's temporary schema first): a table with a
 * `client_id` column keeps the scope's clients' rows, a table reaching a client through a
 * contact, message, task, signal or visit keeps the rows of the visible ones, `notifications` keeps
 * the e-mails to the scope's employees, the views are redefined over the restricted tables,
 * and a table named in `NO_CLIENT_DATA` is read as it is. Any other table (one added later and
 * not classified here) is refused: a report reading it fails with an error naming the table.
 */
import type { Pool, PoolClient, Queryable } from './pool.js';

export type Scope =
  /** Every department: no restriction. */
  | { kind: 'all' }
  /** Clients whose remote or field specialist belongs to the department. */
  | { kind: 'department'; departmentId: number }
  /** Clients whose remote or field specialist is the employee. */
  | { kind: 'employee'; employeeId: number };

/** Who is asking: a signed-in diary user. */
export interface ScopeUser {
  id: number;
  name: string;
  isHead: boolean;
  departmentId: number | null;
}

export const ALL: Scope = { kind: 'all' };

/** The scope of a diary user; `allDepartments` is `diary.reportsAllDepartments` (full names of heads). */
export function scopeOf(user: ScopeUser, allDepartments: readonly string[]): Scope {
  if (user.isHead) {
    if (allDepartments.some((n) => n.toLowerCase() === user.name.toLowerCase())) return ALL;
    if (user.departmentId !== null) return { kind: 'department', departmentId: user.departmentId };
  }
  return { kind: 'employee', employeeId: user.id };
}

/**
 * The rule as an SQL condition on a `clients` row named `alias`; appends its parameter to
 * `params` (numbered from there).
 */
export function clientInScopeSql(scope: Scope, alias: string, params: unknown[]): string {
  if (scope.kind === 'all') return 'true';
  if (scope.kind === 'employee') {
    params.push(scope.employeeId);
    const p = `$${params.length}::bigint`;
    return `(${alias}.remote_specialist_id = ${p} OR ${alias}.field_specialist_id = ${p})`;
  }
  params.push(scope.departmentId);
  const members = `(SELECT se.id FROM public.employees se WHERE se.department_id = $${params.length}::bigint)`;
  return `(${alias}.remote_specialist_id IN ${members} OR ${alias}.field_specialist_id IN ${members})`;
}

export interface ScopedClient {
  id: number;
  number: number;
  name: string;
}

/** The client with this number if the scope sees it; null when there is none or it is another department's. */
export async function scopedClientByNumber(db: Queryable, scope: Scope, number: number): Promise<ScopedClient | null> {
  const params: unknown[] = [number];
  const { rows } = await db.query<ScopedClient>(
    `SELECT c.id, c.number, c.name FROM public.clients c WHERE c.number = $1 AND ${clientInScopeSql(scope, 'c', params)}`,
    params,
  );
  return rows[0] ?? null;
}

/** Of these client ids, the ones the scope sees. */
export async function clientIdsInScope(db: Queryable, scope: Scope, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  if (scope.kind === 'all') return new Set(ids);
  const params: unknown[] = [ids];
  const { rows } = await db.query<{ id: number }>(
    `SELECT c.id FROM public.clients c WHERE c.id = ANY($1::bigint[]) AND ${clientInScopeSql(scope, 'c', params)}`,
    params,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Tables that name no client, read as they are by a scoped report. A table added later that
 * holds client data without a `client_id` column needs a rule in `restrict`, not a place here.
 */
export const NO_CLIENT_DATA: readonly string[] = [
  'crm_exports',
  'db_outages',
  'departments',
  'employee_absences',
  'employees',
  'imports',
  'job_runs',
  'links',
  'mailbox_checks',
  'mailing_attachments',
  'mailing_content_files',
  'mailing_contents',
  'mailings',
  'migrations',
  'signal_baselines',
];

/** Columns through which a table without `client_id` reaches a client, and the restricted table each points into. */
const THROUGH: readonly [column: string, table: string][] = [
  ['contact_id', 'contacts'],
  ['message_id', 'messages'],
  ['task_id', 'tasks'],
  ['signal_id', 'signals'],
  ['visit_id', 'visits'],
];

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface Relation {
  name: string;
  kind: 'table' | 'view' | 'other';
  columns: string[];
  /** A view's definition (names unqualified: read before any temporary view exists). */
  definition: string | null;
  /** The relations of `public` a view reads. */
  uses: string[];
}

async function relations(db: PoolClient): Promise<Relation[]> {
  const { rows } = await db.query<{ name: string; relkind: string; columns: string[]; definition: string | null; uses: string[] }>(
    `SELECT c.relname AS name, c.relkind::text AS relkind,
            ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END AS definition,
            ARRAY(SELECT DISTINCT u.table_name::text FROM information_schema.view_table_usage u
                   WHERE u.view_schema = 'public' AND u.view_name = c.relname AND u.table_schema = 'public') AS uses
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY c.relname`,
  );
  return rows.map((r) => ({
    name: r.name,
    kind: r.relkind === 'r' || r.relkind === 'p' ? 'table' : r.relkind === 'v' ? 'view' : 'other',
    columns: r.columns,
    definition: r.definition,
    uses: r.uses,
  }));
}

async function restrict(db: PoolClient, scope: Exclude<Scope, { kind: 'all' }>): Promise<void> {
  const all = await relations(db);
  const params: unknown[] = [];
  const rule = clientInScopeSql(scope, 'c', params);
  const employees =
    scope.kind === 'department' ? 'SELECT id FROM public.employees WHERE department_id = $1::bigint' : 'SELECT $1::bigint AS id';
  await db.query(`CREATE TEMP TABLE scope_employees AS ${employees}`, [
    scope.kind === 'department' ? scope.departmentId : scope.employeeId,
  ]);
  await db.query(`CREATE TEMP TABLE scope_clients AS SELECT c.id FROM public.clients c WHERE ${rule}`, params);
  await db.query(
    `CREATE FUNCTION pg_temp.scope_refuse(name text) RETURNS boolean STABLE LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'a scoped report read the table "%", which src/db/scope.ts does not limit to the scope', name;
     END $$`,
  );
  const view = (name: string, where: string) =>
    db.query(`CREATE TEMP VIEW ${ident(name)} AS SELECT * FROM public.${ident(name)} WHERE ${where}`);
  const inScope = 'IN (SELECT id FROM pg_temp.scope_clients)';

  const tables = all.filter((r) => r.kind === 'table');
  const later: Relation[] = [];
  for (const t of tables) {
    if (t.name === 'clients') await view(t.name, `id ${inScope}`);
    else if (t.columns.includes('client_id')) {
      const orAssignee = t.name === 'tasks' ? ' OR (client_id IS NULL AND assignee_id IN (SELECT id FROM pg_temp.scope_employees))' : '';
      await view(t.name, `client_id ${inScope}${orAssignee}`);
    } else later.push(t);
  }
  for (const t of later) {
    const through = THROUGH.find(([column]) => t.columns.includes(column));
    if (through) await view(t.name, `${ident(through[0])} IN (SELECT id FROM pg_temp.${ident(through[1])})`);
    else if (t.name === 'notifications') await view(t.name, 'employee_id IN (SELECT id FROM pg_temp.scope_employees)');
    else if (!NO_CLIENT_DATA.includes(t.name)) await view(t.name, `pg_temp.scope_refuse(${literal(t.name)})`);
  }
  for (const r of all.filter((x) => x.kind === 'other')) await view(r.name, `pg_temp.scope_refuse(${literal(r.name)})`);

  // Views over the restricted relations, each after the views it reads.
  const pending = all.filter((r) => r.kind === 'view');
  const done = new Set<string>();
  while (pending.length) {
    const i = pending.findIndex((v) => v.uses.every((u) => u === v.name || done.has(u) || !pending.some((p) => p.name === u)));
    const [v] = pending.splice(Math.max(i, 0), 1) as [Relation];
    await db.query(`CREATE TEMP VIEW ${ident(v.name)} AS ${v.definition}`);
    done.add(v.name);
  }
}

/**
 * Run `fn` with a pool that sees only the scope's clients (see the module's comment). Nothing
 * the function does is kept: the transaction is rolled back (reports only read), and a
 * connection whose rollback failed is destroyed, never returned to the pool with the
 * temporary views.
 */
export async function withScope<T>(pool: Pool, scope: Scope, fn: (scoped: Pool) => Promise<T>): Promise<T> {
  if (scope.kind === 'all') return fn(pool);
  const db = await pool.connect();
  let broken: Error | undefined;
  try {
    await db.query('BEGIN');
    await restrict(db, scope);
    const scoped = {
      query: db.query.bind(db),
      connect: () => Promise.reject(new Error('a scoped report runs on one connection')),
    } as unknown as Pool;
    return await fn(scoped);
  } finally {
    await db.query('ROLLBACK').catch((err: Error) => {
      broken = err;
    });
    db.release(broken);
  }
}
