/**
 * A real headless Chromium for page tests: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download). Every launch gets a new empty profile directory,
 * removed again by `close()` — call it in afterAll. Flags as in shared/TESTING.md: without the
 * background-networking ones Chromium tries hosts this machine cannot reach.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/config.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and other files a test run leaves for people to look at (git-ignored). */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'test-artifacts');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  /** A new tab with a viewport of this size (CSS pixels). */
  newPage(viewport: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser tests need Debian's chromium. Run .ci/system-deps (npm test runs it first), or set CHROMIUM_PATH.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'cg-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Run a function, given as source text, in the page with an argument. Source text because the
 * project compiles without the DOM library: code that runs in the browser is not type-checked
 * against Node's globals.
 */
export async function inPage<T>(page: Page, fn: string, arg: unknown = null): Promise<T> {
  return (await page.evaluate(`(${fn})(${JSON.stringify(arg)})`)) as T;
}

/** Every URL the page requests from now on (the page itself included). */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

/** A full-page PNG under test-artifacts/; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The page's scroll width against the width of its window: a page that scrolls sideways has the first larger. */
export async function pageWidths(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return inPage(page, '() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })');
}
