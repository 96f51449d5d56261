import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, waitForOk, type ServerProcess } from './server-process.js';

export const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium (.ci/run); on a developer machine without it the browser tests are skipped.
export const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';
// `SCREENSHOTS=1 npm test` refreshes the README's pictures; ordinary runs leave the tree clean.
const SHOTS = process.env.SCREENSHOTS === '1' ? join(import.meta.dirname, '..', 'docs', 'screenshots') : null;

/** A sandbox server (real process) and Debian's Chromium with the flags this machine needs. */
export async function launchSandbox(): Promise<{ server: ServerProcess; browser: Browser }> {
  const server = await startServer();
  await waitForOk(`${server.url}/readyz`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  return { server, browser };
}

export async function closeSandbox(s: { server?: ServerProcess; browser?: Browser }): Promise<void> {
  await s.browser?.close();
  await s.server?.stop();
}

/** A README screenshot (only with SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), ...opts });
}
