import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox, screenshot } from './browser.js';

// The phone drags with a finger (real touch events through the DevTools protocol), the desktop with the
// mouse. Each run has its own seeded customer and its own phone numbers in the CSV.
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true, customer: 'Maya Chen', n: '1' },
  { name: 'desktop', width: 1280, height: 800, touch: false, customer: 'Lúcia Alves', n: '2' },
] as const;

type Box = { x: number; y: number; width: number; height: number };
const center = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const boxOf = async (l: Locator) => (await l.boundingBox())!;

describe.skipIf(!hasBrowser)('deals board and contacts in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  /** A finger drag from `from` towards the board's right edge until `target` comes into view, then onto it. */
  async function touchDrag(context: BrowserContext, page: Page, from: Locator, target: Locator) {
    const cdp = await context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: Math.round(x), y: Math.round(y) }] });
    const start = center(await boxOf(from));
    await touch('touchStart', start.x, start.y);
    for (let i = 1; i <= 8; i++) await touch('touchMove', start.x + ((page.viewportSize()!.width - 12 - start.x) * i) / 8, start.y + i * 4);
    // Held at the edge, the board scrolls by itself until the target column is in view.
    await expect.poll(async () => (await boxOf(target)).x, { timeout: 10_000 }).toBeLessThan(150);
    const drop = await boxOf(target);
    await touch('touchMove', drop.x + 60, start.y + 40);
    await touch('touchMove', drop.x + 80, start.y + 48);
    await target.and(page.locator('.drop-target')).waitFor();
    await touch('touchEnd');
    await cdp.detach();
  }

  /** A mouse drag in small steps, as a hand would. */
  async function mouseDrag(page: Page, from: Locator, target: Locator) {
    const a = center(await boxOf(from));
    const b = center(await boxOf(target));
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(a.x + 10, a.y + 4, { steps: 3 });
    await page.mouse.move(b.x, b.y, { steps: 12 });
    await target.and(page.locator('.drop-target')).waitFor();
    await page.mouse.up();
  }

  it.each(VIEWPORTS)('board, import, contact edit and the inbox panel at $width×$height', async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, hasTouch: vp.touch, isMobile: vp.touch });
    const page = await context.newPage();
    const press = (target: Locator) => (vp.touch ? target.tap() : target.click());
    const nav = (label: string) => press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }));
    const shot = (name: string) => screenshot(page, `${vp.name}-${name}`);
    const fitsWidth = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);

    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await press(page.getByRole('button', { name: 'Fill in' }));
    await press(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // A new deal for the seeded customer, found by name in the contact search.
    await nav('Deals');
    const column = (name: string) => page.getByTestId('stage-column').filter({ has: page.getByRole('heading', { name, exact: true }) });
    await column('New').waitFor();
    await press(page.getByRole('button', { name: 'New deal' }));
    const form = page.getByRole('form', { name: 'New deal' });
    const title = `Linen shirts ${vp.name}`;
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Amount').fill('120.50');
    await form.getByLabel('Currency').fill('EUR');
    await form.getByLabel('Contact').fill(vp.customer.split(' ')[0]!);
    await press(form.getByRole('button', { name: new RegExp(vp.customer) }));
    await press(form.getByRole('button', { name: 'Create deal' }));
    const card = page.getByTestId('deal-card').filter({ hasText: title });
    await column('New').getByTestId('deal-card').filter({ hasText: title }).waitFor();
    expect(await card.textContent()).toContain('€120.50');
    await expect.poll(() => card.textContent()).toContain(vp.customer);
    expect(await column('New').locator('.column-total').textContent()).toContain('€120.50');
    await fitsWidth();

    // A real drag to "Qualified": a finger on the handle on the phone, the mouse on the card on desktop.
    if (vp.touch) await touchDrag(context, page, card.locator('.drag-handle'), column('Qualified'));
    else await mouseDrag(page, card.locator('.deal-amount'), column('Qualified'));
    await column('Qualified').getByTestId('deal-card').filter({ hasText: title }).waitFor();
    await page.getByRole('status').filter({ hasText: `Moved “${title}” to Qualified.` }).waitFor();
    await fitsWidth(); // the card's floating copy must not have widened the page
    await page.reload();
    await column('Qualified').getByTestId('deal-card').filter({ hasText: title }).waitFor();
    expect(await column('New').getByTestId('deal-card').filter({ hasText: title }).count()).toBe(0);

    // The keyboard way ("Move to"), and a refusal: the card goes back and the error says why.
    await page.route('**/api/v1/deals/*', (route) =>
      route.request().method() === 'PATCH' ? route.fulfill({ status: 422, json: { error: { code: 'deals.stage_not_in_pipeline', message: 'That stage belongs to another pipeline.' } } }) : route.continue(),
    );
    await card.getByLabel(`Move ${title} to`).selectOption({ label: 'Move to Proposal' });
    await page.getByRole('alert').filter({ hasText: 'That stage belongs to another pipeline.' }).waitFor();
    await column('Qualified').getByTestId('deal-card').filter({ hasText: title }).waitFor();
    await page.unroute('**/api/v1/deals/*');
    await card.getByLabel(`Move ${title} to`).selectOption({ label: 'Move to Proposal' });
    await column('Proposal').getByTestId('deal-card').filter({ hasText: title }).waitFor();

    await fitsWidth(); // a card in an off-screen column must not widen the page either
    await shot('deals-board');
    // The deal's page: history with time in each stage, a payment request.
    await press(card.getByRole('link', { name: title }));
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.getByTestId('stage-move').filter({ hasText: 'New → Qualified' }).waitFor();
    expect(await drawer.getByTestId('stage-move').first().textContent()).toContain('Qualified → Proposal');
    expect(await drawer.getByRole('combobox', { name: /^Stage/ }).locator('option:checked').textContent()).toBe('Proposal');
    await press(drawer.getByRole('button', { name: 'Request payment' }));
    await drawer.getByLabel('Payment link (https)').fill('https://pay.example.com/inv-1');
    await press(drawer.getByRole('form', { name: 'Request payment' }).getByRole('button', { name: 'Request payment' }));
    await drawer.getByTestId('payment-status').filter({ hasText: 'Pending' }).waitFor();
    await shot('deal');
    await press(drawer.getByRole('button', { name: 'Close' }));
    await drawer.waitFor({ state: 'detached' });

    // Import a messy CSV: a bad phone, an existing customer, a repeated row; the rest is created.
    const owner = `Rita Import ${vp.name}`;
    await page.request.post(`${server.url}/api/v1/custom-fields`, { headers: { origin: server.url }, data: { entity: 'contact', key: `shoe_${vp.name}`, label: `Shoe size ${vp.name}`, type: 'number' } });
    const csv = [
      'Full Name;Mobile;E-mail;Labels',
      `${owner};+351 912 000 10${vp.n};rita@example.com;"vip, import"`,
      'Bad Row;call me maybe;;',
      'Maya Again;+1 415 555 0101;;',
      `Rita Twin;+351912000 10${vp.n};;`,
      `Joe Import ${vp.name};+44 7911 12345${vp.n};;`,
    ].join('\r\n');
    await nav('Contacts');
    await press(page.getByRole('link', { name: 'Import', exact: true }));
    await page.getByLabel('CSV file').setInputFiles({ name: 'messy.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await press(page.getByRole('button', { name: 'Check file' }));
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getByTestId('import-error').first().textContent()).toMatch(/^3phone/);
    expect(await report.getByTestId('import-duplicate').allTextContents()).toEqual([expect.stringMatching(/^4\+14155550101existing contact/), expect.stringMatching(/^5\+35191200010\drow 2/)]);
    await fitsWidth();
    await shot('contacts-import');
    await press(page.getByRole('button', { name: 'Import 2 contacts' }));
    await page.getByRole('heading', { name: '4. Done' }).waitFor();
    expect(await report.textContent()).toContain('Created2');

    // Edit an imported contact: company, a typed custom field (a number input), a tag; saved and reloaded.
    await press(page.getByRole('link', { name: 'See contacts' }));
    await page.getByLabel('Search contacts').fill(owner);
    await page.getByTestId('contact-row').filter({ hasText: owner }).waitFor();
    await fitsWidth();
    await shot('contacts');
    await press(page.getByTestId('contact-row').getByRole('link', { name: owner }));
    const details = page.getByRole('form', { name: 'Edit contact' });
    await details.getByLabel('Company').fill('Rita Shop');
    expect(await details.getByLabel(`Shoe size ${vp.name}`).getAttribute('type')).toBe('number');
    await details.getByLabel(`Shoe size ${vp.name}`).fill('38');
    await press(details.getByRole('button', { name: 'Save contact' }));
    await details.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    await expect.poll(() => page.getByRole('form', { name: 'Edit contact' }).getByLabel('Company').inputValue()).toBe('Rita Shop');
    expect(await page.getByRole('form', { name: 'Edit contact' }).getByLabel(`Shoe size ${vp.name}`).inputValue()).toBe('38');
    expect(await page.getByLabel('Tags').textContent()).toContain('vip');
    await fitsWidth();
    await shot('contact');

    // "Merge with…" the other imported contact: confirmed, then said; the export has the merged record.
    await press(page.getByRole('button', { name: 'Merge with…' }));
    await page.getByLabel('Duplicate to merge in').fill(`Joe Import ${vp.name}`);
    await press(page.getByRole('list', { name: 'Matching contacts' }).getByRole('button', { name: new RegExp(`Joe Import ${vp.name}`) }));
    await press(page.getByRole('button', { name: 'Merge', exact: true }));
    await page.getByRole('status').filter({ hasText: `Joe Import ${vp.name} was merged into this contact.` }).waitFor();
    await nav('Contacts');
    const exported = await page.request.get(server.url + (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')));
    expect(exported.headers()['content-type']).toContain('text/csv');
    const rows = (await exported.text()).split('\n');
    expect(rows.filter((r) => r.includes(owner))).toHaveLength(1);
    expect(rows.some((r) => r.includes(`Joe Import ${vp.name}`))).toBe(false);

    // The customer's conversation shows the deal in the contact panel; a new deal from there links both.
    await nav('Inbox');
    await press(page.locator('[data-testid=conversation]', { hasText: vp.customer }));
    if (vp.touch) await press(page.getByRole('button', { name: 'Contact details' }));
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.getByTestId('panel-deal').filter({ hasText: title }).filter({ hasText: 'Proposal' }).waitFor();
    await press(panel.getByRole('button', { name: 'New deal' }));
    await panel.getByLabel('Title').fill(`Follow-up order ${vp.name}`);
    await press(panel.getByRole('button', { name: 'Create deal' }));
    await panel.getByTestId('panel-deal').filter({ hasText: `Follow-up order ${vp.name}` }).waitFor();
    await shot('contact-panel-deals');
    await press(panel.getByTestId('panel-deal').filter({ hasText: title }).getByRole('link'));
    await page.getByRole('dialog', { name: title }).waitFor();
    await context.close();
  }, 90_000);
});
