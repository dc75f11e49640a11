/**
 * The queue board under its Content-Security-Policy (src/http/security-headers.ts) in a real
 * Chromium: the board's scripts, styles and API calls come from this site, so it renders its
 * queues with no policy violation; the policy is not loosened to make it work.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser } from '../helpers/browser.js';
import { ADMIN_TOKEN, createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';

let t: TestEnv;
let server: FastifyInstance;
let base: string;
let browser: BrowserSession;

beforeAll(async () => {
  t = await createTestEnv();
  ({ server, base } = await serve(t.app));
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe('the queue board in a browser', () => {
  it('renders its queues under its policy with no violation', async () => {
    const page = await browser.newPage({ width: 1280, height: 800 });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_TOKEN}` });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${base}/admin/queues`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByText('housekeeping').first().waitFor({ timeout: 30_000 });
    expect(violations.filter((v) => !/fonts\.googleapis\.com/.test(v))).toEqual([]);
  });
});
