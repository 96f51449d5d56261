import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';

const PNID = '220011223344999';
const MIN = 60_000;

async function setup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: PNID, accessToken: 'EAAG-test-token', appSecret: 'sla-secret', verifyToken: 'verify-sla' });
  const admin = await t.signIn('admin');
  const cy = await t.signIn('agent', 'cy@parley.test');
  const ana = await t.signIn('agent', 'ana@parley.test');
  const cyId = (await (await t.request('/api/v1/me', { cookie: cy.cookie })).json()).data.id as string;
  const support = (await (await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Support', keywords: ['refund'], firstResponseMinutes: 15, resolutionMinutes: 240 } })).json()).data;
  await t.request(`/api/v1/teams/${support.id}/members`, { method: 'PUT', cookie: admin.cookie, body: { userIds: [cyId] } });
  expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { slaFirstResponseMinutes: 60 } })).status).toBe(200);
  let n = 0;
  /** A customer writes now (Meta's timestamp = the test clock), through the real webhook path. */
  const inbound = async (waId: string, text: string, at = t.clock.now()) => {
    const body = serializeMetaStyle({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: PNID }, contacts: [{ profile: { name: waId }, wa_id: waId }], messages: [{ from: waId, id: `wamid.SLA${++n}`, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }] } }] }],
    });
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'sla-secret') }, body });
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
    return (t.db.$client.prepare(`SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.wa_id = ?`).get(waId) as { id: string }).id;
  };
  const summary = async (cookie: string) => (await (await t.request('/api/v1/manager/summary?minutes=15', { cookie })).json()).data;
  const view = async (cookie: string, v: string) => ((await (await t.request(`/api/v1/conversations?view=${v}&minutes=15`, { cookie })).json()).data as { id: string }[]).map((c) => c.id);
  return { t, admin, cy, cyId, ana, inbound, summary, view };
}

