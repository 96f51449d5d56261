import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import type { ServerProcess } from './server-process.js';
import { closeSandbox, hasBrowser, launchSandbox } from './browser.js';

// The "done when": an owner builds "a new lead says price → tag it, round-robin in sales" in the
// form, a customer writes, and it happens exactly once for that lead.
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true, n: '1' },
  { name: 'desktop', width: 1280, height: 800, touch: false, n: '2' },
] as const;

describe.skipIf(!hasBrowser)('automation in a real browser (sandbox)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => void ({ server, browser } = await launchSandbox()), 60_000);
  afterAll(() => closeSandbox({ server, browser }));

  it.each(VIEWPORTS)('builds the lead router from the example and it runs once per lead at $width×$height', { timeout: 60_000 }, async (vp) => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, hasTouch: vp.touch, isMobile: vp.touch });
    const page = await context.newPage();
    const press = (target: Locator) => (vp.touch ? target.tap() : target.click());
    const api = (path: string, data?: unknown) =>
      data === undefined ? page.request.get(`${server.url}/api/v1${path}`) : page.request.post(`${server.url}/api/v1${path}`, { headers: { origin: server.url }, data });

    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await press(page.getByRole('button', { name: 'Fill in' }));
    await press(page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('region', { name: 'Conversations' }).waitFor();

    // A sales team with the signed-in owner available in it (the example picks the first team).
    const me = (await (await api('/me')).json()).data;
    const teams = (await (await api('/teams')).json()).data as { id: string; name: string }[];
    const sales = teams.find((t) => t.name === 'Sales') ?? (await (await api('/teams', { name: 'Sales' })).json()).data;
    await page.request.put(`${server.url}/api/v1/teams/${sales.id}/members`, { headers: { origin: server.url }, data: { userIds: [me.user?.id ?? me.id] } });

    await page.goto(`${server.url}/automation`);
    await press(page.getByRole('link', { name: /Lead router.*price/ }));
    const form = page.getByRole('form', { name: 'Rule' });
    await form.waitFor();
    await form.getByLabel('Rule name').fill(`Lead router ${vp.name}`);
    await form.getByLabel('Keywords').fill(`price${vp.n}`);
    await press(form.getByRole('button', { name: 'Create rule' }));
    await page.waitForURL(/\/automation\/rule_/);
    const ruleId = /\/automation\/(rule_[^/?#]+)/.exec(page.url())![1]!;
    const rule = (await (await api(`/rules/${ruleId}`)).json()).data;
    expect(rule).toMatchObject({ enabled: true, trigger: { type: 'keyword', keywords: [`price${vp.n}`] } });
    // The rule in one: only new leads; tag, round robin; 30 minutes unanswered → a task for a manager.
    expect(rule.conditions).toEqual({ match: 'all', items: [{ field: 'contact.tag', op: 'neq', value: 'lead' }] });
    expect(rule.actions).toEqual([
      { type: 'add_tag', tag: 'lead' },
      expect.objectContaining({ type: 'assign', mode: 'round_robin', teamId: sales.id }),
      { type: 'wait', minutes: 30, stopIfAnswered: true },
      expect.objectContaining({ type: 'create_task', assignee: 'user' }),
    ]);

    // A new lead asks about the price, twice; another customer just says hello.
    const lead = `+35191200${vp.n}001`;
    for (const text of [`What is the PRICE${vp.n}?`, `price${vp.n} please`]) expect((await api('/sandbox/inbound', { from: lead, name: `Lead ${vp.name}`, text })).status()).toBe(202);
    expect((await api('/sandbox/inbound', { from: `+35191200${vp.n}002`, name: `Hello ${vp.name}`, text: 'Hello!' })).status()).toBe(202);

    // The run log shows a run per matching message: the first acts and waits its 30 minutes, the second finds
    // a lead already (once per lead); the contact is a lead, assigned.
    await expect.poll(async () => ((await (await api(`/rules/${ruleId}/runs`)).json()).data as unknown[]).length, { timeout: 15_000 }).toBe(2);
    const runs = (await (await api(`/rules/${ruleId}/runs`)).json()).data as { state: string; steps: { action: string; status: string }[] }[];
    expect(runs.map((r) => r.state).sort()).toEqual(['skipped', 'waiting']);
    expect(runs.find((r) => r.state === 'waiting')!.steps.map((s) => [s.action, s.status])).toEqual([
      ['add_tag', 'done'],
      ['assign', 'done'],
      ['wait', 'done'],
    ]);
    const contact = (await (await api(`/contacts?phone=${encodeURIComponent(lead)}`)).json()).data[0];
    expect(contact.tags).toEqual(['lead']);
    const conv = (await (await api(`/conversations?contactId=${contact.id}`)).json()).data[0];
    expect(conv).toMatchObject({ teamId: sales.id });
    // Asked again: the lead's "conditions not met" line counts it instead of adding one.
    expect((await api('/sandbox/inbound', { from: lead, name: `Lead ${vp.name}`, text: `price${vp.n}??` })).status()).toBe(202);
    await expect
      .poll(async () => ((await (await api(`/rules/${ruleId}/runs`)).json()).data as { state: string; eventCount: number }[]).map((r) => [r.state, r.eventCount]).sort(), { timeout: 15_000 })
      .toEqual([['skipped', 2], ['waiting', 1]]);
    await page.reload(); // the run log shows them
    await page.getByText('Done').first().waitFor();
    expect(await page.getByTestId('run-count').textContent()).toMatch(/×\s2, the last at/);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width);
    await context.close();
  });
});
