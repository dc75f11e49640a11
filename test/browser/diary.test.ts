/**
 * The diary and the overview in a real headless Chromium, on the demo's story: a specialist signs
 * in with the link of `admin employee token`, sees the day's tasks on a 360 px phone without
 * sideways scrolling (one card per visit, at most the capacity), records a visit's outcome through
 * its one form (its reasons leave the list, one contact event is stored); no token, a forged CSRF token or another specialist's task is refused; a head
 * gives a task to another member. Screenshots of the diary and the overview go to
 * test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 they are copied to docs/ for the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { CallsFacts } from '../../src/demo/calls.js';
import { writeOverview } from '../../src/demo/summary.js';
import { runStory, type Story } from '../fixtures/story.js';
import { ARTIFACTS_DIR, type BrowserSession, launchBrowser, pageWidths } from '../helpers/browser.js';
import { cli } from '../imports/helpers.js';

const PHONE = { width: 360, height: 740 };
const DOCS = join(PROJECT_ROOT, 'docs');

let story: Story;
let browser: BrowserSession;
let specialist: { id: number; name: string };

beforeAll(async () => {
  story = await runStory();
  browser = await launchBrowser();
  const calls = story.ctx.facts.calls as CallsFacts;
  specialist = { id: calls.specialistId as number, name: calls.specialist as string };
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await story?.close();
});

const q = async (sql: string, params: unknown[] = []) => (await story.t.app.pool.query(sql, params)).rows;

async function signInLink(name: string): Promise<string> {
  const res = await cli(story.t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  return JSON.parse(res.out).url;
}

/** Open a sign-in link as the employee does: its page, then «Войти» (which posts the token); the diary's response. */
async function openSignInLink(page: Page, name: string) {
  const link = await page.goto(await signInLink(name));
  expect(link?.status()).toBe(200);
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/diary' && r.request().method() === 'GET'),
    page.getByRole('button', { name: 'Войти' }).click(),
  ]);
  await page.waitForURL(/\/diary$/);
  return res;
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await pageWidths(page);
  expect(clientWidth).toBe(PHONE.width);
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

/**
 * A screenshot of what the screen shows (not the whole long page) or of one element, under
 * test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 also as docs/<docs>.png (the README's pictures).
 */
async function shot(what: Page | Locator, name: string, docs?: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await what.screenshot({ path });
  if (docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(path, join(DOCS, `${docs}.png`));
  }
  return path;
}

const taskIds = async (page: Page) =>
  (await page.locator('section.mine article.task').evaluateAll((els) => els.map((e) => e.id))).map((id) => Number(id.slice(5)));

