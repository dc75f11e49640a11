/**
 * The team lead's `task add`, and follow-ups: `task done --follow-up`, the task API's
 * `followUp` — a call task for the same contact planned on the agreed day, recorded in the
 * closed task's history.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;
const ids: Record<string, number> = {};
const cli = (...argv: string[]) => runCapturedCli(t.config, argv);
const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  t = await createTestEnv({ env: { ADMIN_TOKEN } });
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис 1_502');
  ids.head = await addEmployee(db, { name: 'Фисун Елена Анатольевна', role: 'head', departmentId: dep });
  ids.member = await addEmployee(db, { name: 'Савостина Ксения Андреевна', departmentId: dep });
  ids.client = await addClient(db, { number: 198183, name: 'Био Технология', remoteId: ids.member });
  ids.lpr = await addContact(db, { clientId: ids.client, fullName: 'Орлов Сергей Петрович', isLpr: true });
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
  setClock(null);
});

async function contactTask(): Promise<number> {
  const [r] = await q(
    `INSERT INTO tasks (kind, direction, title, assignee_id, client_id, contact_id, planned_at, priority, payload, dedup_key, created_by, created_at)
     VALUES ('lpr-call', 'remote_contact', 'Звонок ЛПР', $1, $2, $3, now(), 2, '{}', 'test.' || gen_random_uuid(), 'test', now()) RETURNING id`,
    [ids.member, ids.client, ids.lpr],
  );
  return Number(r.id);
}

describe('task add', () => {
  it('creates a task for the named employee, recorded with who set it', async () => {
    const res = await cli(
      'task',
      'add',
      '--client',
      '198183',
      '--assignee',
      'Савостина',
      '--title',
      'Обучить бухгалтера',
      '--due',
      '2024-06-10',
      '--by',
      'Фисун Елена Анатольевна',
      '--json',
    );
    expect(res.code, res.err).toBe(0);
    const out = JSON.parse(res.out);
    const [task] = await q('SELECT * FROM tasks WHERE id = $1', [out.id]);
    expect(task).toMatchObject({
      kind: 'manual',
      assignee_id: ids.member,
      client_id: ids.client,
      title: 'Обучить бухгалтера',
      created_by: 'Фисун Елена Анатольевна',
      state: 'open',
    });
    expect(task.due_at).toEqual(new Date('2024-06-10T18:00:00+03:00'));
    const changes = await q('SELECT by_employee_id, by_name, field, after FROM task_changes WHERE task_id = $1', [out.id]);
    expect(changes).toEqual([
      { by_employee_id: ids.head, by_name: 'Фисун Елена Анатольевна', field: 'created', after: 'Обучить бухгалтера' },
    ]);
  });

  it('refuses an unknown client or employee, a bad date and a missing title, and creates nothing', async () => {
    const before = (await q('SELECT count(*)::int AS n FROM tasks'))[0].n;
    const bad = [
      ['--client', '999999', '--assignee', 'Савостина', '--title', 'x'],
      ['--client', '198183', '--assignee', 'Никто', '--title', 'x'],
      ['--client', '198183', '--assignee', 'Савостина', '--title', 'x', '--due', '2024-13-01'],
      ['--client', '198183', '--assignee', 'Савостина', '--title', 'x', '--due', '2024-05-01'],
      ['--client', '198183', '--assignee', 'Савостина'],
    ];
    for (const argv of bad) expect((await cli('task', 'add', ...argv)).code, argv.join(' ')).toBe(2);
    expect((await q('SELECT count(*)::int AS n FROM tasks'))[0].n).toBe(before);
  });
});

describe('follow-ups', () => {
  it('task done --follow-up plans a call task for the same contact on that day', async () => {
    const id = await contactTask();
    const res = await cli(
      'task',
      'done',
      String(id),
      '--outcome',
      'held',
      '--note',
      'Договорились на звонок',
      '--follow-up',
      '2024-07-20',
      '--json',
    );
    expect(res.code, res.err).toBe(0);
    const followId = JSON.parse(res.out).followUpTaskId;
    const [f] = await q('SELECT * FROM tasks WHERE id = $1', [followId]);
    expect(f).toMatchObject({ kind: 'follow-up-call', assignee_id: ids.member, client_id: ids.client, contact_id: ids.lpr, state: 'open' });
    expect(f.title).toBe('Договорились на звонок 20.07.2024: Договорились на звонок');
    expect(f.planned_at).toEqual(new Date('2024-07-20T09:00:00+03:00'));
    const [change] = await q(`SELECT field, after FROM task_changes WHERE task_id = $1`, [id]);
    expect(change).toEqual({ field: 'follow_up', after: `2024-07-20 (задача № ${followId})` });
    // A date in the past is a usage error, and closes nothing.
    const other = await contactTask();
    expect((await cli('task', 'done', String(other), '--outcome', 'held', '--follow-up', '2024-05-01')).code).toBe(2);
    expect((await q('SELECT state FROM tasks WHERE id = $1', [other]))[0].state).toBe('open');
  });

  it('the task API takes followUp', async () => {
    const id = await contactTask();
    const post = (body: unknown) =>
      fetch(`${base}/api/tasks/${id}/outcome`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ outcome: 'held', followUp: '17.02.2025' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body\.followUp: /);
    const ok = await post({ outcome: 'held', followUp: '2025-02-17' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { followUpTaskId: number };
    const [f] = await q('SELECT planned_at, contact_id FROM tasks WHERE id = $1', [body.followUpTaskId]);
    expect(f).toEqual({ planned_at: new Date('2025-02-17T09:00:00+03:00'), contact_id: ids.lpr });
  });
});
