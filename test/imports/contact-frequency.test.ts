/**
 * A contact called more often than monthly («Звонить 2 р в месяц»): the contacts export's
 * frequency in the CRM's words, the next call planned by itself after a held contact, and the
 * frequency changed with an outcome (`task done --frequency`, the API's `frequency`), audited.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { cli, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;
const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  t = await createTestEnv({ env: { ADMIN_TOKEN } });
  await importBase(t);
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
  setClock(null);
});

const HEADER = ['Номер клиента', 'ФИО', 'Должность', 'ЛПР', 'Email', 'Согласие на рассылку', 'Частота контакта, мес'];
const row = (name: string, lpr: string, frequency: string) => [192906, name, 'Директор', lpr, '', 'Да', frequency];

const contact = async (name: string) =>
  (
    await q(
      'SELECT id, contact_frequency_months AS months, contact_interval_days AS days, invalid_values FROM contacts WHERE full_name = $1',
      [name],
    )
  )[0];

async function contactTask(name: string): Promise<number> {
  const [r] = await q(
    `INSERT INTO tasks (kind, direction, title, assignee_id, client_id, contact_id, planned_at, priority, payload, dedup_key, created_by, created_at)
     SELECT 'lpr-call', 'remote_contact', 'Звонок ЛПР', c.remote_specialist_id, c.id, k.id, now(), 2, '{}', 'test.' || gen_random_uuid(), 'test', now()
       FROM contacts k JOIN clients c ON c.id = k.client_id WHERE k.full_name = $1 RETURNING id`,
    [name],
  );
  return Number(r.id);
}

describe('the contacts export with the frequency in the CRM’s words', () => {
  it('reads «2 р в месяц» as every 15 days, a number as months, and warns on anything else', async () => {
    const path = writeTsv(t, 'contacts-frequency.tsv', [
      HEADER,
      row('Пленчук Татьяна Сергеевна', 'Да', '2 р в месяц'),
      row('Журавлев Олег Петрович', 'Нет', '3'),
      row('Семенова Анна Ивановна', 'Нет', 'раз в 2 недели'),
      row('Орлов Сергей Петрович', 'Нет', 'часто'),
    ]);
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/строк 4 — добавлено 4/);
    expect(res.out).toContain(`${path}:5:7: Частота контакта, мес: «часто» — не частота контакта (ожидалось`);
    expect(res.out).toContain('2 р в месяц');
    expect(await contact('Пленчук Татьяна Сергеевна')).toMatchObject({ months: null, days: 15 });
    expect(await contact('Журавлев Олег Петрович')).toMatchObject({ months: 3, days: null });
    expect(await contact('Семенова Анна Ивановна')).toMatchObject({ months: null, days: 14 });
    expect(await contact('Орлов Сергей Петрович')).toMatchObject({
      months: null,
      days: null,
      invalid_values: { 'Частота контакта, мес': 'часто' },
    });
  });

  it('plans the next call 15 days after a held contact, unless a date was agreed', async () => {
    const id = await contactTask('Пленчук Татьяна Сергеевна');
    const res = await cli(t, 'task', 'done', String(id), '--outcome', 'held', '--json');
    expect(res.code, res.err).toBe(0);
    const next = JSON.parse(res.out).followUpTaskId;
    const [f] = await q('SELECT kind, contact_id, planned_at, title, dedup_key FROM tasks WHERE id = $1', [next]);
    expect(f).toMatchObject({
      kind: 'follow-up-call',
      contact_id: (await contact('Пленчук Татьяна Сергеевна')).id,
      dedup_key: `follow-up.${id}`,
      title: 'Очередной звонок 18.06.2024: частота контакта раз в 15 дн.',
    });
    expect(f.planned_at).toEqual(new Date('2024-06-18T09:00:00+03:00'));

    // An agreed date wins; a contact not held plans nothing by itself.
    const agreed = await contactTask('Пленчук Татьяна Сергеевна');
    const a = await cli(t, 'task', 'done', String(agreed), '--outcome', 'held', '--follow-up', '2024-06-07', '--json');
    const [fa] = await q('SELECT planned_at FROM tasks WHERE id = $1', [JSON.parse(a.out).followUpTaskId]);
    expect(fa.planned_at).toEqual(new Date('2024-06-07T09:00:00+03:00'));
    const missed = await contactTask('Пленчук Татьяна Сергеевна');
    const m = await cli(t, 'task', 'done', String(missed), '--outcome', 'not-reached', '--json');
    expect(JSON.parse(m.out).followUpTaskId).toBeNull();
    // A monthly contact's next call is the monthly work's, not a follow-up.
    const monthly = await contactTask('Журавлев Олег Петрович');
    const mo = await cli(t, 'task', 'done', String(monthly), '--outcome', 'held', '--json');
    expect(JSON.parse(mo.out).followUpTaskId).toBeNull();
  });
});

describe('the frequency set with an outcome', () => {
  it('task done --frequency changes it, records who and before → after, and plans by the new interval', async () => {
    const id = await contactTask('Журавлев Олег Петрович');
    const res = await cli(t, 'task', 'done', String(id), '--outcome', 'held', '--frequency', 'раз в неделю', '--json');
    expect(res.code, res.err).toBe(0);
    expect(await contact('Журавлев Олег Петрович')).toMatchObject({ months: null, days: 7 });
    const changes = await q(`SELECT by_name, field, before, after FROM task_changes WHERE task_id = $1 AND field = 'contact_frequency'`, [
      id,
    ]);
    expect(changes).toEqual([{ by_name: expect.any(String), field: 'contact_frequency', before: 'раз в 3 мес.', after: 'еженедельно' }]);
    expect(changes[0].by_name).not.toBe('');
    const [f] = await q('SELECT planned_at FROM tasks WHERE id = $1', [JSON.parse(res.out).followUpTaskId]);
    expect(f.planned_at).toEqual(new Date('2024-06-10T09:00:00+03:00'));
  });

  it('refuses a bad frequency naming the field, and changes nothing', async () => {
    const id = await contactTask('Семенова Анна Ивановна');
    const bad = await cli(t, 'task', 'done', String(id), '--outcome', 'held', '--frequency', 'иногда');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--frequency: «иногда» — не частота контакта');
    const post = (body: unknown) =>
      fetch(`${base}/api/tasks/${id}/outcome`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await post({ outcome: 'held', frequency: '25' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^body\.frequency: «25» — вне допустимых значений/);
    expect((await q('SELECT state FROM tasks WHERE id = $1', [id]))[0].state).toBe('open');
    expect(await contact('Семенова Анна Ивановна')).toMatchObject({ months: null, days: 14 });

    const ok = await post({ outcome: 'held', frequency: 'ежемесячно', followUp: '2024-07-01' });
    expect(ok.status).toBe(200);
    expect(await contact('Семенова Анна Ивановна')).toMatchObject({ months: 1, days: null });
  });
});
