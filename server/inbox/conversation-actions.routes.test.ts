import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { upsertTemplates } from '../templates/templates.repository.js';
import { wakeSnoozed } from './conversations.repository.js';
import { indexPendingMessages } from '../search/search.repository.js';

async function setup() {
  const t = createTestContext();
  const channel = t.deps.channels.create({ phoneNumberId: '1000001', wabaId: '2000002', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123' });
  const agent = await t.signIn('agent');
  const now = t.clock.now();
  t.db.$client.prepare(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES ('ct_1', 'Ana Lima', '+5511987650000', '5511987650000', ?, ?)`).run(now, now);
  t.db.$client.prepare(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES ('cv_1', 'ct_1', ?, ?, ?)`).run(channel.id, now, now);
  t.db.$client
    .prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at) VALUES ('msg_f', 'cv_1', 'ct_1', ?, 'outbound', 'text', 'boleto do pedido', 'failed', ?, ?, ?)`)
    .run(channel.id, now, now, now);
  const me = (await (await t.request('/api/v1/me', { cookie: agent.cookie })).json()).data;
  return { t, cookie: agent.cookie, me, channel };
}

describe('conversation actions', () => {
  it('assigns, prioritises, snoozes, resolves and reopens; the list filters follow', async () => {
    const { t, cookie, me } = await setup();
    const patch = (body: unknown) => t.request('/api/v1/conversations/cv_1', { method: 'PATCH', cookie, body });
    expect((await (await patch({ assigneeId: me.id, priority: 'urgent' })).json()).data).toMatchObject({ assigneeId: me.id, priority: 'urgent' });
    expect((await (await t.request('/api/v1/conversations?assignee=me', { cookie })).json()).data).toHaveLength(1);
    expect((await (await t.request('/api/v1/conversations?assignee=none', { cookie })).json()).data).toHaveLength(0);

    expect((await patch({ status: 'snoozed' })).status).toBe(400);
    const until = new Date(t.clock.now() + 3600_000).toISOString();
    expect((await (await patch({ status: 'snoozed', snoozedUntil: until })).json()).data).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    t.clock.advance(3600_000 - 1);
    expect(wakeSnoozed(t.db, t.clock.now())).toEqual([]);
    t.clock.advance(1);
    expect(wakeSnoozed(t.db, t.clock.now())).toEqual(['cv_1']);
    expect((await (await t.request('/api/v1/conversations/cv_1', { cookie })).json()).data).toMatchObject({ status: 'open', snoozedUntil: null });
    expect((await (await patch({ status: 'resolved' })).json()).data.resolvedAt).not.toBeNull();
    expect((await (await t.request('/api/v1/conversations?status=resolved', { cookie })).json()).data).toHaveLength(1);
    expect((await (await patch({ status: 'open' })).json()).data).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await patch({ assigneeId: 'usr_nobody' })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
  });

  it('keeps internal notes apart from messages', async () => {
    const { t, cookie, me } = await setup();
    const created = await t.request('/api/v1/conversations/cv_1/notes', { cookie, body: { body: 'Customer is a wholesaler — offer the B2B price.' } });
    expect(created.status).toBe(201);
    const notes = (await (await t.request('/api/v1/conversations/cv_1/notes', { cookie })).json()).data;
    expect(notes).toEqual([expect.objectContaining({ body: 'Customer is a wholesaler — offer the B2B price.', authorId: me.id })]);
    const messages = (await (await t.request('/api/v1/conversations/cv_1/messages', { cookie })).json()).data;
    expect(messages.map((m: { text: string }) => m.text)).not.toContain('Customer is a wholesaler — offer the B2B price.');
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM jobs`).get()).toEqual({ n: 0 }); // nothing goes to WhatsApp
  });

  it('lists the team, finds contacts and messages, and retries only failed messages', async () => {
    const { t, cookie } = await setup();
    expect((await (await t.request('/api/v1/team', { cookie })).json()).data.map((u: { role: string }) => u.role)).toEqual(['agent']);

    indexPendingMessages(t.db); // what the search.index job does after messages are written
    const found = (await (await t.request('/api/v1/search?q=lima', { cookie })).json()).data;
    expect(found.contacts.map((c: { id: string }) => c.id)).toEqual(['ct_1']);
    const byText = (await (await t.request('/api/v1/search?q=boleto', { cookie })).json()).data;
    expect(byText.messages).toEqual([expect.objectContaining({ id: 'msg_f', conversationId: 'cv_1' })]);
    expect((await t.request('/api/v1/search?q=x', { cookie })).status).toBe(400);

    const retried = await t.request('/api/v1/messages/msg_f/retry', { method: 'POST', cookie });
    expect(retried.status).toBe(202);
    expect((await (await t.request('/api/v1/messages/msg_f', { cookie })).json()).data.status).toBe('queued');
    expect((await t.request('/api/v1/messages/msg_f/retry', { method: 'POST', cookie })).status).toBe(409);
  });

  it('lists synced templates with their body parameters', async () => {
    const { t, cookie } = await setup();
    upsertTemplates(t.db, '2000002', [
      { id: '1', name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Order {{1}} is {{2}}.' }] },
      { id: '2', name: 'old_offer', language: 'en', status: 'PAUSED', category: 'MARKETING', components: [] },
    ], t.clock.now());
    const approved = (await (await t.request('/api/v1/templates?status=approved', { cookie })).json()).data;
    expect(approved).toEqual([expect.objectContaining({ name: 'order_update', bodyParameters: ['1', '2'] })]);
  });
});

describe('canned replies', () => {
  it('are managed by admins and readable by everyone', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const agent = await t.signIn('agent');
    const created = await t.request('/api/v1/canned-replies', { cookie: admin.cookie, body: { shortcut: 'Hours', body: 'We are open 9–18, Monday to Saturday.' } });
    expect(created.status).toBe(201);
    expect((await created.json()).data.shortcut).toBe('hours');
    expect((await t.request('/api/v1/canned-replies', { cookie: admin.cookie, body: { shortcut: 'hours', body: 'again' } })).status).toBe(409);
    expect((await t.request('/api/v1/canned-replies', { cookie: admin.cookie, body: { shortcut: 'no spaces', body: 'x' } })).status).toBe(400);
    expect((await t.request('/api/v1/canned-replies', { cookie: agent.cookie, body: { shortcut: 'x', body: 'x' } })).status).toBe(403);
    const list = (await (await t.request('/api/v1/canned-replies', { cookie: agent.cookie })).json()).data;
    expect(list).toEqual([expect.objectContaining({ shortcut: 'hours', body: 'We are open 9–18, Monday to Saturday.' })]);
    expect((await t.request(`/api/v1/canned-replies/${list[0].id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(204);
  });
});