describe('the diary in Chromium', () => {
  it('signs in with the link and shows the day’s tasks on a 360 px phone without sideways scrolling', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage(PHONE);
    const res = await openSignInLink(page, specialist.name);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/diary');
    // The signed-in page's address carries no token.
    expect(page.url()).not.toContain('token');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Ежедневник');
    expect(await page.locator('header.diary .subtitle').textContent()).toContain(specialist.name);
    // One card per visit planned for today, never more than the person's capacity; each with its open reasons.
    const ids = await taskIds(page);
    const visits = await page.locator('section.mine section.visit').count();
    const [today] = await q(
      `SELECT count(DISTINCT v.id)::int AS visits, count(t.id)::int AS reasons FROM visits v JOIN tasks t ON t.visit_id = v.id AND t.state = 'open'
        WHERE v.assignee_id = $1 AND v.state = 'open' AND v.planned_on = '2024-06-06'`,
      [specialist.id],
    );
    expect(visits).toBe(today.visits);
    expect(ids.length).toBe(today.reasons);
    expect(visits).toBeGreaterThan(0);
    expect(visits).toBeLessThanOrEqual(story.t.config.workload.remote);
    await expectNoSidewaysScroll(page);
    // Opened, a call task shows the script and the form, still within the screen's width.
    // A call whose person clicked a link, when there is one left open.
    const [clicked] = await q(
      `SELECT id FROM tasks WHERE assignee_id = $1 AND kind = 'lpr-call' AND state = 'open'
          AND jsonb_array_length(payload->'humanClicks') > 0 AND id = ANY($2::bigint[]) ORDER BY id LIMIT 1`,
      [specialist.id, ids],
    );
    const call = clicked
      ? page.locator(`#task-${clicked.id}`)
      : page.locator('section.mine article.task', { hasText: 'Звонок ЛПР' }).first();
    await call.locator(':scope > details > summary').click();
    await expect.poll(() => call.locator('ol.questions li').count()).toBe(5);
    // One outcome form per visit, after its reasons.
    const visit = page.locator('section.mine section.visit', { has: page.locator(`#${await call.getAttribute('id')}`) });
    expect(await visit.locator('form.outcome input[name="outcome"]').count()).toBe(4);
    await expectNoSidewaysScroll(page);
    await shot(call, 'diary-task-360');
    await call.locator(':scope > details > summary').click();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'diary-360');
    // For the README: the list as a phone shows it, and one call task opened.
    await page.setViewportSize({ width: 412, height: 1000 });
    await shot(page, 'diary', 'diary');
    await call.locator(':scope > details > summary').click();
    await shot(call, 'diary-task', 'diary-task');
    await page.close();
  });

  it('records a visit’s outcome through its one form: its reasons leave the list and one contact event is stored', async () => {
    const page = await browser.newPage(PHONE);
    await openSignInLink(page, specialist.name);
    // A visit with a call; a diagnostics among its reasons gets its own result.
    const visit = page.locator('section.mine section.visit', { has: page.locator('article.task', { hasText: 'Звонок ЛПР' }) }).first();
    const visitId = Number((await visit.getAttribute('id'))?.slice(6));
    const ids = (await visit.locator('article.task').evaluateAll((els) => els.map((e) => e.id))).map((x) => Number(x.slice(5)));
    await visit.locator('form.outcome input[value="held"]').check();
    for (const r of await visit.locator('form.outcome input[name^="reason-"][value="no-competitor"]').all()) await r.check();
    await visit.locator('form.outcome textarea[name="next"]').fill('сравнение с системой конкурента по охране труда');
    await visit.locator('form.outcome textarea[name="note"]').fill('письмо получила, ссылки работают');
    await Promise.all([page.waitForURL(/\/diary\?visit=/), visit.locator('form.outcome button[type="submit"]').click()]);
    expect(await page.locator('p.flash').textContent()).toContain(
      `Контакт с клиентом записан: Контакт состоялся. Закрыто поводов: ${ids.length}.`,
    );
    for (const id of ids) expect(await taskIds(page)).not.toContain(id);
    const closed = await q(`SELECT DISTINCT state, outcome FROM tasks WHERE id = ANY($1::bigint[]) AND kind <> 'competitor-diagnostics'`, [
      ids,
    ]);
    expect(closed).toEqual([{ state: 'done', outcome: 'held' }]);
    expect(await q('SELECT outcome, employee_id FROM contact_events WHERE natural_key = $1', [`visit.${visitId}`])).toEqual([
      { outcome: 'held', employee_id: specialist.id },
    ]);
    await page.close();
  });

  it('refuses a request without a token, with a forged CSRF token, or for another specialist’s task', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage(PHONE);
    const none = await page.goto(`${story.base}/diary`);
    expect(none?.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('Вход в ежедневник');
    expect(await page.locator('article.task').count()).toBe(0);

    await openSignInLink(page, specialist.name);
    const visit = page.locator('section.mine section.visit').first();
    const id = Number((await visit.getAttribute('id'))?.slice(6));
    const form = visit.locator('form.outcome');
    await form.locator('input[name="outcome"]').first().check();
    await form.locator('input[name="csrf"]').evaluate((el) => el.setAttribute('value', 'forged-token'));
    const [forged] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/outcome')),
      form.locator('button[type="submit"]').click(),
    ]);
    expect(forged.status()).toBe(403);
    expect(await q('SELECT state FROM visits WHERE id = $1', [id])).toEqual([{ state: 'open' }]);

    const [other] = await q(`SELECT id FROM tasks WHERE state = 'open' AND assignee_id <> $1 ORDER BY id LIMIT 1`, [specialist.id]);
    const foreign = await page.goto(`${story.base}/diary/tasks/${other.id}`);
    expect(foreign?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Задача не найдена');
    await page.close();
  });

  it('lets a head of department give a team member’s task to another member', async () => {
    const [head] = await q(
      `SELECT h.name FROM employees h JOIN employees s ON s.department_id = h.department_id
        WHERE s.id = $1 AND h.is_department_head AND h.active`,
      [specialist.id],
    );
    const page = await browser.newPage(PHONE);
    await openSignInLink(page, head.name);
    expect(await page.locator('section.team h2').textContent()).toContain('План группы');
    const card = page.locator('section.team article.task').first();
    const id = Number((await card.getAttribute('id'))?.slice(5));
    const [before] = await q('SELECT assignee_id FROM tasks WHERE id = $1', [id]);
    await card.locator(':scope > details > summary').click();
    const select = card.locator('form.reassign select[name="to"]');
    const options = await select.locator('option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const to = Number(options.find((v) => v !== '' && Number(v) !== before.assignee_id));
    await select.selectOption(String(to));
    await Promise.all([page.waitForURL(/\/diary\?moved=/), card.locator('form.reassign button').click()]);
    expect(await page.locator('p.flash').textContent()).toContain(`Задача № ${id} передана`);
    expect(await q('SELECT assignee_id FROM tasks WHERE id = $1', [id])).toEqual([{ assignee_id: to }]);
    expect(await q('SELECT from_employee_id, to_employee_id FROM task_reassignments WHERE task_id = $1', [id])).toEqual([
      { from_employee_id: before.assignee_id, to_employee_id: to },
    ]);
    await expectNoSidewaysScroll(page);
    await page.close();
  });
});

describe('the overview in Chromium', () => {
  it('shows every report with its charts, fits a phone, and is photographed for the README', async () => {
    const file = join(story.t.varDir, 'report.html');
    await writeOverview(story.t.app, file);
    const page = await browser.newPage(PHONE);
    await page.goto(pathToFileURL(file).href);
    await expectNoSidewaysScroll(page);
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(7);
    await shot(page, 'desk-overview-360');
    await page.setViewportSize({ width: 1280, height: 1000 });
    await shot(page, 'desk-overview', 'overview');
    // The seed's two results and the monthly contact, as charts.
    for (const name of ['mailing-funnel', 'lpr-work', 'primary-advance'])
      await shot(page.locator(`#report-${name} div.charts`), `desk-overview-${name}`, `overview-${name}`);
    await page.close();
  });
});
