import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, waitForOk, type ServerProcess } from './server-process.js';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium (.ci/run); on a developer machine without it the browser tests are skipped.
const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

describe.skipIf(!hasBrowser)('sandbox in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await waitForOk(`${server.url}/readyz`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a new user on a phone-sized screen sign in, receive a customer message live, and reply until read', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Fill in' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    const phone = await context.newPage();
    await phone.goto(`${server.url}/sandbox/phone`);
    await phone.getByLabel('Name').fill('Browser Customer');
    await phone.getByLabel('WhatsApp number').fill('+14155550177');
    await phone.getByLabel('Customer message').fill('Do you ship to Lisbon?');
    await phone.getByRole('button', { name: 'Send' }).click();

    // Arrives through simulator → signed webhook → job → SSE, without reloading the inbox.
    const row = page.locator('[data-testid=conversation]', { hasText: 'Browser Customer' });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.locator('[data-testid=message]', { hasText: 'Do you ship to Lisbon?' }).waitFor();
    await expect(page.getByTestId('window').textContent()).resolves.toMatch(/left/);

    await page.getByLabel('Message').fill('Yes, 3–5 days to Lisbon.');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.locator('[data-testid=message].outbound', { hasText: 'Yes, 3–5 days to Lisbon.' });
    await reply.and(page.locator('[data-status=read]')).waitFor({ timeout: 15_000 });
    expect(await reply.getByLabel('Read').count()).toBe(1);
    await context.close();
  }, 60_000);
});
