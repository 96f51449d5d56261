import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { findOrCreateContact } from './contacts.repository.js';

async function setup() {
  const t = createTestContext();
  const admin = await t.signIn('admin');
  const agent = await t.signIn('agent');
  const agentId = t.deps.users.findByEmail('agent@parley.test')!.id;
  for (const field of [
    { key: 'tier', label: 'Tier', type: 'select', options: ['Gold', 'Silver'] },
    { key: 'budget', label: 'Budget', type: 'number' },
  ]) {
    expect((await t.request('/api/v1/custom-fields', { cookie: admin.cookie, body: { entity: 'contact', ...field } })).status).toBe(201);
  }
  const ch1 = t.deps.channels.create({ phoneNumberId: '1000001', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123' });
  const ch2 = t.deps.channels.create({ phoneNumberId: '1000002', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123' });
  // Merging is for owners and admins (it folds threads an agent may not see); agents get 403.
  return { t, cookie: admin.cookie, agentCookie: agent.cookie, agentId, ch1, ch2 };
}

describe('merging contacts', () => {
  it('merge moves everything: identities, tags, conversations (same channel folded), messages, tasks, deals, custom fields', async () => {
    const { t, cookie, agentId, ch1, ch2 } = await setup();
    const now = t.clock.now();
    const sql = (q: string, ...args: unknown[]) => t.db.$client.prepare(q).run(...args);
    const get = <R>(q: string, ...args: unknown[]) => t.db.$client.prepare(q).get(...args) as R;
    const all = <R>(q: string, ...args: unknown[]) => t.db.$client.prepare(q).all(...args) as R[];

    // The target was typed in by an agent; the source wrote in on WhatsApp from another number.
    const created = await t.request('/api/v1/contacts', { cookie, body: { name: 'Ana Lima', phone: '+55 11 98765-0000', tags: ['vip'], customFields: { tier: 'Gold' } } });
    const target = (await created.json()).data;
    const source = findOrCreateContact(t.db, { waId: '5511912345678', userId: 'BR.123', profileName: 'Ana L' }, now).contact;
    const patched = await t.request(`/api/v1/contacts/${source.id}`, {
      method: 'PATCH',
      cookie,
      body: { email: 'ana@example.com', company: 'Lima & Co', ownerId: agentId, customFields: { tier: 'Silver', budget: 900 } },
    });
    expect(patched.status).toBe(200);
    await t.request(`/api/v1/contacts/${source.id}/tags`, { cookie, body: { tag: 'lead' } });
    await t.request(`/api/v1/contacts/${source.id}/tags`, { cookie, body: { tag: 'vip' } });
    sql(`UPDATE contacts SET first_touch = '{"source_id":"ad_1"}' WHERE id = ?`, source.id);

    const conv = (id: string, contactId: string, channelId: string, last: number, unread: number, status = 'open', assigneeId: string | null = null) =>
      sql(
        `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, last_message_at, last_inbound_at, window_expires_at, unread_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id, contactId, channelId, status, assigneeId, last, last, last + 24 * 3600_000, unread, now - 100_000, now - 100_000,
      );
    conv('cv_t1', target.id, ch1.id, now - 50_000, 1, 'resolved');
    conv('cv_s1', source.id, ch1.id, now - 10_000, 2, 'open', agentId); // same channel as cv_t1: folded into it
    conv('cv_s2', source.id, ch2.id, now - 20_000, 0); // only the source talks on ch2: re-pointed
    const msg = (id: string, convId: string, contactId: string, channelId: string, at: number) =>
      sql(
        `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, created_at, updated_at) VALUES (?, ?, ?, ?, 'inbound', 'text', 'hi', 'received', ?, ?, ?, ?)`,
        id, convId, contactId, channelId, `wamid.${id}`, at, at, at,
      );
    msg('m_t1', 'cv_t1', target.id, ch1.id, now - 50_000);
    msg('m_s1', 'cv_s1', source.id, ch1.id, now - 10_000);
    msg('m_s2', 'cv_s2', source.id, ch2.id, now - 20_000);
    sql(`INSERT INTO conversation_notes (id, conversation_id, body, created_at) VALUES ('note_s1', 'cv_s1', 'asked for a discount', ?)`, now);
    sql(`INSERT INTO message_reactions (channel_id, target_wa_id, actor, actor_id, emoji, reacted_at) VALUES (?, 'wamid.out1', 'contact', ?, '❤️', ?)`, ch1.id, source.id, now);
    sql(`INSERT INTO tasks (id, title, contact_id, conversation_id, created_at, updated_at) VALUES ('task_s', 'Send quote', ?, 'cv_s1', ?, ?)`, source.id, now, now);
    sql(`INSERT INTO deals (id, title, pipeline_id, stage_id, contact_id, conversation_id, stage_entered_at, created_at, updated_at) VALUES ('deal_s', 'Cake', 'pl_1', 'st_1', ?, 'cv_s2', ?, ?, ?)`, source.id, now, now, now);

    const res = await t.request(`/api/v1/contacts/${target.id}/merge`, { cookie, body: { sourceId: source.id } });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toMatchObject({
      id: target.id,
      name: 'Ana Lima', // the target's own values are kept…
      phone: '+5511987650000',
      waId: '5511987650000',
      email: 'ana@example.com', // …blanks are filled from the source
      company: 'Lima & Co',
      ownerId: agentId,
      userId: 'BR.123',
      firstTouch: { source_id: 'ad_1' },
      tags: ['lead', 'vip'],
      customFields: { tier: 'Gold', budget: 900 },
    });
    expect((await t.request(`/api/v1/contacts/${source.id}`, { cookie })).status).toBe(404);

    // Identities: the source's WhatsApp number and BSUID now resolve to the target.
    expect(all(`SELECT kind, value FROM contact_identities WHERE contact_id = ? ORDER BY kind, value`, target.id)).toEqual([
      { kind: 'user_id', value: 'BR.123' },
      { kind: 'wa_id', value: '5511912345678' },
      { kind: 'wa_id', value: '5511987650000' },
    ]);
    const inbound = findOrCreateContact(t.db, { waId: '5511912345678', userId: null, profileName: 'Ana L' }, now);
    expect(inbound).toMatchObject({ created: false, contact: { id: target.id } });

    // Conversations: cv_s1 folded into cv_t1 (latest times, unread summed, current cycle from the newer thread), cv_s2 moved.
    expect(all(`SELECT id, channel_id AS channelId FROM conversations WHERE contact_id = ? ORDER BY id`, target.id)).toEqual([
      { id: 'cv_s2', channelId: ch2.id },
      { id: 'cv_t1', channelId: ch1.id },
    ]);
    expect(get(`SELECT count(*) AS n FROM conversations WHERE id = 'cv_s1'`)).toEqual({ n: 0 });
    expect(get(`SELECT status, assignee_id AS assigneeId, last_message_at AS last, last_inbound_at AS inbound, window_expires_at AS window, unread_count AS unread FROM conversations WHERE id = 'cv_t1'`)).toEqual({
      status: 'open',
      assigneeId: agentId,
      last: now - 10_000,
      inbound: now - 10_000,
      window: now - 10_000 + 24 * 3600_000,
      unread: 3,
    });
    expect(all(`SELECT id, conversation_id AS conv, contact_id AS contact FROM messages ORDER BY id`)).toEqual([
      { id: 'm_s1', conv: 'cv_t1', contact: target.id },
      { id: 'm_s2', conv: 'cv_s2', contact: target.id },
      { id: 'm_t1', conv: 'cv_t1', contact: target.id },
    ]);
    expect(get(`SELECT conversation_id AS conv FROM conversation_notes WHERE id = 'note_s1'`)).toEqual({ conv: 'cv_t1' });
    expect(get(`SELECT actor_id AS actorId FROM message_reactions`)).toEqual({ actorId: target.id });
    expect(get(`SELECT contact_id AS contact, conversation_id AS conv FROM tasks WHERE id = 'task_s'`)).toEqual({ contact: target.id, conv: 'cv_t1' });
    expect(get(`SELECT contact_id AS contact, conversation_id AS conv FROM deals WHERE id = 'deal_s'`)).toEqual({ contact: target.id, conv: 'cv_s2' });
    expect((await (await t.request(`/api/v1/conversations/cv_t1/messages`, { cookie })).json()).data.map((m: { id: string }) => m.id).sort()).toEqual(['m_s1', 'm_t1']);

    const entry = get<{ entity_id: string; after: string }>(`SELECT entity_id, after FROM audit_log WHERE action = 'contact.merged'`);
    expect(entry.entity_id).toBe(target.id);
    expect(JSON.parse(entry.after)).toMatchObject({ targetId: target.id, sourceId: source.id, moved: { conversations: 2, messages: 2, tasks: 1, deals: 1 } });
  });

  it('keeps an opt-out from either side, and links a source WhatsApp id that had no identity row', async () => {
    const { t, cookie } = await setup();
    const now = t.clock.now();
    const target = findOrCreateContact(t.db, { waId: '14155552671', userId: null }, now).contact;
    // A source from before identities were recorded: wa_id on the row only, opted out by keyword.
    t.db.$client
      .prepare(`INSERT INTO contacts (id, name, phone, wa_id, marketing_opt_out, consent_source, consent_at, created_at, updated_at) VALUES ('ct_old', 'Old', '+14155552672', '14155552672', 1, 'keyword:STOP', ?, ?, ?)`)
      .run(now, now, now);
    const merged = (await (await t.request(`/api/v1/contacts/${target.id}/merge`, { cookie, body: { sourceId: 'ct_old' } })).json()).data;
    expect(merged).toMatchObject({ name: 'Old', phone: '+14155552671', marketingOptOut: true, consent: { source: 'keyword:STOP' } });
    expect(findOrCreateContact(t.db, { waId: '14155552672', userId: null }, now)).toMatchObject({ created: false, contact: { id: target.id } });
  });

  it('refuses merging a contact into itself (409) and unknown contacts (404)', async () => {
    const { t, cookie, agentCookie } = await setup();
    const ana = findOrCreateContact(t.db, { waId: '14155552671', userId: null }, t.clock.now()).contact;
    const self = await t.request(`/api/v1/contacts/${ana.id}/merge`, { cookie, body: { sourceId: ana.id } });
    expect(self.status).toBe(409);
    expect((await self.json()).error.code).toBe('contacts.merge_self');
    const unknownSource = await t.request(`/api/v1/contacts/${ana.id}/merge`, { cookie, body: { sourceId: 'ct_nobody' } });
    expect(unknownSource.status).toBe(404);
    expect((await unknownSource.json()).error).toMatchObject({ code: 'contacts.not_found', message: expect.stringContaining('ct_nobody') });
    expect((await t.request(`/api/v1/contacts/ct_nobody/merge`, { cookie, body: { sourceId: ana.id } })).status).toBe(404);
    expect((await t.request(`/api/v1/contacts/${ana.id}/merge`, { cookie, body: {} })).status).toBe(400);
    expect((await t.request(`/api/v1/contacts/${ana.id}/merge`, { cookie: agentCookie, body: { sourceId: 'ct_nobody' } })).status).toBe(403);
    expect((await t.request(`/api/v1/contacts/${ana.id}`, { cookie })).status).toBe(200);
  });
});
