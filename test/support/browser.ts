import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { projectRoot } from './start-server.ts';

// Debian's Chromium, never a downloaded browser: the tests must run offline.
export const chromiumPath = process.env.DOSSIER_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = join(projectRoot, 'build', 'screenshots');
/** Why the browser tests are skipped here, or false when Chromium is installed. */
export const chromiumMissing: string | false = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath} (install Debian's chromium or set DOSSIER_CHROMIUM)`;

export interface PageWatch {
  /** Requests to any other origin than the server's (the UI must load nothing from elsewhere). */
  foreignRequests: string[];
  /** Console errors and uncaught page errors. */
  browserErrors: string[];
  /** `status path` of every answer of 400 or more, when the test wants to check them one by one. */
  failedResponses?: string[];
}

/**
 * Launches Chromium at 1280×800 and opens a page on `serverUrl`'s origin that records what the
 * test later asserts is empty: requests to other hosts and browser errors.
 */
export async function openWatchedPage(
  serverUrl: string,
  watch: PageWatch,
  options: { timeoutMs?: number; permissions?: string[] } = {},
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    ...(options.permissions ? { permissions: options.permissions } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  const origin = new URL(serverUrl).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) {
      watch.foreignRequests.push(url);
    }
  });
  page.on('response', (response) => {
    if (watch.failedResponses && response.status() >= 400) {
      const url = new URL(response.url());
      watch.failedResponses.push(`${response.status()} ${url.pathname}${url.search}`);
    }
  });
  page.on('console', (message) => {
    // Chromium logs every failed response too; tests that care check those one by one.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      watch.browserErrors.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => watch.browserErrors.push(`page error: ${error.message}`));
  await mkdir(screenshotDir, { recursive: true });
  return { browser, context, page };
}
