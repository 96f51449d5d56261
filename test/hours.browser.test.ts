import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox } from './browser.js';

// Issue 7: an owner sets the business hours and a holiday in Settings and finds them there after a reload;
// a rule that notifies them shows up in the bell, and the notification opens its conversation.
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true, n: '1' },
  { name: 'desktop', width: 1280, height: 800, touch: false, n: '2' },
] as const;

describe.skipIf(!hasBrowser)('business hours and notifications in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  it.each(VIEWPORTS)('sets hours and a holiday that persist, and sees a rule notification in the bell at $width×$height', { timeout: 90_000 }, async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, hasTouch: vp.touch, isMobile: vp.touch });
    const page = await context.newPage();
    const press = (target: Locator) => (vp.touch ? target.tap() : target.click());
    const api = (path: string, data?: unknown) =>
      data === undefined ? page.request.get(`${server.url}/api/v1${path}`) : page.request.post(`${server.url}/api/v1${path}`, { headers: { origin: server.url }, data });
    const noOverflow = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);

    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await press(page.getByRole('button', { name: 'Fill in' }));
    await press(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // Business hours: São Paulo, Monday 09:00–18:00 and 18:00–midnight, Saturday 10:00–17:00, one holiday
    // (from a known start: the other viewport's run saved its own).
    const start = await page.request.put(`${server.url}/api/v1/settings/business-hours`, { headers: { origin: server.url }, data: { timezone: 'UTC', week: { mon: [['09:00', '17:00']] } } });
    expect(start.status()).toBe(200);
    await page.goto(`${server.url}/settings#business-hours`);
    const form = page.getByRole('form', { name: 'Business hours' });
    await form.getByRole('status').first().waitFor();
    await form.getByLabel('Time zone').selectOption('America/Sao_Paulo');
    await form.getByLabel('Monday closes', { exact: true }).fill('18:00');
    await press(form.getByRole('button', { name: 'Add hours on Monday' }));
    await form.getByLabel('Monday closes 2').fill('00:00');
    await form.getByLabel('Open on Saturday').check();
    await form.getByLabel('Saturday opens', { exact: true }).fill('10:00');
    const holiday = `2026-12-2${vp.n}`;
    await form.getByLabel('Holiday date').fill(holiday);
    await press(form.getByRole('button', { name: 'Add holiday' }));
    await form.getByRole('button', { name: `Remove holiday ${holiday}` }).waitFor();
    await noOverflow();
    await press(form.getByRole('button', { name: 'Save business hours' }));
    await form.getByText('Saved.').waitFor();
    const saved = (await (await api('/settings/business-hours')).json()).data;
    expect(saved.hours).toMatchObject({ timezone: 'America/Sao_Paulo', week: { mon: [['09:00', '18:00'], ['18:00', '24:00']], sat: [['10:00', '17:00']], sun: [] } });
    expect(saved.hours.holidays).toContain(holiday);
    await expect.poll(() => form.getByRole('status').first().textContent()).toMatch(saved.openNow ? /Open now/ : /Closed now/);

    await page.reload();
    await form.getByRole('button', { name: `Remove holiday ${holiday}` }).waitFor();
    expect(await form.getByLabel('Time zone').inputValue()).toBe('America/Sao_Paulo');
    expect(await form.getByLabel('Monday closes', { exact: true }).inputValue()).toBe('18:00');
    expect(await form.getByLabel('Monday closes 2').inputValue()).toBe('00:00');
    expect(await form.getByLabel('Open on Saturday').isChecked()).toBe(true);
    expect(await form.getByLabel('Saturday opens', { exact: true }).inputValue()).toBe('10:00');
    expect(await form.getByLabel('Open on Sunday').isChecked()).toBe(false);
    await noOverflow();

    // A team with its own hours (the workspace's plus Sunday), then back to following the workspace's.
    const team = (await (await api('/teams', { name: `Weekend ${vp.name}` })).json()).data as { id: string };
    await page.reload();
    await form.getByLabel('Hours of').selectOption(team.id);
    await form.getByLabel('This team').selectOption('own');
    await form.getByLabel('Open on Sunday').check();
    await press(form.getByRole('button', { name: 'Save business hours' }));
    await form.getByText('Saved.').waitFor();
    const own = (await (await api(`/teams/${team.id}/business-hours`)).json()).data;
    expect(own).toMatchObject({ followsWorkspace: false, hours: { timezone: 'America/Sao_Paulo', week: { sun: [['09:00', '17:00']] } } });
    await form.getByLabel('This team').selectOption('follow');
    await press(form.getByRole('button', { name: 'Save business hours' }));
    await form.getByText('Saved.').waitFor();
    expect((await (await api(`/teams/${team.id}/business-hours`)).json()).data).toMatchObject({ followsWorkspace: true, hours: null });

    // A rule notifies the owner when a customer says the word; the bell counts it and opens the chat.
    const me = (await (await api('/me')).json()).data;
    const rule = await api('/rules', { name: `Bell ${vp.name}`, enabled: true, trigger: { type: 'keyword', keywords: [`bell${vp.n}`] }, actions: [{ type: 'notify', userId: me.user?.id ?? me.id, text: `Customer rang bell${vp.n}` }] });
    expect(rule.status()).toBe(201);
    await page.goto(`${server.url}/`);
    await page.getByRole('region', { name: 'Conversations' }).waitFor();
    const unreadBefore = (await (await api('/notifications')).json()).unreadCount as number;
    const customer = `+35191300${vp.n}001`;
    expect((await api('/sandbox/inbound', { from: customer, name: `Ringer ${vp.name}`, text: `Hello, bell${vp.n}!` })).status()).toBe(202);
    // Live: the badge goes up without a reload.
    const bell = page.getByRole('button', { name: `Notifications (${unreadBefore + 1} unread)` });
    await bell.waitFor({ timeout: 15_000 });
    await press(bell);
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    const item = panel.getByRole('link', { name: new RegExp(`Customer rang bell${vp.n}`) });
    await item.waitFor();
    await noOverflow();
    await press(item);
    const contact = (await (await api(`/contacts?phone=${encodeURIComponent(customer)}`)).json()).data[0];
    const conv = (await (await api(`/conversations?contactId=${contact.id}`)).json()).data[0];
    await page.waitForURL(new RegExp(`/c/${conv.id}$`));
    await expect.poll(async () => (await (await api('/notifications')).json()).unreadCount, { timeout: 5_000 }).toBe(unreadBefore);
    await page.getByRole('button', { name: unreadBefore ? `Notifications (${unreadBefore} unread)` : 'Notifications', exact: true }).waitFor();
    await context.close();
  });
});
