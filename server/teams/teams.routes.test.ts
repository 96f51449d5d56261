import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';

const PNID = '220011223344556';

async function setup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: PNID, accessToken: 'EAAG-test-token', appSecret: 'teams-secret', verifyToken: 'verify-123' });
  const admin = await t.signIn('admin');
  const ana = await t.signIn('agent', 'ana@parley.test');
  const bo = await t.signIn('agent', 'bo@parley.test');
  const cy = await t.signIn('agent', 'cy@parley.test');
  const idOf = async (cookie: string) => (await (await t.request('/api/v1/me', { cookie })).json()).data.id as string;
  const ids = { ana: await idOf(ana.cookie), bo: await idOf(bo.cookie), cy: await idOf(cy.cookie) };
  const sales = (await (await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Sales', keywords: ['price', 'preço'] } })).json()).data;
  const support = (await (await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Support', keywords: ['refund'] } })).json()).data;
  await t.request(`/api/v1/teams/${sales.id}/members`, { method: 'PUT', cookie: admin.cookie, body: { userIds: [ids.ana, ids.bo] } });
  await t.request(`/api/v1/teams/${support.id}/members`, { method: 'PUT', cookie: admin.cookie, body: { userIds: [ids.cy] } });

  let n = 0;
  /** A customer writes in through the real webhook path; returns the conversation row. */
  const inbound = async (waId: string, text: string, pnid = PNID) => {
    const body = serializeMetaStyle({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: pnid }, contacts: [{ profile: { name: waId }, wa_id: waId }], messages: [{ from: waId, id: `wamid.T${++n}`, timestamp: String(1752000000 + n), type: 'text', text: { body: text } }] } }] }],
    });
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'teams-secret') }, body });
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
    return t.db.$client.prepare(`SELECT c.id, c.assignee_id AS assigneeId, c.team_id AS teamId FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.wa_id = ?`).get(waId) as { id: string; assigneeId: string | null; teamId: string | null };
  };
  return { t, admin, ana, bo, cy, ids, sales, support, inbound };
}

describe('routing', () => {
  it('sends a new conversation on a team’s WhatsApp number to that team, after keywords', async () => {
    const { t, admin, ids, support, inbound } = await setup();
    const shopLine = t.deps.channels.create({ phoneNumberId: '220011223344557', accessToken: 'EAAG-test-token', appSecret: 'teams-secret', verifyToken: 'verify-456' });
    const bad = await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Shop', channelIds: ['ch_nope'] } });
    expect((await bad.json()).error.message).toBe('channelIds: no such channel ch_nope');
    const shop = (await (await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Shop', channelIds: [shopLine.id] } })).json()).data;
    expect(shop.channelIds).toEqual([shopLine.id]);
    await t.request(`/api/v1/teams/${shop.id}/members`, { method: 'PUT', cookie: admin.cookie, body: { userIds: [ids.bo] } });
    expect(await inbound('447700900201', 'hello there', '220011223344557')).toMatchObject({ teamId: shop.id, assigneeId: ids.bo });
    expect(await inbound('447700900202', 'I need a refund', '220011223344557')).toMatchObject({ teamId: support.id, assigneeId: ids.cy });
    expect(await inbound('447700900203', 'hello there')).toMatchObject({ teamId: null, assigneeId: null });
  });

  it('sends keyword matches to the team round-robin, skips unavailable members, and leaves the rest unassigned', async () => {
    const { t, ana, ids, sales, support, inbound } = await setup();
    const first = await inbound('5511900000001', 'Qual o PRECO do kit?');
    const second = await inbound('5511900000002', 'price list please');
    expect([first.assigneeId, second.assigneeId].sort()).toEqual([ids.ana, ids.bo].sort());
    expect(first.teamId).toBe(sales.id);

    await t.request('/api/v1/me/availability', { method: 'PATCH', cookie: ana.cookie, body: { available: false } });
    const third = await inbound('5511900000003', 'price?');
    const fourth = await inbound('5511900000004', 'price again');
    expect([third.assigneeId, fourth.assigneeId]).toEqual([ids.bo, ids.bo]);

    expect(await inbound('5511900000005', 'I want a refund')).toMatchObject({ teamId: support.id, assigneeId: ids.cy });
    expect(await inbound('5511900000006', 'hello there')).toMatchObject({ teamId: null, assigneeId: null });
    // Only the first message routes: a later keyword does not move a conversation.
    expect(await inbound('5511900000006', 'refund please')).toMatchObject({ teamId: null, assigneeId: null });
  });

  it('returns a known customer to their owner first', async () => {
    const { t, ids, inbound } = await setup();
    const now = t.clock.now();
    t.db.$client.prepare(`INSERT INTO contacts (id, name, wa_id, owner_id, created_at, updated_at) VALUES ('ct_owned', 'Owned', '5511900000009', ?, ?, ?)`).run(ids.cy, now, now);
    t.db.$client.prepare(`INSERT INTO contact_identities (kind, value, contact_id, source, created_at) VALUES ('wa_id', '5511900000009', 'ct_owned', 'test', ?)`).run(now);
    expect(await inbound('5511900000009', 'price?')).toMatchObject({ assigneeId: ids.cy, teamId: null });
  });
});

describe('visibility', () => {
  it('agents see their own, their teams’ and the shared queue; another team’s conversation is a 404', async () => {
    const { t, admin, ana, cy, inbound } = await setup();
    const salesConv = await inbound('5511900000011', 'price?');
    const supportConv = await inbound('5511900000012', 'refund');
    const shared = await inbound('5511900000013', 'hello');
    const list = async (cookie: string) => ((await (await t.request('/api/v1/conversations', { cookie })).json()).data as { id: string }[]).map((c) => c.id).sort();

    expect(await list(admin.cookie)).toEqual([salesConv.id, supportConv.id, shared.id].sort());
    expect(await list(ana.cookie)).toEqual([salesConv.id, shared.id].sort());
    expect(await list(cy.cookie)).toEqual([supportConv.id, shared.id].sort());

    for (const path of [`/api/v1/conversations/${supportConv.id}`, `/api/v1/conversations/${supportConv.id}/messages`, `/api/v1/conversations/${supportConv.id}/notes`]) {
      const res = await t.request(path, { cookie: ana.cookie });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('conversations.not_found');
    }
    expect((await t.request(`/api/v1/conversations/${supportConv.id}/messages`, { cookie: ana.cookie, body: { type: 'text', text: 'hi' } })).status).toBe(404);
    const search = (await (await t.request('/api/v1/search?q=refund', { cookie: ana.cookie })).json()).data;
    expect(search.messages).toEqual([]);

    await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { agentsSeeAll: true } });
    expect(await list(ana.cookie)).toHaveLength(3);
  });

  it('moves a conversation to another team on transfer', async () => {
    const { t, ana, bo, support, inbound } = await setup();
    const conv = await inbound('5511900000021', 'price?');
    const owner = conv.assigneeId === (await (await t.request('/api/v1/me', { cookie: ana.cookie })).json()).data.id ? ana : bo;
    const res = await t.request(`/api/v1/conversations/${conv.id}`, { method: 'PATCH', cookie: owner.cookie, body: { teamId: support.id, assigneeId: null } });
    expect((await res.json()).data).toMatchObject({ teamId: support.id, assigneeId: null });
    expect((await t.request(`/api/v1/conversations/${conv.id}`, { cookie: owner.cookie })).status).toBe(404);
  });
});
