/**
 * The team lead steers in a real headless Chromium: the head of a department sets a task for a
 * member, comments on it and moves its due date; the member sees the comment with its author
 * and time; every change is in the task's history (who, when, before → after).
 */
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { type BrowserSession, launchBrowser } from '../helpers/browser.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;
let browser: BrowserSession;
const staff: Record<string, number> = {};

const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

/** Open the employee's sign-in link, as they do: its page, then «Войти» (which posts the token). */
async function signIn(page: Page, name: string): Promise<void> {
  const res = await cli(t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  expect((await page.goto(`${base}/diary/login?token=${JSON.parse(res.out).token}`))?.status()).toBe(200);
  await Promise.all([page.waitForURL(/\/diary$/), page.getByRole('button', { name: 'Войти' }).click()]);
}

beforeAll(async () => {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  t = await createTestEnv();
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис 1_502');
  staff.head = await addEmployee(db, { name: 'Фисун Елена Анатольевна', role: 'head', departmentId: dep, email: 'fisun@ric502.example' });
  staff.member = await addEmployee(db, { name: 'Савостина Ксения Андреевна', departmentId: dep, email: 'savostina@ric502.example' });
  await addClient(db, { number: 198183, name: 'Био Технология', remoteId: staff.member });
  ({ server, base } = await serve(t.app));
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
  setClock(null);
});

describe('the head steers from the diary, in Chromium', () => {
  it('sets a task for a member, comments on it and moves its due date; the member sees the comment', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage({ width: 1024, height: 800 });
    await signIn(page, 'Фисун Елена Анатольевна');
    await page.click('text=Поставить задачу сотруднику');
    expect(new URL(page.url()).pathname).toBe('/diary/new');
    await page.selectOption('select[name=assignee]', String(staff.member));
    await page.fill('input[name=client]', '198183');
    await page.fill('textarea[name=title]', 'Провести обучение главного бухгалтера');
    await page.fill('input[name=due]', '2024-06-07');
    await page.click('button:has-text("Поставить задачу")');
    const taskId = Number(/\/diary\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    expect(taskId).toBeGreaterThan(0);
    const [task] = await q('SELECT * FROM tasks WHERE id = $1', [taskId]);
    expect(task).toMatchObject({
      assignee_id: staff.member,
      created_by: 'Фисун Елена Анатольевна',
      title: 'Провести обучение главного бухгалтера',
    });
    expect(task.due_at).toEqual(new Date('2024-06-07T18:00:00+03:00'));

    await page.fill('textarea[name=text]', 'обучить');
    await page.click('button:has-text("Добавить комментарий")');
    await page.fill('input[name=due]', '2024-06-14');
    await page.click('button:has-text("Изменить срок")');
    expect((await q('SELECT due_at FROM tasks WHERE id = $1', [taskId]))[0].due_at).toEqual(new Date('2024-06-14T18:00:00+03:00'));
    const changes = await q('SELECT by_name, field, before, after FROM task_changes WHERE task_id = $1 ORDER BY id', [taskId]);
    expect(changes).toEqual([
      { by_name: 'Фисун Елена Анатольевна', field: 'created', before: null, after: 'Провести обучение главного бухгалтера' },
      { by_name: 'Фисун Елена Анатольевна', field: 'comment', before: null, after: 'обучить' },
      { by_name: 'Фисун Елена Анатольевна', field: 'due_at', before: '2024-06-07T15:00:00.000Z', after: '2024-06-14T15:00:00.000Z' },
    ]);
    await page.click('text=История изменений');
    expect(await page.locator('ul.changes').textContent()).toContain('Срок: 07.06.2024 18:00 → 14.06.2024 18:00');

    // The member: the comment on the task with its author and time, as in the CRM card.
    await browser.context.clearCookies();
    const member = await browser.newPage({ width: 1024, height: 800 });
    await signIn(member, 'Савостина Ксения Андреевна');
    await member.goto(`${base}/diary/tasks/${taskId}`);
    const comment = await member.locator('ul.comments li').textContent();
    expect(comment).toMatch(/Фисун Елена Анатольевна 03\.06\.2024 10:\d\d Комментарий: обучить/);
    // A member may not move a due date: no form, and a forged POST is refused.
    expect(await member.locator('input[name=due]').count()).toBe(0);
    /** The head's due-date form, forged in the member's page and submitted by Chromium with the member's session. */
    const forge = async (token: string) => {
      const action = `/diary/tasks/${taskId}/due`;
      const [res] = await Promise.all([
        member.waitForResponse((r) => new URL(r.url()).pathname === action && r.request().method() === 'POST'),
        // A page script (a string: the tests have no DOM types) that builds the form and submits it.
        member.evaluate(`(() => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = ${JSON.stringify(action)};
          for (const [name, value] of Object.entries({ csrf: ${JSON.stringify(token)}, due: '2024-06-21' })) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        })()`),
      ]);
      await member.waitForLoadState();
      return { status: res.status(), text: await member.locator('body').textContent() };
    };
    // With the member's own valid form token: another's task is not theirs to move.
    const csrf = await member.locator('input[name=csrf]').first().inputValue();
    expect(csrf).toMatch(/\S{20,}/);
    const own = await forge(csrf);
    expect(own.status).toBe(404);
    expect(own.text).toContain('Задача не найдена');
    // With a made-up token: refused before anything is looked at.
    await member.goto(`${base}/diary/tasks/${taskId}`);
    const madeUp = await forge('forged-token');
    expect(madeUp.status).toBe(403);
    expect(madeUp.text).toContain('Форма не принята');
    expect((await q('SELECT due_at FROM tasks WHERE id = $1', [taskId]))[0].due_at).toEqual(new Date('2024-06-14T18:00:00+03:00'));
    expect(await q('SELECT count(*)::int AS n FROM task_changes WHERE task_id = $1', [taskId])).toEqual([{ n: 3 }]);
  });
});
