import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox, screenshot } from './browser.js';

// The phone runs with touch: every control is tapped, not clicked. Each run uses its own seeded customer.
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true, customer: 'Maya Chen' },
  { name: 'desktop', width: 1280, height: 800, touch: false, customer: 'Lúcia Alves' },
] as const;

/** A local time as a datetime-local value. */
const localInput = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe.skipIf(!hasBrowser)('the manager screens in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  it.each(VIEWPORTS)('teams, tasks, manager view, reports and audit at $width×$height', async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, hasTouch: vp.touch, isMobile: vp.touch });
    const page = await context.newPage();
    const press = (target: Locator) => (vp.touch ? target.tap() : target.click());
    const shot = (name: string) => screenshot(page, `${vp.name}-${name}`, { fullPage: true });
    const nav = (label: string) => press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }));
    // Nothing may be wider than the screen (tables scroll inside their own box); a phone would zoom out.
    const fitsWidth = async (p: Page) => expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);

    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await press(page.getByRole('button', { name: 'Fill in' }));
    await press(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // Settings: a team with SLA targets and a member, and workspace SLA defaults.
    const teamName = `Support ${vp.name}`;
    await nav('Settings');
    const newTeam = page.getByRole('form', { name: 'New team' });
    await newTeam.getByLabel('Team name').fill(teamName);
    await newTeam.getByLabel('Keywords').fill('refund, order');
    await newTeam.getByLabel('First reply within (minutes)').fill('30');
    await newTeam.getByLabel('Resolve within (minutes)').fill('240');
    await press(newTeam.getByRole('checkbox').first());
    await press(newTeam.getByRole('button', { name: 'Create team' }));
    const team = page.getByTestId('team').filter({ hasText: teamName });
    await team.filter({ hasText: 'first reply 30 min' }).filter({ hasText: 'resolve 4h' }).waitFor();
    expect(await team.textContent()).toContain('keywords: refund, order');
    const workspace = page.getByRole('form', { name: 'Workspace settings' });
    await workspace.getByLabel('Default first-reply target (minutes)').fill('600');
    await press(workspace.getByRole('button', { name: 'Save workspace settings' }));
    await workspace.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    // A custom field with choices: added, listed with its derived key, deleted.
    const fieldLabel = `Tier ${vp.name}`;
    const newField = page.getByRole('form', { name: 'New custom field' });
    await newField.getByLabel('Field label').fill(fieldLabel);
    expect(await newField.getByLabel('Field key').inputValue()).toBe(`tier_${vp.name}`);
    await newField.getByLabel('Field type').selectOption('select');
    await newField.getByLabel('Choices').fill('Gold, Silver');
    await press(newField.getByRole('button', { name: 'Add field' }));
    const field = page.getByRole('region', { name: 'Custom fields' }).getByRole('listitem').filter({ hasText: fieldLabel });
    await field.filter({ hasText: 'Gold, Silver' }).waitFor();
    await press(field.getByRole('button', { name: `Delete field ${fieldLabel}` }));
    await field.waitFor({ state: 'detached' });
    await fitsWidth(page);
    await shot('settings');

    // Tasks: add one, move its due time, tick it off; it leaves "Mine" and shows under "Done".
    const title = `Call back ${vp.name}`;
    await nav('Tasks');
    const inHour = new Date(Date.now() + 3_600_000);
    await page.getByLabel('Task title').fill(title);
    await page.getByLabel('Due', { exact: true }).fill(localInput(inHour));
    await press(page.getByRole('button', { name: 'Add task' }));
    const row = page.getByTestId('task').filter({ hasText: title });
    await row.waitFor();
    const tomorrow = new Date(inHour.getFullYear(), inHour.getMonth(), inHour.getDate() + 1, 10, 0);
    await press(row.getByRole('button', { name: `Reschedule ${title}` }));
    await row.getByLabel(`New due time for ${title}`).fill(localInput(tomorrow));
    await press(row.getByRole('button', { name: 'Save' }));
    await row.filter({ hasText: 'Tomorrow' }).waitFor();
    await fitsWidth(page);
    await shot('tasks');
    await press(row.getByRole('checkbox', { name: `Done: ${title}` }));
    await row.waitFor({ state: 'detached' });
    await press(page.getByRole('button', { name: 'Done', exact: true }));
    expect(await page.getByRole('checkbox', { name: `Done: ${title}` }).isChecked()).toBe(true);

    // Inbox: the workspace SLA shows a countdown on rows; flag the seeded customer's conversation.
    await nav('Inbox');
    const conversation = page.locator('[data-testid=conversation]', { hasText: vp.customer });
    await conversation.getByTestId('sla').filter({ hasText: /Reply in|SLA breached/ }).waitFor();
    await press(conversation);
    // Phones keep only Assign and Resolve in view; Flag is behind "More".
    if (vp.touch) await press(page.getByRole('button', { name: 'More', exact: true }));
    await press(page.getByRole('button', { name: 'Flag', exact: true }));
    await page.getByRole('button', { name: 'Unflag' }).waitFor();
    if (vp.touch) await press(page.getByRole('button', { name: 'Back to conversations' }));
    await conversation.getByRole('img', { name: 'Flagged' }).waitFor();

    // Manager: counts per view, the "waiting longer than" choice, who owns what; a card opens its list.
    await nav('Manager');
    // A card's label is "<view>: <count>"; counts refresh live, so poll until they show what we expect.
    const count = async (name: string) => {
      const card = page.getByRole('link', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}: \\d+$`) });
      await card.waitFor();
      return Number((await card.getAttribute('aria-label'))!.split(': ').pop());
    };
    await expect.poll(() => count('Unassigned')).toBeGreaterThanOrEqual(3);
    await expect.poll(() => count('Escalated')).toBeGreaterThanOrEqual(1);
    expect(await count('Waiting for a first reply (over 15 min)')).toBe(0); // the seeded customers wrote moments ago
    await page.getByLabel('Waiting longer than').selectOption('0');
    await expect.poll(() => count('Waiting for a first reply')).toBeGreaterThanOrEqual(1);
    const owners = page.getByRole('table', { name: 'Who owns what' });
    expect(await owners.getByRole('row', { name: /Nobody/ }).textContent()).toMatch(/\d/);
    await fitsWidth(page);
    await shot('manager');
    await press(page.getByRole('link', { name: /^Escalated: \d+$/ }));
    await page.waitForURL(/view=escalated/);
    await page.getByRole('button', { name: /^Escalated: show all again$/ }).waitFor();
    await conversation.waitFor();

    // Reports: the volume chart draws (uPlot canvas) and its table holds the numbers.
    await nav('Reports');
    const chart = page.getByTestId('volume-chart');
    await chart.locator('canvas').first().waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/Messages per day: \d+ received/);
    await press(page.getByText('Show as table'));
    const received = Number(await page.getByTestId('total-received').textContent());
    expect(received).toBeGreaterThanOrEqual(4); // the sandbox seeds four customer messages at boot
    await press(page.getByRole('button', { name: 'Last 7 days' }));
    await page.getByRole('button', { name: 'Last 7 days', pressed: true }).waitFor();
    await page.getByRole('heading', { name: 'Response times by agent' }).waitFor();
    await fitsWidth(page);
    await shot('reports');

    // Audit log: the team's creation, with who did it and what it was.
    await nav('Settings');
    await press(page.getByRole('button', { name: 'Audit log' }));
    await page.getByLabel('Record type').selectOption('team');
    const entry = page.getByTestId('audit-entry').filter({ hasText: 'Team created' }).filter({ hasText: teamName });
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/name: .*Support/);
    // Ids in changes show as names: hand the customer's conversation to the team, and the entry names the team.
    const json = async (res: Promise<{ json(): Promise<any> }>) => (await (await res).json()).data;
    const teamId = ((await json(page.request.get(`${server.url}/api/v1/teams`))) as { id: string; name: string }[]).find((t) => t.name === teamName)!.id;
    const convs = (await json(page.request.get(`${server.url}/api/v1/conversations?limit=100`))) as { id: string; contact: { name: string } | null }[];
    const convId = convs.find((c) => c.contact?.name === vp.customer)!.id;
    const patched = await page.request.patch(`${server.url}/api/v1/conversations/${convId}`, { headers: { origin: server.url }, data: { teamId } });
    expect(patched.status()).toBe(200);
    await page.getByLabel('Record type').selectOption('conversation');
    const handed = page.getByTestId('audit-entry').filter({ hasText: 'Conversation updated' }).filter({ hasText: `teamId: ` }).filter({ hasText: teamName });
    await handed.first().waitFor();
    expect(await handed.first().textContent()).not.toContain(teamId);
    await context.close();
  }, 60_000);
});
