/**
 * The client's card in a real headless Chromium, on the demo's story: a specialist finds her
 * client with the search box (by number and by part of the name, only among her clients) and
 * opens the card on a 360 px phone without sideways scrolling, and is refused another's; a head
 * reaches the card of any client of her department from a report row in one click; the
 * timeline shows a call once after the CRM echoed it back, and filters by kind; the card prints
 * on A4. A screenshot goes to test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 to docs/ for the README.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { CallsFacts } from '../../src/demo/calls.js';
import { runStory, type Story } from '../fixtures/story.js';
import { ARTIFACTS_DIR, type BrowserSession, inPage, launchBrowser, pageWidths } from '../helpers/browser.js';
import { cli } from '../imports/helpers.js';

const PHONE = { width: 360, height: 740 };
const DOCS = join(PROJECT_ROOT, 'docs');

let story: Story;
let browser: BrowserSession;
let specialist: { id: number; name: string; department_id: number };
let head: { id: number; name: string };
/** A client of the specialist with a history, one of a colleague of her department, one of another department. */
let own: { id: number; number: number; name: string };
let colleague: { number: number; name: string };
let foreign: { number: number; name: string };

const q = async (sql: string, params: unknown[] = []) => (await story.t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  story = await runStory();
  browser = await launchBrowser();
  const calls = story.ctx.facts.calls as CallsFacts;
  [specialist] = (await q('SELECT id, name, department_id FROM employees WHERE id = $1', [calls.specialistId])) as [typeof specialist];
  [head] = (await q(
    `SELECT id, name FROM employees WHERE is_department_head AND department_id = $1 ORDER BY (role = 'head') DESC, id LIMIT 1`,
    [specialist.department_id],
  )) as [typeof head];
  // Her client with a call closed in the diary's way (a contact event of a task), else the one with most events.
  [own] = (await q(
    `SELECT c.id, c.number, c.name FROM clients c
      WHERE c.remote_specialist_id = $1
      ORDER BY (SELECT count(*) FROM contact_events e WHERE e.client_id = c.id AND e.task_id IS NOT NULL) DESC,
               (SELECT count(*) FROM contact_events e WHERE e.client_id = c.id) DESC, c.number LIMIT 1`,
    [specialist.id],
  )) as [typeof own];
  [colleague] = (await q(
    `SELECT c.number, c.name FROM clients c JOIN employees r ON r.id = c.remote_specialist_id
      WHERE r.department_id = $1 AND r.id <> $2 AND (c.field_specialist_id IS NULL OR c.field_specialist_id <> $2) ORDER BY c.number LIMIT 1`,
    [specialist.department_id, specialist.id],
  )) as [typeof colleague];
  [foreign] = (await q(
    `SELECT c.number, c.name FROM clients c JOIN employees r ON r.id = c.remote_specialist_id
       LEFT JOIN employees f ON f.id = c.field_specialist_id
      WHERE r.department_id <> $1 AND (f.id IS NULL OR f.department_id <> $1) ORDER BY c.number LIMIT 1`,
    [specialist.department_id],
  )) as [typeof foreign];
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await story?.close();
});

/** A new tab; a busy machine makes Chromium slow, not the test red (waits of 2 minutes). */
async function open(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage(viewport);
  page.setDefaultTimeout(120_000);
  page.setDefaultNavigationTimeout(120_000);
  return page;
}