describe('SLA clocks and manager views', () => {
  it('breaches first response exactly after the team target, on the injected clock', async () => {
    const { t, admin, cy, cyId, inbound, summary, view } = await setup();
    const a = await inbound('447700900001', 'I want a refund');
    t.clock.advance(10 * MIN);
    let s = await summary(admin.cookie);
    expect(s.views).toMatchObject({ waiting_on_business: 1, waiting_first_response: 0, sla_breached: 0, unassigned: 0 });
    const before = (await (await t.request(`/api/v1/conversations/${a}`, { cookie: admin.cookie })).json()).data;
    expect(before).toMatchObject({ assigneeId: cyId, sla: { firstResponseBreached: false, resolutionBreached: false } });
    expect(Date.parse(before.sla.firstResponseDueAt) - Date.parse(before.openedAt)).toBe(15 * MIN);

    t.clock.advance(5 * MIN); // exactly at the due time: not yet
    expect((await summary(admin.cookie)).views.sla_breached).toBe(0);
    t.clock.advance(1);
    s = await summary(admin.cookie);
    expect(s.views).toMatchObject({ waiting_first_response: 1, sla_breached: 1 });
    expect(s.agents.find((x: { userId: string }) => x.userId === cyId)).toMatchObject({ open: 1, waitingOnBusiness: 1, slaBreached: 1 });
    expect(await view(admin.cookie, 'sla_breached')).toEqual([a]);

    // The late answer moves it to "waiting on customer"; the breach stays on the record of this cycle.
    expect((await t.request(`/api/v1/conversations/${a}/messages`, { cookie: cy.cookie, body: { type: 'text', text: 'Sorry for the wait!' } })).status).toBe(202);
    s = await summary(admin.cookie);
    expect(s.views).toMatchObject({ waiting_on_business: 0, waiting_on_customer: 1, waiting_first_response: 0, sla_breached: 1 });
    const after = (await (await t.request(`/api/v1/conversations/${a}`, { cookie: admin.cookie })).json()).data;
    expect(after).toMatchObject({ waitingSince: null, sla: { firstResponseBreached: true } });
    expect(Date.parse(after.firstResponseAt) - Date.parse(after.openedAt)).toBe(15 * MIN + 1);

    // Resolving closes the cycle (kept for reports); a new message opens a fresh one with fresh clocks.
    expect((await t.request(`/api/v1/conversations/${a}`, { method: 'PATCH', cookie: cy.cookie, body: { status: 'resolved' } })).status).toBe(200);
    const cycles = t.db.$client.prepare('SELECT opened_at AS openedAt, first_response_at AS fr, resolved_at AS resolvedAt, assignee_id AS assigneeId FROM conversation_cycles').all() as { openedAt: number; fr: number; resolvedAt: number; assigneeId: string }[];
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!).toMatchObject({ assigneeId: cyId, fr: cycles[0]!.openedAt + 15 * MIN + 1 });
    expect((await summary(admin.cookie)).views.sla_breached).toBe(0);
    t.clock.advance(60 * MIN);
    await inbound('447700900001', 'one more refund question');
    const reopened = (await (await t.request(`/api/v1/conversations/${a}`, { cookie: admin.cookie })).json()).data;
    expect(reopened).toMatchObject({ status: 'open', firstResponseAt: null, openedAt: new Date(t.clock.now() - (t.clock.now() % 1000)).toISOString(), sla: { firstResponseBreached: false } });
  });

  it('uses the workspace default for conversations without a team; lists unassigned and escalated; scopes agents', async () => {
    const { t, admin, ana, cy, inbound, summary, view } = await setup();
    const b = await inbound('447700900002', 'hello, opening hours?');
    t.clock.advance(60 * MIN);
    expect((await summary(admin.cookie)).views).toMatchObject({ unassigned: 1, sla_breached: 0 });
    t.clock.advance(1_000);
    expect(await view(admin.cookie, 'sla_breached')).toEqual([b]);
    expect(await view(admin.cookie, 'escalated')).toEqual([]);
    expect((await t.request(`/api/v1/conversations/${b}`, { method: 'PATCH', cookie: admin.cookie, body: { flagged: true } })).status).toBe(200);
    expect(await view(admin.cookie, 'escalated')).toEqual([b]);
    expect(await view(admin.cookie, 'unassigned')).toEqual([b]);

    // Support's conversation is invisible to an agent outside the team, in lists and in counts.
    const a = await inbound('447700900003', 'refund for order 7');
    expect(await view(cy.cookie, 'waiting_on_business')).toEqual(expect.arrayContaining([a, b]));
    expect(await view(ana.cookie, 'waiting_on_business')).toEqual([b]);
    expect((await summary(ana.cookie)).views.waiting_on_business).toBe(1);
    expect((await summary(admin.cookie)).views.waiting_on_business).toBe(2);
    expect((await t.request('/api/v1/conversations?view=nonsense', { cookie: admin.cookie })).status).toBe(400);
  });

  it('starts fresh clocks when reopened by hand, and a late webhook does not unanswer a thread', async () => {
    const { t, admin, cy, inbound } = await setup();
    const a = await inbound('447700900009', 'refund status?');
    t.clock.advance(5 * MIN);
    await t.request(`/api/v1/conversations/${a}/messages`, { cookie: cy.cookie, body: { type: 'text', text: 'On its way back to you.' } });
    // The customer's earlier message (sent before our reply) arrives late: they are not waiting on us.
    await inbound('447700900009', 'also, hello', t.clock.now() - 2 * MIN);
    const get = async () => (await (await t.request(`/api/v1/conversations/${a}`, { cookie: admin.cookie })).json()).data;
    expect(await get()).toMatchObject({ waitingSince: null, firstResponseAt: new Date(t.clock.now()).toISOString() });

    await t.request(`/api/v1/conversations/${a}`, { method: 'PATCH', cookie: admin.cookie, body: { status: 'resolved' } });
    t.clock.advance(3 * 24 * 60 * MIN);
    await t.request(`/api/v1/conversations/${a}`, { method: 'PATCH', cookie: admin.cookie, body: { status: 'open' } });
    expect(await get()).toMatchObject({ status: 'open', openedAt: new Date(t.clock.now()).toISOString(), firstResponseAt: null, sla: { resolutionBreached: false } });
    await t.request(`/api/v1/conversations/${a}`, { method: 'PATCH', cookie: admin.cookie, body: { status: 'resolved' } });
    const cycles = t.db.$client.prepare('SELECT opened_at AS o, first_response_at AS f FROM conversation_cycles ORDER BY id').all() as { o: number; f: number | null }[];
    expect(cycles).toHaveLength(2);
    expect(cycles[1]).toEqual({ o: t.clock.now(), f: null });
  });
});
