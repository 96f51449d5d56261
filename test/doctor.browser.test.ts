import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox, screenshot } from './browser.js';

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

/** Clicks Check until every line has settled green (boot-time work — template sync, demo webhooks — may still be running). */
async function checkUntilGreen(page: Page): Promise<string[]> {
  const region = page.getByRole('region', { name: /^Setup check for/ });
  const deadline = Date.now() + 20_000;
  for (;;) {
    await region.getByRole('button', { name: /^Check/ }).click();
    await region.getByRole('status').waitFor();
    await region.locator('[data-testid=check-line]').first().waitFor();
    await expect.poll(() => region.getByRole('button', { name: /^Check/ }).isEnabled()).toBe(true);
    const statuses = await region.locator('[data-testid=check-line]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-status')}`));
    if (statuses.every((s) => s.endsWith(':ok')) || Date.now() > deadline) return statuses;
    await page.waitForTimeout(500);
  }
}

describe.skipIf(!hasBrowser)('the setup check in Settings (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  it.each(VIEWPORTS)('an owner clicks Check and sees every line green at $width×$height', async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole('button', { name: 'Fill in' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Conversations' }).waitFor();
    await page.goto(`${server.url}/settings`);
    await page.getByRole('heading', { name: 'WhatsApp channels' }).waitFor();

    const statuses = await checkUntilGreen(page);
    expect(statuses).toEqual([
      'token:ok',
      'phone_number:ok',
      'quality:ok',
      'subscription:ok',
      'webhook_verified:ok',
      'webhook_received:ok',
      'templates:ok',
    ]);
    const region = page.getByRole('region', { name: /^Setup check for/ });
    expect(await region.getByRole('status').textContent()).toContain('All 7 checks passed');
    expect(await region.getByRole('img', { name: 'OK' }).count()).toBe(7);
    expect(await region.locator('[data-check=token]').textContent()).toMatch(/never expires/);
    expect(await region.locator('[data-check=webhook_verified]').textContent()).toMatch(/Meta verified the callback URL/);
    // Green lines carry no fix and offer no repair.
    expect(await region.getByText('Fix:').count()).toBe(0);
    expect(await region.getByRole('button', { name: 'Subscribe app' }).count()).toBe(0);
    // Nothing spills sideways on a phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    await region.scrollIntoViewIfNeeded();
    await screenshot(page, `${vp.name}-setup-check`);
    await context.close();
  });
});
