/**
 * Visits in the diary over real HTTP: one card per client with every reason, «на сегодня» at
 * most the capacity, overdue first, and one outcome form closing a visit of an ЛПР call, a risk
 * review and a diagnostics task with one contact event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTasks, type NewTask } from '../../src/db/tasks.js';
import { zonedTime } from '../../src/domain/dates.js';
import { planWork } from '../../src/workload/plan-work.js';
import { csrfOf, DiaryClient, openSignInLink } from '../diary/client.js';
import { type DiaryDesk, type DiaryWorld, openDiaryDesk } from '../diary/fixtures.js';
import { addClient } from '../fixtures/desk.js';
import type { TestEnv } from '../helpers/env.js';
import { cli as cliOf } from '../imports/helpers.js';

let desk: DiaryDesk;
let t: TestEnv;
let w: DiaryWorld;

beforeAll(async () => {
  // A small norm: 3 contacts a day, none kept back, so the day overflows.
  desk = await openDiaryDesk({ overrides: { workload: { remote: 3, field: 3, head: 3, reserveShare: 0, defaultDueWorkingDays: 5 } } });
  ({ t, w } = desk);
});
afterAll(() => desk?.close());

const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

async function signedIn(name: string): Promise<DiaryClient> {
  const res = await cliOf(t, 'employee', 'token', name, '--json');
  const c = new DiaryClient(desk.base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

describe('the day’s visits in the diary', () => {
  it('shows at most the capacity «на сегодня», overdue first, and lists the rest as overflow', async () => {
    const more: NewTask[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await addClient(t.app.pool, { remoteId: w.annaId, fee: 5000 + i });
      more.push({
        kind: 'risk-review',
        title: `Клиент с высоким риском ${i}`,
        assigneeId: w.annaId,
        clientId: client,
        plannedAt: zonedTime('2024-06-06', 9, 0, 'Europe/Moscow'),
        dueAt: zonedTime('2024-06-06', 18, 0, 'Europe/Moscow'),
        dedupKey: `diary-visits.${i}`,
        createdBy: 'test',
      });
    }
    await insertTasks(t.app.pool, more, new Date('2024-06-06T06:00:00Z'));
    const page = (await (await signedIn('Лукина Елена Ивановна')).get('/diary')).body;
    const visits = [...page.matchAll(/<section class="visit([^"]*)" id="visit-(\d+)"/g)];
    expect(visits).toHaveLength(3);
    expect(visits[0]?.[1]).toBe(' overdue');
    expect(page).toContain('на сегодня 3 контакта с клиентами (норма 3), из них просрочено 1');
    const { rows } = await t.app.pool.query(
      `SELECT planned_on, overflow_reason FROM visits WHERE assignee_id = $1 AND state = 'open' ORDER BY id`,
      [w.annaId],
    );
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.planned_on === '2024-06-06')).toHaveLength(3);
    // Four visits due today for three places: those that do not fit are overflow with the reason.
    expect(rows.filter((r) => r.overflow_reason?.startsWith('не помещается до срока 06.06'))).toHaveLength(2);
  });

  it('closes a visit of an ЛПР call, a risk review and a diagnostics with one form and one contact event', async () => {
    // A personal norm of 10 («Норма звонков в день»): the vet station's visit fits today.
    await t.app.pool.query('UPDATE employees SET daily_capacity = 10 WHERE id = $1', [w.annaId]);
    await planWork(t.app);
    const c = await signedIn('Лукина Елена Ивановна');
    const page = (await c.get('/diary')).body;
    const [visit] = await q(`SELECT id FROM visits WHERE client_id = $1 AND assignee_id = $2 AND state = 'open'`, [w.vetId, w.annaId]);
    expect(page).toContain(`action="/diary/visits/${visit.id}/outcome"`);
    const csrf = csrfOf(page);
    // Without the diagnostics' own result nothing is recorded.
    const incomplete = await c.post(`/diary/visits/${visit.id}/outcome`, { csrf, outcome: 'held' });
    expect(incomplete.status).toBe(400);
    expect(await q(`SELECT count(*)::int AS n FROM contact_events WHERE client_id = $1`, [w.vetId])).toEqual([{ n: 0 }]);
    const res = await c.post(`/diary/visits/${visit.id}/outcome`, {
      csrf,
      outcome: 'held',
      [`reason-${w.tasks.diagnostics}`]: 'no-competitor',
      [`note-${w.tasks.risk}`]: 'нет контакта с ЛПР: договорились о вебинаре',
      next: 'подборку по охране труда',
      note: 'обучить, проработать вебинары, задать пробный запрос на ГЛ',
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/diary?visit=${visit.id}&outcome=held&closed=3`);
    expect(
      await q('SELECT id, state, outcome FROM tasks WHERE id = ANY($1::bigint[]) ORDER BY id', [
        [w.tasks.risk, w.tasks.call, w.tasks.diagnostics],
      ]),
    ).toEqual([
      { id: w.tasks.risk, state: 'done', outcome: 'held' },
      { id: w.tasks.call, state: 'done', outcome: 'held' },
      { id: w.tasks.diagnostics, state: 'done', outcome: 'no_competitor' },
    ]);
    const events = await q('SELECT natural_key, outcome, task_id, contact_id FROM contact_events WHERE client_id = $1', [w.vetId]);
    expect(events).toEqual([{ natural_key: `visit.${visit.id}`, outcome: 'held', task_id: w.tasks.call, contact_id: w.lprId }]);
    const after = (await c.get(res.location as string)).body;
    expect(after).toContain('Контакт с клиентом записан: Контакт состоялся. Закрыто поводов: 3.');
    expect(after).not.toContain(`id="visit-${visit.id}"`);
    // Sent again: nothing more recorded.
    expect((await c.post(`/diary/visits/${visit.id}/outcome`, { csrf, outcome: 'held' })).status).toBe(303);
    expect(await q(`SELECT count(*)::int AS n FROM contact_events WHERE client_id = $1`, [w.vetId])).toEqual([{ n: 1 }]);
  });

  it('refuses another specialist’s visit as not found', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const csrf = csrfOf((await c.get('/diary')).body);
    const [boris] = await q(`SELECT id FROM visits WHERE assignee_id = $1 AND state = 'open'`, [w.borisId]);
    expect((await c.post(`/diary/visits/${boris.id}/outcome`, { csrf, outcome: 'held' })).status).toBe(404);
    expect(await q(`SELECT state FROM visits WHERE id = $1`, [boris.id])).toEqual([{ state: 'open' }]);
  });
});

describe('the head’s decisions on overflow', () => {
  it('lists what does not fit with its reason, and moves a deadline, reassigns and drops with a reason — each recorded', async () => {
    // Boris is away for the week: his visits do not fit; one more client of his with a risk review.
    await t.app.pool.query(`INSERT INTO employee_absences (employee_id, from_date, to_date) VALUES ($1, '2024-06-06', '2024-06-14')`, [
      w.borisId,
    ]);
    const extra = await addClient(t.app.pool, { remoteId: w.borisId, number: 880001 });
    await insertTasks(
      t.app.pool,
      [
        {
          kind: 'risk-review',
          title: 'Клиент с высоким риском',
          assigneeId: w.borisId,
          clientId: extra,
          dueAt: zonedTime('2024-06-07', 18, 0, 'Europe/Moscow'),
          dedupKey: 'overflow.extra',
          createdBy: 'test',
        },
      ],
      new Date('2024-06-06T06:00:00Z'),
    );
    await planWork(t.app);
    const head = await signedIn('Фисун Екатерина Александровна');
    let page = (await head.get('/diary')).body;
    const over = await q(`SELECT id, client_id FROM visits WHERE assignee_id = $1 AND state = 'open' ORDER BY id`, [w.borisId]);
    expect(over).toHaveLength(2);
    expect(page).toMatch(/Не помещается в план \(\d+\)/);
    for (const v of over) expect(page).toContain(`id="overflow-${v.id}"`);
    expect(page).toContain('сотрудник отсутствует по 14.06: передайте визит другому');
    const csrf = csrfOf(page);
    const [first, second] = over;
    // Move: a deadline before the leave ends does not help, but it is recorded and the tasks move.
    const moved = await head.post(`/diary/visits/${first.id}/move`, { csrf, to: '2024-06-10' });
    expect(moved.status).toBe(303);
    expect(await q(`SELECT DISTINCT due_at FROM tasks WHERE visit_id = $1`, [first.id])).toEqual([
      { due_at: zonedTime('2024-06-10', 18, 0, 'Europe/Moscow') },
    ]);
    // Reassign to Anna: her plan takes it.
    const given = await head.post(`/diary/visits/${first.id}/reassign`, { csrf, to: String(w.annaId) });
    expect(given.status).toBe(303);
    const [annas] = await q(`SELECT planned_on FROM visits WHERE assignee_id = $1 AND client_id = $2 AND state = 'open'`, [
      w.annaId,
      first.client_id,
    ]);
    expect(annas.planned_on).not.toBeNull();
    // Drop without a reason is refused; with one, the reasons are cancelled.
    expect((await head.post(`/diary/visits/${second.id}/drop`, { csrf, reason: '' })).status).toBe(400);
    expect((await head.post(`/diary/visits/${second.id}/drop`, { csrf, reason: 'клиент на ликвидации' })).status).toBe(303);
    expect(await q(`SELECT state, note FROM tasks WHERE dedup_key = 'overflow.extra'`)).toEqual([
      { state: 'cancelled', note: 'снято руководителем: клиент на ликвидации' },
    ]);
    expect(await q(`SELECT visit_id, action, by_employee_id, before, after, reason FROM overflow_decisions ORDER BY id`)).toEqual([
      { visit_id: first.id, action: 'move', by_employee_id: w.headId, before: '2024-06-06', after: '2024-06-10', reason: null },
      {
        visit_id: first.id,
        action: 'reassign',
        by_employee_id: w.headId,
        before: expect.stringContaining(''),
        after: 'Лукина Елена Ивановна',
        reason: null,
      },
      { visit_id: second.id, action: 'drop', by_employee_id: w.headId, before: null, after: null, reason: 'клиент на ликвидации' },
    ]);
    page = (await head.get('/diary')).body;
    expect(page).not.toContain(`id="overflow-${second.id}"`);
    // A specialist cannot decide.
    const anna = await signedIn('Лукина Елена Ивановна');
    const c2 = csrfOf((await anna.get('/diary')).body);
    expect((await anna.post(`/diary/visits/${first.id}/drop`, { csrf: c2, reason: 'x' })).status).toBe(403);
  });
});
