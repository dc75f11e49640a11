/**
 * HTML reports in a real headless Chromium: at 360 px wide the page never scrolls sideways
 * (wide tables scroll in their own box), the charts are there and visible, the page loads
 * nothing but itself, database values stay text. Screenshots go to test-artifacts/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { renderChart } from '../../src/reports/charts/index.js';
import { renderHtml } from '../../src/reports/html.js';
import { OVERVIEW } from '../../src/reports/index.js';
import { ALL_CHARTS, galleryReport } from '../fixtures/charts.js';
import {
  ARTIFACTS_DIR,
  type BrowserSession,
  inPage,
  launchBrowser,
  pageWidths,
  recordRequests,
  saveScreenshot,
} from '../helpers/browser.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

const PHONE = { width: 360, height: 740 };
const EVIL_JOB = '<script>document.title="pwned"</script>';

let t: TestEnv;
let browser: BrowserSession;

beforeAll(async () => {
  t = await createTestEnv();
  browser = await launchBrowser();
  await t.app.pool.query(
    `INSERT INTO job_runs (job, period, trigger, state, started_at, heartbeat_at, finished_at, stats, error)
     SELECT job, period, 'schedule', state, at, at, CASE WHEN state <> 'running' THEN at + interval '2 seconds' END,
            '{"sent":12,"failed":0,"skippedBecauseTheRecipientUnsubscribed":3}',
            CASE WHEN state = 'failed' THEN 'connect ECONNREFUSED 127.0.0.1:25' END
     FROM (VALUES ('housekeeping', '2024-06-03T0850', 'completed', '2024-06-03T05:50:00Z'::timestamptz),
                  ('housekeeping', '2024-06-03T0855', 'completed', '2024-06-03T05:55:00Z'),
                  ('housekeeping', '2024-06-03T0900', 'failed', '2024-06-03T06:00:00Z'),
                  ('send-email', '2024-06-03T0900', 'completed', '2024-06-03T06:00:05Z'),
                  ('risk-score', '2024-W23', 'running', '2024-06-03T06:00:10Z'),
                  ($1, '2024-06', 'failed', '2024-06-03T06:00:20Z')) AS v(job, period, state, at)`,
    [EVIL_JOB],
  );
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function cliToFile(name: string, ...argv: string[]): Promise<string> {
  const file = join(t.varDir, name);
  let err = '';
  const code = await runCli(
    [...argv, '--out', file, '--now', '2024-06-03T09:00:00+03:00'],
    { out: () => {}, err: (s) => (err += s) },
    t.config,
  );
  expect(code, err).toBe(0);
  return file;
}

/** Open a file at phone width; the page's requests are recorded from the first one on. */
async function openAtPhoneWidth(file: string): Promise<{ page: Page; requests: string[]; url: string }> {
  const page = await browser.newPage(PHONE);
  const requests = recordRequests(page);
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, url };
}

async function expectFitsThePhone(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await pageWidths(page);
  expect(clientWidth).toBe(PHONE.width);
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

async function expectVisibleCharts(page: Page, count: number): Promise<void> {
  const charts = page.locator('svg.chart');
  expect(await charts.count()).toBe(count);
  for (let i = 0; i < count; i++) {
    const chart = charts.nth(i);
    expect(await chart.isVisible()).toBe(true);
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(250);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    expect(box?.height).toBeGreaterThan(50);
  }
}

describe('HTML reports in Chromium', () => {
  it('shows the job-runs report on a phone: no sideways scroll, a visible chart, no requests, values as text', async () => {
    const file = await cliToFile('job-runs.html', 'report', 'job-runs', '--format', 'html');
    const { page, requests, url } = await openAtPhoneWidth(file);
    await expectFitsThePhone(page);
    await expectVisibleCharts(page, 1);
    expect(await page.locator('svg.chart rect[data-value]').count()).toBeGreaterThanOrEqual(4);
    expect(requests).toEqual([url]);
    // The hostile job name is shown as text and ran nothing.
    expect(await page.title()).toBe(`Журнал запусков заданий — ${t.config.ric.name}`);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('td', { hasText: EVIL_JOB }).count()).toBe(1);
    // The wide table scrolls inside its own box instead.
    const wrap = await page.locator('.table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(wrap.scroll).toBeGreaterThan(wrap.client);
    await saveScreenshot(page, 'report-job-runs-360');
    await page.close();
  });

  it('shows the overview on a phone and on a desktop screen', async () => {
    const file = await cliToFile('overview.html', 'report', 'overview', '--format', 'html');
    const { page, requests, url } = await openAtPhoneWidth(file);
    await expectFitsThePhone(page);
    await expectVisibleCharts(page, 1);
    // The first report of OVERVIEW, whichever capability registered it.
    const first = await page.locator('nav.toc a').first().getAttribute('href');
    expect(first).toBe(`#report-${OVERVIEW[0]}`);
    await page.locator('nav.toc a').first().click();
    expect(page.url()).toBe(`${url}${first}`);
    expect(requests).toEqual([url]);
    await saveScreenshot(page, 'overview-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await saveScreenshot(page, 'overview');
    await page.close();
  });

  it('fits every chart kind and a wide table on a phone, and prints', async () => {
    const file = join(t.varDir, 'gallery.html');
    writeFileSync(file, renderHtml(galleryReport(), { tz: 'Europe/Moscow', generatedAt: new Date('2024-06-03T06:00:00Z') }));
    const { page, requests, url } = await openAtPhoneWidth(file);
    await expectFitsThePhone(page);
    await expectVisibleCharts(page, ALL_CHARTS.length);
    expect(requests).toEqual([url]);
    await saveScreenshot(page, 'charts-360');

    // Each chart on its own is well-formed SVG (a strict XML parse).
    const errors = await inPage<(string | null)[]>(
      page,
      `(svgs) => svgs.map((s) => new DOMParser().parseFromString(s, 'image/svg+xml').querySelector('parsererror')?.textContent ?? null)`,
      ALL_CHARTS.map((c) => renderChart(c)),
    );
    expect(errors).toEqual(ALL_CHARTS.map(() => null));

    // Printed: tables unfold, charts stay, colours are kept.
    await page.emulateMedia({ media: 'print' });
    const style = (selector: string, property: string) =>
      inPage<string>(page, '([s, p]) => getComputedStyle(document.querySelector(s))[p]', [selector, property]);
    expect(await style('.table-wrap', 'overflowX')).toBe('visible');
    expect(await style('body', 'printColorAdjust')).toBe('exact');
    await expectVisibleCharts(page, ALL_CHARTS.length);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, path: join(ARTIFACTS_DIR, 'charts.pdf') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
