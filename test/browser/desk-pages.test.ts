/**
 * «Отчёты» and the month's content page in a real headless Chromium, on the demo's story: a head
 * reads the department's reports and downloads a valid workbook through «Скачать Excel»; a
 * specialist cannot open another department's report; the content page takes a workbook with
 * an error in one cell (shown by cell), then a good one, shows each variant in frames of a
 * phone's and a desktop's width, and sends a test to the head. No page scrolls sideways at
 * 360 px. Screenshots go to test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 also to docs/.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readContentDir } from '../../src/content/load.js';
import { writeWorkbook } from '../../src/content/workbook.js';
import { runStory, type Story } from '../fixtures/story.js';
import { ARTIFACTS_DIR, type BrowserSession, inPage, launchBrowser, pageWidths } from '../helpers/browser.js';
import { cli } from '../imports/helpers.js';
import { SAMPLE_DIR } from '../mailing/fixtures.js';

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const DOCS = join(PROJECT_ROOT, 'docs');
const MONTH = '2024-07';

let story: Story;
let browser: BrowserSession;
let head: { name: string; department: string; department_id: number };

beforeAll(async () => {
  story = await runStory();
  browser = await launchBrowser();
  [head] = await q(
    `SELECT h.name, d.name AS department, d.id AS department_id FROM employees h JOIN departments d ON d.id = h.department_id
      WHERE h.is_department_head AND h.active
        AND EXISTS (SELECT 1 FROM clients c JOIN employees s ON s.id = c.remote_specialist_id WHERE s.department_id = h.department_id)
      ORDER BY h.name LIMIT 1`,
  );
  await q(`UPDATE employees SET email = 'head@ric502.example' WHERE name = $1`, [head.name]);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await story?.close();
});

async function q(sql: string, params: unknown[] = []) {
  return (await story.t.app.pool.query(sql, params)).rows;
}

async function signIn(page: Page, name: string): Promise<void> {
  const res = await cli(story.t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  await browser.context.clearCookies();
  // The link's page, then «Войти» (which posts the token).
  expect((await page.goto(JSON.parse(res.out).url))?.status()).toBe(200);
  await Promise.all([page.waitForURL(/\/diary$/), page.getByRole('button', { name: 'Войти' }).click()]);
  expect(new URL(page.url()).pathname).toBe('/diary');
}

async function expectNoSidewaysScroll(page: Page, width = PHONE.width): Promise<void> {
  const { scrollWidth, clientWidth } = await pageWidths(page);
  expect(clientWidth).toBe(width);
  expect(scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

async function shot(what: Page | Locator, name: string, docs?: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await what.screenshot({ path });
  if (docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(path, join(DOCS, `${docs}.png`));
  }
}

describe('«Отчёты» in Chromium', () => {
  it('shows a head the department’s reports on a phone and downloads a valid workbook', async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, head.name);
    await Promise.all([page.waitForURL(/\/diary\/reports$/), page.locator('nav.diary-links a', { hasText: 'Отчёты' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Отчёты');
    expect(await page.locator('ul.report-list a').count()).toBeGreaterThanOrEqual(16);
    await expectNoSidewaysScroll(page);
    await page.setViewportSize(DESKTOP);
    await shot(page, 'diary-reports', 'diary-reports');

    await page.setViewportSize(PHONE);
    await page.locator('ul.report-list a', { hasText: 'Фиксация отклонений' }).click();
    await page.waitForURL(/\/diary\/reports\/deviations$/);
    expect(await page.locator('input[name="department"]').inputValue()).toBe(head.department);
    const others = await q(
      `SELECT c.number FROM clients c JOIN employees e ON e.id = c.remote_specialist_id
        WHERE e.department_id <> $1 AND c.field_specialist_id IS NULL`,
      [head.department_id],
    );
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain(`Подразделение`);
    for (const o of others.slice(0, 20)) expect(body).not.toContain(`${String(o.number).padStart(6, '0')} - `);
    await expectNoSidewaysScroll(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a', { hasText: 'Скачать Excel' }).click()]);
    expect(download.suggestedFilename()).toBe('deviations.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path()) as string);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((ws.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Описание', 'Сотрудник (упр)', 'Подразделение']);
    expect(String(ws.getRow(ws.rowCount).getCell(1).value)).toMatch(/^Итого: \(\d+\)$/);
    await page.setViewportSize(DESKTOP);
    await shot(page, 'diary-report', 'diary-report');

    await page.setViewportSize(PHONE);
    await page.goto(`${story.base}/diary/reports/contact-work?by=week`);
    expect(await page.locator('h1').textContent()).toBe('Отчет по контактам с клиентами');
    await expectNoSidewaysScroll(page);
    await page.close();
  });

  it('does not open another department’s report for a specialist', async () => {
    const [specialist] = await q(
      `SELECT e.name FROM employees e WHERE e.role = 'remote' AND e.active AND e.department_id IS NOT NULL AND e.department_id <> $1 LIMIT 1`,
      [head.department_id],
    );
    const page = await browser.newPage(PHONE);
    await signIn(page, specialist.name);
    const res = await page.goto(`${story.base}/diary/reports/deviations?department=${encodeURIComponent(head.department)}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Отчёт не найден');
    expect((await page.goto(`${story.base}/diary/reports/delivery`))?.status()).toBe(404);
    const own = await page.goto(`${story.base}/diary/reports/silent-clients`);
    expect(own?.status()).toBe(200);
    await expectNoSidewaysScroll(page);
    await page.close();
  });
});

describe('the content page in Chromium', () => {
  /** The sample month as the next month's workbook, with `edit` applied, beside its PDFs in a folder of the test. */
  async function monthFolder(name: string, edit?: (wb: ExcelJS.Workbook) => void): Promise<string[]> {
    const dir = join(story.t.varDir, name);
    mkdirSync(dir, { recursive: true });
    const sample = readContentDir(SAMPLE_DIR);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeWorkbook(MONTH, { ...sample.content, period: MONTH })) as unknown as ArrayBuffer);
    edit?.(wb);
    writeFileSync(join(dir, 'content.xlsx'), Buffer.from(await wb.xlsx.writeBuffer()));
    const files = [join(dir, 'content.xlsx')];
    for (const f of sample.files) {
      writeFileSync(join(dir, f.name), readFileSync(join(SAMPLE_DIR, f.name)));
      files.push(join(dir, f.name));
    }
    return files;
  }

  it('shows an error in one cell, then loads the month and shows each variant at phone and desktop width', async () => {
    const page = await browser.newPage(PHONE);
    await signIn(page, head.name);
    await page.goto(`${story.base}/diary/content/${MONTH}`);
    expect(await page.locator('h1').textContent()).toBe('Рассылка ЛПР: Июль 2024');
    await expectNoSidewaysScroll(page);

    const bad = await monthFolder('bad', (wb) => {
      (wb.getWorksheet('Документы') as ExcelJS.Worksheet).getCell('B2').value = 'не ссылка';
    });
    await page.locator('input[type="file"]').setInputFiles(bad);
    await Promise.all([page.waitForLoadState('load'), page.locator('form.upload button').click()]);
    await expect
      .poll(() => page.locator('ul.problems li').allTextContents())
      .toEqual(['content.xlsx:Документы!B2: не ссылка на страницу в интернете (например, «https://www.consultant.ru/…»)']);
    await expectNoSidewaysScroll(page);
    expect(await q(`SELECT period FROM mailing_contents WHERE period = $1`, [MONTH])).toEqual([]);

    await page.locator('input[type="file"]').setInputFiles(await monthFolder('good'));
    await Promise.all([page.waitForURL(/loaded=1/), page.locator('form.upload button').click()]);
    expect(await page.locator('p.flash').first().textContent()).toContain('Файлы проверены и загружены');
    const sections = page.locator('section.variant');
    expect(await sections.count()).toBeGreaterThanOrEqual(2);
    await expectNoSidewaysScroll(page);
    await shot(page, 'diary-content-360');

    // Each frame shows the e-mail itself; at a phone's width it does not scroll sideways either.
    // The first variant with a recipient this head sees; the others say why they show no preview.
    const withPreview = page.locator('section.variant:has(figure.phone iframe)');
    expect(await withPreview.count()).toBeGreaterThanOrEqual(1);
    const first = withPreview.first();
    const frame = first.locator('figure.phone iframe');
    await frame.scrollIntoViewIfNeeded();
    const src = (await frame.getAttribute('src')) as string;
    const inner = page.frameLocator(`section.variant:has(figure.phone iframe) >> nth=0 >> figure.phone iframe`);
    await expect.poll(() => inner.locator('body').textContent(), { timeout: 15_000 }).toContain('Здравствуйте');
    const mail = await browser.newPage(PHONE);
    const res = await mail.goto(`${story.base}${src}`);
    expect(res?.status()).toBe(200);
    await expectNoSidewaysScroll(mail);
    await mail.setViewportSize(DESKTOP);
    await expectNoSidewaysScroll(mail, DESKTOP.width);
    await mail.close();

    await page.setViewportSize(DESKTOP);
    await inPage(page, '() => window.scrollTo(0, 0)');
    const desktop = page.frameLocator(`section.variant:has(figure.desktop iframe) >> nth=0 >> figure.desktop iframe`);
    await expect.poll(() => desktop.locator('body').textContent(), { timeout: 15_000 }).toContain('Здравствуйте');
    await shot(page, 'diary-content', 'diary-content');
    await page.close();
  });

  it('sends a test of a variant to the head and stores no message', async () => {
    const page = await browser.newPage(DESKTOP);
    await signIn(page, head.name);
    await page.goto(`${story.base}/diary/content/${MONTH}`);
    const messages = await q('SELECT count(*)::int AS n FROM messages');
    await Promise.all([page.waitForURL(/sent=/), page.locator('form.test button').first().click()]);
    expect(await page.locator('p.flash').first().textContent()).toContain('Тестовое письмо отправлено на ваш адрес (head@ric502.example).');
    expect(await q('SELECT count(*)::int AS n FROM messages')).toEqual(messages);
    expect(await q(`SELECT id FROM mailings WHERE period = $1`, [MONTH])).toEqual([]);
    await page.close();
  });
});
