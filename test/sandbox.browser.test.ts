import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, waitForOk, type ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox, screenshot as shot } from './browser.js';

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, customer: '+14155550177' },
  { name: 'desktop', width: 1280, height: 800, customer: '+14155550178' },
] as const;

describe.skipIf(!hasBrowser)('the inbox in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));


  it.each(VIEWPORTS)('runs a support conversation end to end at $width×$height', async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await shot(page, `${vp.name}-login`);
    await page.getByRole('button', { name: 'Fill in' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // A customer writes from the sandbox phone; it arrives live (simulator → signed webhook → job → SSE).
    const name = `Browser Customer ${vp.name}`;
    const phone = await context.newPage();
    await phone.goto(`${server.url}/sandbox/phone`);
    await phone.getByLabel('Name').fill(name);
    await phone.getByLabel('WhatsApp number').fill(vp.customer);
    await phone.getByLabel('Customer message').fill('Do you ship to Lisbon?');
    await phone.getByRole('button', { name: 'Send' }).click();
    const row = page.locator('[data-testid=conversation]', { hasText: name });
    await row.waitFor({ timeout: 15_000 });
    await shot(page, `${vp.name}-inbox`);
    await row.click();
    await page.locator('[data-testid=message]', { hasText: 'Do you ship to Lisbon?' }).waitFor();
    await page.getByTestId('window').filter({ hasText: /left/ }).waitFor();

    // Reply and watch the ticks go to read.
    await page.getByLabel('Message', { exact: true }).fill('Yes, 3–5 days to Lisbon.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const reply = page.locator('[data-testid=message].outbound', { hasText: 'Yes, 3–5 days to Lisbon.' });
    await reply.and(page.locator('[data-status=read]')).waitFor({ timeout: 15_000 });
    expect(await reply.getByLabel('Read').count()).toBe(1);

    // React to the customer's message, and send a photo (upload with progress, then a media message).
    const inbound = page.locator('[data-testid=message].inbound', { hasText: 'Do you ship to Lisbon?' });
    await inbound.getByRole('button', { name: 'React 👍' }).click();
    await inbound.locator('.reactions', { hasText: '👍' }).waitFor({ timeout: 10_000 });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await page.locator('input[type=file]').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: png });
    await page.locator('[data-testid=message].outbound img').first().waitFor({ timeout: 15_000 });

    // Assign to me, then add an internal note.
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'detached' });
    // Opened afresh, the assignee list (loaded after the thread) still names who has it, not "Unassigned".
    await page.reload();
    await page.locator('[data-testid=message]', { hasText: 'Do you ship to Lisbon?' }).waitFor();
    await expect.poll(() => page.getByLabel('Assignee', { exact: true }).locator('option:checked').textContent()).toBe('Demo Owner');
    await page.getByRole('tab', { name: 'Internal note' }).click();
    await page.getByLabel('Note', { exact: true }).fill('VIP: ships weekly to Portugal.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('[data-testid=note]', { hasText: 'VIP: ships weekly to Portugal.' }).waitFor();
    await shot(page, `${vp.name}-thread`);

    // Outside the window the composer turns into a template picker.
    const cold = await page.request.post(`${server.url}/api/v1/messages`, {
      headers: { origin: server.url },
      data: { to: vp.name === 'phone' ? '+14155550190' : '+14155550191', type: 'template', template: { name: 'hello_world', language: 'en_US' } },
    });
    expect(cold.status()).toBe(202);
    const coldMessage = (await cold.json()).data;
    await page.goto(`${server.url}/c/${coldMessage.conversationId}`);
    await page.getByTestId('window').filter({ hasText: 'Window closed' }).waitFor();
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'order_update (en)' });
    await page.getByLabel('Variable {{1}}').fill('#1042');
    await page.getByLabel('Variable {{2}}').fill('on its way');
    expect(await page.getByLabel('Preview').textContent()).toContain('#1042');
    await shot(page, `${vp.name}-template`);
    await page.getByRole('button', { name: 'Send template' }).click();
    await page.locator('[data-testid=message].outbound', { hasText: 'order_update' }).waitFor({ timeout: 10_000 });

    // Search finds the message by its text.
    await page.goto(`${server.url}/`);
    await page.getByLabel('Search contacts and messages').fill('Lisbon');
    await page.locator('[data-testid=search-message]').first().waitFor();
    expect(await page.locator('[data-testid=search-message]').count()).toBeGreaterThan(0);
    await context.close();
  }, 90_000);

  it('offers first-run setup when no user exists, and signs the new owner in', async () => {
    const fresh = await startServer({ WA_PHONE_NUMBER_ID: '106540352242922', WA_ACCESS_TOKEN: 'EAAG-first-run', WA_APP_SECRET: 'first-run-secret', WA_VERIFY_TOKEN: 'first-run-verify', WA_GRAPH_URL: 'http://127.0.0.1:9' });
    try {
      await waitForOk(`${fresh.url}/readyz`);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${fresh.url}/login`);
      await page.getByRole('button', { name: 'Create owner account' }).waitFor();
      await page.getByLabel('Your name').fill('Rosa');
      await page.getByLabel('Email').fill('rosa@shop.example');
      await page.getByLabel('Password').fill('a-strong-password');
      await page.getByRole('button', { name: 'Create owner account' }).click();
      await page.getByRole('region', { name: 'Conversations' }).waitFor();
      expect(await page.locator('.topbar-user').textContent()).toContain('Rosa');

      // The owner invites a teammate by link; the teammate joins from another browser.
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByLabel('Invitee email').fill('teo@shop.example');
      await page.getByRole('button', { name: 'Create invitation link' }).click();
      const link = (await page.locator('.notice code').textContent())!;
      expect(link).toMatch(/\/invite\//);
      const teammate = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const tp = await teammate.newPage();
      await tp.goto(link.replace(/^http:\/\/localhost:\d+/, fresh.url));
      await tp.getByLabel('Your name').fill('Teo');
      await tp.getByLabel('Choose a password').fill('teo-password-1');
      await tp.getByRole('button', { name: 'Join' }).click();
      await tp.getByRole('region', { name: 'Conversations' }).waitFor();
      expect(await tp.locator('.topbar-user').textContent()).toContain('Teo');
      await teammate.close();
      await context.close();
    } finally {
      await fresh.stop();
    }
  }, 60_000);
});
