import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox, screenshot } from './browser.js';

// The phone taps, the desktop clicks. Each run has its own test number, its own opted-out contact and
// its own campaign; the seeded customers are shared, so audience numbers are checked by their sum.
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true, n: '1' },
  { name: 'desktop', width: 1280, height: 800, touch: false, n: '2' },
] as const;

// A 2×2 PNG: enough for WhatsApp's image header (the upload goes through the simulator's media API).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNk+M/AwMDAxMDAwMDAAAAeAAIBhzRl8wAAAABJRU5ErkJggg==', 'base64');

describe.skipIf(!hasBrowser)('templates and campaigns in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  it.each(VIEWPORTS)('template mapping, consent, a campaign from draft to report at $width×$height', async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, hasTouch: vp.touch, isMobile: vp.touch });
    const page = await context.newPage();
    const press = (target: Locator) => (vp.touch ? target.tap() : target.click());
    const nav = (label: string) => press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }));
    const shot = (name: string) => screenshot(page, `${vp.name}-${name}`, { fullPage: true });
    const fitsWidth = async (p: Page) => expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    const testNumber = `+351 912 000 10${vp.n}`;

    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await press(page.getByRole('button', { name: 'Fill in' }));
    await press(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // Eight sections for an owner: every tab label fits its tab on the phone (the short "Bulk" for Campaigns).
    // (A string: the test project has no DOM types.)
    const labels = await page.evaluate<{ label: string; text: number; tab: number }[]>(`[...document.querySelectorAll('.main-nav a')].map((a) => {
      const shown = [...a.querySelectorAll('span')].find((s) => getComputedStyle(s).display !== 'none');
      return { label: a.getAttribute('aria-label') ?? a.textContent, text: shown.getBoundingClientRect().width, tab: a.getBoundingClientRect().width };
    })`);
    expect(labels.map((l) => l.label)).toContain('Campaigns');
    for (const l of labels) expect(l.text, l.label).toBeLessThanOrEqual(l.tab);

    // Templates: the seeded ones (synced from the simulator at boot) with their review status.
    await nav('Campaigns');
    await press(page.getByRole('navigation', { name: 'Campaigns area' }).getByRole('link', { name: 'Templates' }));
    const row = (name: string) => page.getByTestId('template').filter({ has: page.getByRole('link', { name, exact: true }) });
    await row('old_offer').waitFor();
    expect(await row('old_offer').locator('.tone-badge').first().textContent()).toBe('Paused');
    expect(await row('bad_template').textContent()).toContain('Rejected: INVALID_FORMAT');
    const promoRow = row('spring_promo').filter({ hasText: 'English' });
    expect(await promoRow.locator('.tone-badge').first().textContent()).toBe('Approved');
    await fitsWidth(page);
    await shot('templates');
    await press(page.getByRole('button', { name: 'Sync now' }));
    await page.getByRole('status').filter({ hasText: 'Sync started' }).waitFor();

    // spring_promo: the name from the contact (with a fallback), an uploaded header image, a live preview.
    await press(promoRow.getByRole('link', { name: 'spring_promo' }));
    const mapping = page.getByRole('form', { name: 'Template mapping' });
    await mapping.getByLabel('Body {{1}} source').selectOption('contact');
    await mapping.getByLabel('Body {{1}} field').selectOption('first_name');
    await mapping.getByLabel('Body {{1}} fallback').fill('friend');
    await mapping.getByLabel('Header image file').setInputFiles({ name: 'spring.png', mimeType: 'image/png', buffer: PNG });
    const preview = page.getByTestId('template-preview');
    await preview.filter({ hasText: 'Spring is here, friend!' }).waitFor();
    await preview.locator('.wa-media img').waitFor();
    expect(await preview.getByRole('list', { name: 'Buttons' }).textContent()).toContain('Stop promotions');
    await page.getByLabel('Preview for contact').fill('Maya');
    await press(page.getByRole('list', { name: 'Matching contacts' }).getByRole('button', { name: /Maya Chen/ }));
    await preview.filter({ hasText: 'Spring is here, Maya!' }).waitFor();
    await press(mapping.getByRole('button', { name: 'Save mapping' }));
    await mapping.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const templateTest = page.getByRole('form', { name: 'Test send' });
    await templateTest.getByLabel('Test numbers').fill(testNumber);
    await press(templateTest.getByRole('button', { name: 'Send test' }));
    await templateTest.getByRole('status', { name: 'Test results' }).filter({ hasText: testNumber.replace(/ /g, '') }).waitFor();
    await fitsWidth(page);
    await shot('template-mapping');

    // A contact who opts out on the contact page is suppressed from campaigns.
    const optOut = `Opt Out ${vp.name}`;
    const created = await page.request.post(`${server.url}/api/v1/contacts`, { headers: { origin: server.url }, data: { name: optOut, phone: `+44 7911 12340${vp.n}` } });
    const contactId = ((await created.json()) as { data: { id: string } }).data.id;
    await page.goto(`${server.url}/contacts/${contactId}`);
    const consent = page.getByTestId('consent');
    await consent.getByTestId('consent-state').filter({ hasText: 'Not recorded' }).waitFor();
    await consent.getByLabel('Note (optional)').fill('Asked by phone');
    await press(consent.getByRole('button', { name: 'Opted out' }));
    await consent.getByTestId('consent-state').filter({ hasText: 'Opted out' }).waitFor();
    expect(await consent.getByRole('list', { name: 'Consent history' }).textContent()).toContain('Opted out · recorded by hand · by Demo Owner · “Asked by phone”');

    // A new campaign: the template's mapping comes along; one customer left out by hand; live counts.
    await nav('Campaigns');
    await press(page.getByRole('link', { name: 'New campaign' }));
    const form = page.getByRole('form', { name: 'Campaign' });
    const name = `Spring ${vp.name}`;
    await form.getByLabel('Campaign name').fill(name);
    await form.getByLabel('Template', { exact: true }).selectOption('spring_promo');
    await expect.poll(() => form.getByLabel('Body {{1}} field').inputValue()).toBe('first_name');
    await form.getByLabel('Leave out a contact').fill('Oliver');
    await press(form.getByRole('list', { name: 'Matching contacts' }).getByRole('button', { name: /Oliver Hughes/ }));
    const counts = page.getByTestId('audience-preview');
    await counts.getByTestId('audience-excluded').filter({ hasText: /^1$/ }).waitFor();
    await expect.poll(async () => Number(await counts.getByTestId('audience-opted-out').textContent())).toBeGreaterThanOrEqual(1);
    const count = async (id: string) => Number(await counts.getByTestId(id).textContent());
    const [matched = 0, excluded = 0, optedOut = 0, noOptIn = 0, noWhatsapp = 0, total = 0] = await Promise.all(
      ['audience-matched', 'audience-excluded', 'audience-opted-out', 'audience-no-opt-in', 'audience-no-whatsapp', 'audience-total'].map(count),
    );
    expect(total).toBeGreaterThanOrEqual(3); // Maya, Lúcia and the test number at least
    expect(total).toBe(matched - excluded - optedOut - noOptIn - noWhatsapp);
    await fitsWidth(page);
    await shot('campaign-new');
    await press(form.getByRole('button', { name: 'Create draft' }));
    await page.waitForURL(/\/campaigns\/cmp_/);

    // Start stays locked until a test send of the saved content.
    const start = page.getByRole('button', { name: 'Start now' });
    await page.getByTestId('start-hint').filter({ hasText: 'Send a test first' }).waitFor();
    expect(await start.isDisabled()).toBe(true);
    const campaignTest = page.getByRole('form', { name: 'Test send' });
    await campaignTest.getByLabel('Test numbers').fill(testNumber);
    await press(campaignTest.getByRole('button', { name: 'Send test' }));
    await campaignTest.getByRole('status', { name: 'Test results' }).waitFor();
    await page.getByTestId('start-hint').waitFor({ state: 'detached' });
    // Changing the message locks it again: save first, then test again.
    await form.getByLabel('Body {{1}} fallback').fill('there');
    await page.getByTestId('start-hint').filter({ hasText: 'Save your changes first.' }).waitFor();
    await press(form.getByRole('button', { name: 'Save draft' }));
    await page.getByTestId('start-hint').filter({ hasText: 'Send a test first' }).waitFor();
    expect(await start.isDisabled()).toBe(true);
    await press(campaignTest.getByRole('button', { name: 'Send test' }));
    await page.getByTestId('start-hint').waitFor({ state: 'detached' });
    await press(start);
    await press(page.getByRole('button', { name: 'Yes, start' }));

    // The report: counters move while it sends (polled every 3 s), then the campaign finishes.
    const counter = async (id: string) => Number(await page.getByTestId(`counter-${id}`).locator('.stat-value').textContent());
    await page.getByTestId('counter-sent').waitFor();
    await expect.poll(() => counter('delivered'), { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(total);
    await page.getByTestId('campaign-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 30_000 });
    expect(await counter('recipients')).toBe(total + optedOut + noOptIn + noWhatsapp);
    expect(await counter('sent')).toBe(total);
    expect(await page.getByRole('table', { name: 'Skipped by reason' }).textContent()).toContain('Opted out of marketing');
    await page.getByTestId('campaign-chart').locator('canvas').first().waitFor();
    const log = page.getByRole('region', { name: 'Recipients' });
    await press(log.getByRole('button', { name: 'Skipped', exact: true }));
    await log.getByTestId('recipient').filter({ hasText: optOut }).waitFor();
    const csv = await page.request.get(server.url + (await log.getByRole('link', { name: 'Export CSV' }).getAttribute('href')));
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain(optOut);
    await fitsWidth(page);
    await shot('campaign-report');

    // The list shows it finished, with its numbers.
    await press(page.getByRole('link', { name: '← Campaigns' }));
    const item = page.getByTestId('campaign').filter({ has: page.getByRole('link', { name, exact: true }) });
    await item.filter({ hasText: 'Finished' }).waitFor();
    await fitsWidth(page);
    await context.close();
  }, 120_000);
});