async function signIn(page: Page, name: string): Promise<void> {
  const res = await cli(story.t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  await page.goto(JSON.parse(res.out).url);
  await Promise.all([page.waitForURL(/\/diary$/, { waitUntil: 'domcontentloaded' }), page.getByRole('button', { name: 'Войти' }).click()]);
}

async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  const { scrollWidth, clientWidth } = await pageWidths(page);
  expect(clientWidth).toBe(width);
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

/** The header's search box (from the diary's start page when the page has none: «не найдено»). */
async function search(page: Page, text: string): Promise<void> {
  if (!(await page.locator('form.search').count())) await page.goto(`${story.base}/diary`);
  await page.locator('form.search input[name="q"]').first().fill(text);
  // The page that answers the search: the results, or the card a number found exactly redirects to.
  const answered = (r: Response) =>
    r.request().isNavigationRequest() && r.status() === 200 && new URL(r.url()).pathname.startsWith('/diary/clients');
  const [res] = await Promise.all([page.waitForResponse(answered), page.locator('form.search button').first().click()]);
  await page.waitForURL(res.url(), { waitUntil: 'domcontentloaded' });
}

/** Numbers of the clients a results page lists. */
const found = (page: Page) =>
  page
    .locator('main ul.compact a[href^="/diary/clients/"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('href')?.split('/').pop())));

// A busy machine (the report page of a head builds the report) can take minutes, not a failure.
describe('the client card in Chromium', { timeout: 300_000 }, () => {
  it('a specialist finds her client by number and opens the card on a 360 px phone without sideways scrolling', async () => {
    await browser.context.clearCookies();
    const page = await open(PHONE);
    await signIn(page, specialist.name);
    await search(page, String(own.number));
    expect(new URL(page.url()).pathname).toBe(`/diary/clients/${own.number}`);
    expect(await page.locator('section#card h2').textContent()).toContain(own.name);
    for (const id of ['indicator', 'components', 'contacts', 'work', 'timeline'])
      expect(await page.locator(`section#${id}`).count(), id).toBe(1);
    expect(await page.locator('section#indicator svg.chart rect.band').count()).toBe(3);
    expect(await page.locator('ol.timeline > li').count()).toBeGreaterThan(0);
    await expectNoSidewaysScroll(page, PHONE.width);
    // No script on the page: it works as it is without JavaScript.
    expect(await inPage<number>(page, '() => document.scripts.length')).toBe(0);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'client-card-360.png'), fullPage: true });
    // For the README: the top of the card at a phone's width.
    await page.setViewportSize({ width: 412, height: 1500 });
    const path = join(ARTIFACTS_DIR, 'diary-client.png');
    await page.screenshot({ path });
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') copyFileSync(path, join(DOCS, 'diary-client.png'));
    await page.close();
  });

  it('the search finds by part of the name only among her clients, and another’s card is «не найдено»', async () => {
    await browser.context.clearCookies();
    const page = await open(PHONE);
    await signIn(page, specialist.name);
    const part = own.name
      .replace(/[«»"]/g, ' ')
      .trim()
      .split(/\s+/)
      .find((w) => w.length >= 4) as string;
    await search(page, part.toLowerCase());
    const numbers = await found(page);
    expect(numbers).toContain(own.number);
    const mine = (await q('SELECT number FROM clients WHERE remote_specialist_id = $1 OR field_specialist_id = $1', [specialist.id])).map(
      (r) => r.number,
    );
    for (const n of numbers) expect(mine).toContain(n);
    for (const other of [colleague, foreign]) {
      await search(page, String(other.number));
      expect(await page.locator('main p.empty').textContent()).toBe('Среди ваших клиентов такого нет.');
      const res = await page.goto(`${story.base}/diary/clients/${other.number}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Клиент не найден');
      expect(await page.content()).not.toContain(other.name);
    }
    await page.close();
  });

  it('a head reaches a card of her department from a report row in one click, and no card of another department', async () => {
    await browser.context.clearCookies();
    const page = await open({ width: 1024, height: 900 });
    await signIn(page, head.name);
    await page.goto(`${story.base}/diary/reports/deviations`);
    const link = page.locator('table a[href^="/diary/clients/"]').first();
    const href = (await link.getAttribute('href')) as string;
    await Promise.all([page.waitForURL(new RegExp(`${href}$`)), link.click()]);
    expect(await page.locator('section#card h2').textContent()).toContain(href.split('/').pop() as string);
    expect(await page.getByRole('link', { name: 'Поставить задачу по клиенту' }).count()).toBe(1);
    for (const n of [colleague.number, own.number]) expect((await page.goto(`${story.base}/diary/clients/${n}`))?.status()).toBe(200);
    expect((await page.goto(`${story.base}/diary/clients/${foreign.number}`))?.status()).toBe(404);
    await search(page, colleague.name.slice(0, 12));
    expect(await found(page)).toContain(colleague.number);
    await page.close();
  });

  it('the timeline shows a call once after the CRM echoed it back, and filters by kind', async () => {
    const [call] = await q(
      `SELECT e.id, e.task_id, to_char(e.occurred_at AT TIME ZONE 'Europe/Moscow', 'DD.MM.YYYY') AS day FROM contact_events e
        WHERE e.client_id = $1 AND e.task_id IS NOT NULL ORDER BY e.id LIMIT 1`,
      [own.id],
    );
    expect(call, 'the demo closes a call of this client in the diary’s way').toBeDefined();
    const out = join(story.t.varDir, 'card-work.tsv');
    const exported = await cli(story.t, 'export', 'contact-events', '--from', call.day, '--to', call.day, '--out', out);
    expect(exported.code, exported.err).toBe(0);
    const table = iconv
      .decode(readFileSync(out), 'win1251')
      .split('\r\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    const rows = table.filter((r, i) => i === 0 || r.some((c) => c.includes(`[cg:task ${call.task_id}]`)));
    expect(rows).toHaveLength(2);
    (rows[1] as string[])[0] = 'Р-77001';
    const echo = join(story.t.varDir, 'card-echo.tsv');
    writeFileSync(echo, iconv.encode(`${rows.map((r) => r.join('\t')).join('\r\n')}\r\n`, 'win1251'));
    const imported = await cli(story.t, 'import', 'contact-events', echo, '--json');
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ inserted: 0, summary: { linkedToChurnguard: 1 } });

    await browser.context.clearCookies();
    const page = await open(PHONE);
    await signIn(page, specialist.name);
    await page.goto(`${story.base}/diary/clients/${own.number}`);
    await page.locator('form.filters input[value="contact"]').check();
    await page.locator('form.filters input[value="task"]').check();
    await Promise.all([page.waitForURL(/kind=contact&kind=task/), page.locator('form.filters button').click()]);
    const kinds = await page.locator('ol.timeline > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['contact', 'task']));
    // The call: one contact item naming its task, no «Закрыта задача» of it beside.
    const mentions = page.locator('ol.timeline > li', { hasText: `задача № ${call.task_id}` });
    const texts = await mentions.allTextContents();
    expect(texts.filter((t) => /звонок|Телефонный/i.test(t) && !t.includes('Поставлена'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Закрыта задача'))).toHaveLength(0);
    await expectNoSidewaysScroll(page, PHONE.width);
    await page.close();
  });

  it('prints on A4: the search and filters left out, nothing wider than the sheet', async () => {
    await browser.context.clearCookies();
    const page = await open({ width: 718, height: 1000 });
    await signIn(page, specialist.name);
    await page.goto(`${story.base}/diary/clients/${own.number}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form.search').isVisible()).toBe(false);
    expect(await page.locator('form.filters').isVisible()).toBe(false);
    await expectNoSidewaysScroll(page, 718);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'client-card.pdf'), pdf);
    await page.close();
  });
});
