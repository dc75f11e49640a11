/**
 * The one department-scope rule (src/db/scope.ts) on a real database: every table and view of
 * the schema is limited, read as holding no client data, or refused; views (`working_clients`),
 * `notifications`, clicks (`countUnclassified`) and tables reaching a client through a task are
 * limited; a table nobody classified is refused naming it; and a connection whose ROLLBACK
 * failed is destroyed, not handed out again with the temporary views.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUnclassified } from '../../src/db/clicks.js';
import type { Pool } from '../../src/db/pool.js';
import { clientIdsInScope, NO_CLIENT_DATA, type Scope, scopedClientByNumber, scopeOf, withScope } from '../../src/db/scope.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let pool: Pool;
const w = {} as { dep1: number; dep2: number; anna: number; olga: number; field: number; own: number; fieldOnly: number; other: number };

beforeAll(async () => {
  t = await createTestEnv();
  pool = t.app.pool;
  w.dep1 = await addDepartment(pool, 'Дистанционный сервис 1_502');
  w.dep2 = await addDepartment(pool, 'Дистанционный сервис 2_502');
  w.anna = await addEmployee(pool, { name: 'Лукина Елена Ивановна', departmentId: w.dep1 });
  w.olga = await addEmployee(pool, { name: 'Лаптева Ольга Юрьевна', departmentId: w.dep2 });
  w.field = await addEmployee(pool, { name: 'Кайдаш Виктор Викторович', role: 'field', departmentId: w.dep1 });
  w.own = await addClient(pool, { number: 193254, name: 'Ветстанция', remoteId: w.anna });
  // Remote specialist of the other department, field specialist of the first: both departments see it.
  w.fieldOnly = await addClient(pool, { number: 207092, name: 'Информационный фонд', remoteId: w.olga, fieldId: w.field });
  w.other = await addClient(pool, { number: 205749, name: 'ПЖКОМ', remoteId: w.olga });
  const contacts = await Promise.all(
    [w.own, w.fieldOnly, w.other].map((clientId, i) => addContact(pool, { clientId, fullName: `Директоров Иван ${i}`, isLpr: true })),
  );
  const { rows } = await pool.query(
    `INSERT INTO tasks (kind, title, assignee_id, client_id, dedup_key, created_by)
     VALUES ('manual', 'о своём', $1, $3, 'a', 't'), ('manual', 'о чужом', $2, $4, 'b', 't'), ('manual', 'без клиента', $2, NULL, 'c', 't')
     RETURNING id`,
    [w.anna, w.olga, w.own, w.other],
  );
  for (const r of rows) {
    await pool.query(
      `INSERT INTO task_comments (task_id, author_employee_id, author_name, body, created_at) VALUES ($1, $2, 'x', 'y', now())`,
      [r.id, w.anna],
    );
  }
  await pool.query(
    `INSERT INTO notifications (kind, dedup_key, employee_id, to_email, subject, html, text_body, queued_at)
     VALUES ('signal-alert', 'n1', $1, 'a@x', 'ПЖКОМ', '', '', now()), ('signal-alert', 'n2', $2, 'o@x', 'ПЖКОМ', '', '', now())`,
    [w.anna, w.olga],
  );
  const { rows: m } = await pool.query(
    `INSERT INTO mailings (kind, period, subject, content, created_at) VALUES ('lpr-monthly', '2024-06', 's', '{}', now()) RETURNING id`,
  );
  for (const [i, contactId] of contacts.entries()) {
    const clientId = [w.own, w.fieldOnly, w.other][i];
    const { rows: msg } = await pool.query(
      `INSERT INTO messages (mailing_id, contact_id, client_id, to_email, variant, state, queued_at)
       VALUES ($1, $2, $3, $4, 'v', 'sent', now()) RETURNING id`,
      [m[0].id, contactId, clientId, `k${i}@client.example`],
    );
    const { rows: link } = await pool.query(
      `INSERT INTO links (mailing_id, position, url, title, kind) VALUES ($1, $2, $3, 't', 'document')
       RETURNING id`,
      [m[0].id, i + 1, `https://example.com/${i}`],
    );
    await pool.query(`INSERT INTO clicks (message_id, link_id, clicked_at, method) VALUES ($1, $2, '2024-06-10T10:00:00Z', 'GET')`, [
      msg[0].id,
      link[0].id,
    ]);
  }
}, 60_000);
afterAll(() => t?.close());

const dep1: Scope = { kind: 'department', departmentId: 0 };
const scopes = () => ({
  head: { ...dep1, departmentId: w.dep1 } as Scope,
  anna: { kind: 'employee', employeeId: w.anna } as Scope,
});

async function numbers(scope: Scope, sql: string): Promise<number[]> {
  return withScope(pool, scope, async (p) => (await p.query<{ number: number }>(sql)).rows.map((r) => r.number).sort());
}

describe('the rule', () => {
  it('gives a head of a named department every client, another head the department’s, anyone else their own', () => {
    const head = { id: 1, name: 'Фисун Екатерина Александровна', isHead: true, departmentId: 7 };
    expect(scopeOf(head, [])).toEqual({ kind: 'department', departmentId: 7 });
    expect(scopeOf(head, ['фисун екатерина александровна'])).toEqual({ kind: 'all' });
    expect(scopeOf({ ...head, isHead: false }, [head.name])).toEqual({ kind: 'employee', employeeId: 1 });
  });

  it('finds a client of the scope by number, and another department’s as if it did not exist', async () => {
    const { head, anna } = scopes();
    expect((await scopedClientByNumber(pool, head, 193254))?.id).toBe(w.own);
    expect((await scopedClientByNumber(pool, head, 207092))?.id).toBe(w.fieldOnly);
    expect(await scopedClientByNumber(pool, head, 205749)).toBeNull();
    expect(await scopedClientByNumber(pool, head, 999999)).toBeNull();
    expect(await scopedClientByNumber(pool, anna, 207092)).toBeNull();
    expect((await scopedClientByNumber(pool, { kind: 'all' }, 205749))?.id).toBe(w.other);
    expect([...(await clientIdsInScope(pool, anna, [w.own, w.fieldOnly, w.other]))]).toEqual([w.own]);
  });
});

describe('a scoped report', () => {
  it('sees the scope’s clients in tables, in every view, and nothing else', async () => {
    const { head, anna } = scopes();
    expect(await numbers(head, 'SELECT number FROM clients')).toEqual([193254, 207092]);
    expect(await numbers(head, 'SELECT number FROM working_clients')).toEqual([193254, 207092]);
    expect(await numbers(head, 'SELECT number FROM served_clients')).toEqual([193254, 207092]);
    expect(await numbers(anna, 'SELECT number FROM working_clients')).toEqual([193254]);
    expect(await numbers(anna, 'SELECT c.number FROM contacts k JOIN clients c ON c.id = k.client_id')).toEqual([193254]);
    // Unscoped, everything is there.
    expect(await numbers({ kind: 'all' }, 'SELECT number FROM working_clients')).toEqual([193254, 205749, 207092]);
  });

  it('limits notifications to e-mails to the scope’s employees, and tables reaching a client through a task or message', async () => {
    const { head } = scopes();
    const rows = await withScope(pool, head, async (p) => ({
      notifications: (await p.query('SELECT dedup_key FROM notifications')).rows,
      comments: (await p.query('SELECT t.title FROM task_comments c JOIN public.tasks t ON t.id = c.task_id ORDER BY 1')).rows,
      clicks: await countUnclassified(p, new Date('2024-06-01T00:00:00Z'), new Date('2024-07-01T00:00:00Z')),
    }));
    expect(rows.notifications).toEqual([{ dedup_key: 'n1' }]);
    // The other department's task without a client is not the head's either.
    expect(rows.comments).toEqual([{ title: 'о своём' }]);
    expect(rows.clicks).toBe(2);
    expect(await countUnclassified(pool, new Date('2024-06-01T00:00:00Z'), new Date('2024-07-01T00:00:00Z'))).toBe(3);
  });

  it('limits, or reads as holding no client data, every table and view of the schema', async () => {
    const { head } = scopes();
    const { rows } = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
    );
    const shadowed = await withScope(pool, head, async (p) =>
      (
        await p.query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'v'`,
        )
      ).rows.map((r) => r.name),
    );
    const open = rows.map((r) => r.name).filter((n) => !shadowed.includes(n));
    expect(open.sort()).toEqual([...NO_CLIENT_DATA].filter((n) => rows.some((r) => r.name === n)).sort());
  });

  it('refuses a table nobody classified, naming it', async () => {
    const { head } = scopes();
    await pool.query('CREATE TABLE client_notes (id bigserial PRIMARY KEY, about text)');
    try {
      await pool.query(`INSERT INTO client_notes (about) VALUES ('ПЖКОМ')`);
      await expect(withScope(pool, head, (p) => p.query('SELECT * FROM client_notes'))).rejects.toThrow(
        /read the table "client_notes", which src\/db\/scope.ts does not limit/,
      );
      // Even when it is empty.
      await pool.query('DELETE FROM client_notes');
      await expect(withScope(pool, head, (p) => p.query('SELECT count(*) FROM client_notes'))).rejects.toThrow(/client_notes/);
    } finally {
      await pool.query('DROP TABLE client_notes');
    }
  });
});

describe('a failed ROLLBACK', () => {
  it('destroys the connection instead of returning it to the pool with the temporary views', async () => {
    // A real connection whose ROLLBACK is refused once (as a broken socket or a cancelled statement would).
    let refuse = false;
    class FlakyRollback extends pg.Client {
      // biome-ignore lint/suspicious/noExplicitAny: pg's query overloads
      override query(...args: any[]): any {
        if (refuse && args[0] === 'ROLLBACK') {
          refuse = false;
          return Promise.reject(new Error('connection lost during ROLLBACK'));
        }
        return (super.query as (...a: unknown[]) => unknown)(...args);
      }
    }
    const flaky = new pg.Pool({ connectionString: t.env.DATABASE_URL, max: 1, Client: FlakyRollback });
    try {
      const { head } = scopes();
      const pid = await withScope(flaky, head, async (p) => {
        refuse = true;
        return (await p.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      });
      expect(refuse).toBe(false);
      const next = await flaky.query<{ pid: number; temp: number; tx: string }>(
        `SELECT pg_backend_pid() AS pid, (SELECT count(*)::int FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS temp,
                (SELECT count(*)::int FROM clients)::text AS tx`,
      );
      expect(next.rows[0]?.pid).not.toBe(pid);
      expect(next.rows[0]?.temp).toBe(0);
      expect(next.rows[0]?.tx).toBe('3');
    } finally {
      await flaky.end();
    }
  });
});
