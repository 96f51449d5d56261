import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { findContactByIdentity, findOrCreateContact } from './contacts.repository.js';

type T = ReturnType<typeof createTestContext>;

/** An admin, an agent, the US as default region, and contact custom fields of every type. */
async function setup() {
  const t = createTestContext();
  const admin = await t.signIn('admin');
  const agent = await t.signIn('agent');
  const agentId = t.deps.users.findByEmail('agent@parley.test')!.id;
  expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { defaultRegion: 'US' } })).status).toBe(200);
  for (const field of [
    { key: 'tier', label: 'Tier', type: 'select', options: ['Gold', 'Silver'] },
    { key: 'budget', label: 'Budget', type: 'number' },
    { key: 'birthday', label: 'Birthday', type: 'date' },
    { key: 'notes', label: 'Notes', type: 'text' },
  ]) {
    expect((await t.request('/api/v1/custom-fields', { cookie: admin.cookie, body: { entity: 'contact', ...field } })).status).toBe(201);
  }
  const create = async (body: unknown) => {
    const res = await t.request('/api/v1/contacts', { cookie: agent.cookie, body });
    expect(res.status).toBe(201);
    return (await res.json()).data as { id: string; phone: string | null };
  };
  return { t, admin: admin.cookie, agent: agent.cookie, agentId, create };
}

const audit = (t: T, action: string) =>
  (t.db.$client.prepare(`SELECT entity_id AS entityId, before, after FROM audit_log WHERE action = ? ORDER BY id`).all(action) as { entityId: string; before: string | null; after: string | null }[]).map((r) => ({
    entityId: r.entityId,
    before: r.before ? JSON.parse(r.before) : null,
    after: r.after ? JSON.parse(r.after) : null,
  }));

describe('editing a contact', () => {
  it('changes every field, with typed custom fields, and audits before → after', async () => {
    const { t, agent, agentId, create } = await setup();
    const ana = await create({ name: 'Ana', phone: '(415) 555-2671' });
    const events: unknown[] = [];
    t.deps.bus.subscribe((e) => events.push(e));

    const res = await t.request(`/api/v1/contacts/${ana.id}`, {
      method: 'PATCH',
      cookie: agent,
      body: {
        name: 'Ana Lima',
        phone: '415.555.2672',
        email: ' ana@example.com ',
        company: 'Lima & Co',
        reference: 'C-1001',
        language: 'pt_BR',
        ownerId: agentId,
        customFields: { tier: 'gold', budget: '1500.5', birthday: '1990-04-01', notes: 'likes mornings' },
      },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toMatchObject({
      id: ana.id,
      name: 'Ana Lima',
      phone: '+14155552672',
      waId: '14155552672',
      email: 'ana@example.com',
      company: 'Lima & Co',
      reference: 'C-1001',
      language: 'pt_BR',
      ownerId: agentId,
      customFields: { tier: 'Gold', budget: 1500.5, birthday: '1990-04-01', notes: 'likes mornings' },
    });
    expect(events).toEqual([{ type: 'contact.updated', contactId: ana.id, data: { id: ana.id } }]);

    // Messages from the new number find her; the typed-in old number (never heard from) no longer does.
    expect(findContactByIdentity(t.db, { waId: '14155552672', userId: null })?.id).toBe(ana.id);
    expect(findContactByIdentity(t.db, { waId: '14155552671', userId: null })).toBeUndefined();

    const [entry] = audit(t, 'contact.updated');
    expect(entry).toMatchObject({
      entityId: ana.id,
      before: { name: 'Ana', phone: '+14155552671', email: null, ownerId: null, customFields: {} },
      after: { name: 'Ana Lima', phone: '+14155552672', email: 'ana@example.com', ownerId: agentId, customFields: { tier: 'Gold', budget: 1500.5 } },
    });

    // Only the given custom keys change; null clears one. Blank text clears a field.
    const partial = await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: agent, body: { customFields: { notes: null, budget: 20 }, company: '' } });
    expect((await partial.json()).data).toMatchObject({ company: null, customFields: { tier: 'Gold', budget: 20, birthday: '1990-04-01' } });
    expect((await (await t.request(`/api/v1/contacts/${ana.id}`, { cookie: agent })).json()).data.customFields).not.toHaveProperty('notes');

    // Lists filter by owner and free text over company/reference; search follows the rename.
    expect((await (await t.request(`/api/v1/contacts?ownerId=${agentId}`, { cookie: agent })).json()).data.map((c: { id: string }) => c.id)).toEqual([ana.id]);
    expect((await (await t.request('/api/v1/contacts?q=C-1001', { cookie: agent })).json()).data).toHaveLength(1);
    expect((await (await t.request('/api/v1/search?q=lima', { cookie: agent })).json()).data.contacts.map((c: { id: string }) => c.id)).toEqual([ana.id]);
  });

  it.each([
    [{ customFields: { shoe_size: 42 } }, /^customFields\.shoe_size: no such contact field/],
    [{ customFields: { budget: 'lots' } }, /^customFields\.budget: must be a number/],
    [{ customFields: { birthday: '31/12/1990' } }, /^customFields\.birthday: must be a date/],
    [{ customFields: { tier: 'Platinum' } }, /^customFields\.tier: must be one of "Gold", "Silver"/],
    [{ customFields: { notes: { nested: true } } }, /^customFields\.notes: must be text/],
    [{ customFields: 'gold' }, /^customFields:/],
    [{ email: 'ana-at-example' }, /^email: must be an email address/],
    [{ ownerId: 'usr_nobody' }, /^ownerId: no such active user/],
    [{ phone: 'banana' }, /^phone: "banana" is not a valid number \(local numbers are read as US\)/],
    [{ language: 'Portuguese' }, /^language: must be a language code/],
    [{ name: '' }, /^name:/],
    [{ nickname: 'Aninha' }, /nickname/],
    [{}, /give at least one of/],
  ])('answers %o with 400 naming the field', async (body, message) => {
    const { t, agent, create } = await setup();
    const ana = await create({ name: 'Ana', phone: '(415) 555-2671', customFields: { notes: 'keep' } });
    const res = await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: agent, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'request.invalid', message: expect.stringMatching(message) });
    const after = (await (await t.request(`/api/v1/contacts/${ana.id}`, { cookie: agent })).json()).data;
    expect(after).toMatchObject({ name: 'Ana', phone: '+14155552671', customFields: { notes: 'keep' } }); // nothing changed
  });

  it('refuses a disabled owner, a number another contact has (409 naming them), and unknown ids', async () => {
    const { t, agent, agentId, create } = await setup();
    const ana = await create({ name: 'Ana', phone: '(415) 555-2671' });
    const bo = await create({ name: 'Bo', phone: '+44 20 7946 0958' });
    const dup = await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: agent, body: { phone: '+442079460958' } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error).toMatchObject({ code: 'contacts.duplicate', message: expect.stringContaining(`Bo (${bo.id})`) });

    // A number known only as another contact's WhatsApp id (their old number) is theirs too.
    t.db.$client.prepare(`INSERT INTO contact_identities (kind, value, contact_id, source, created_at) VALUES ('wa_id', '14155552673', ?, 'number_change', 0)`).run(bo.id);
    expect((await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: agent, body: { phone: '+1 415 555 2673' } })).status).toBe(409);

    // Her own number written another way is not a duplicate.
    const same = await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: agent, body: { phone: '+1 (415) 555-2671' } });
    expect(same.status).toBe(200);

    t.db.$client.prepare(`UPDATE users SET disabled_at = 1 WHERE id = ?`).run(agentId);
    const { cookie: admin } = await t.signIn('admin', 'second-admin@parley.test');
    const disabled = await t.request(`/api/v1/contacts/${ana.id}`, { method: 'PATCH', cookie: admin, body: { ownerId: agentId } });
    expect(disabled.status).toBe(400);
    expect((await disabled.json()).error.message).toMatch(/^ownerId:/);

    const missing = await t.request('/api/v1/contacts/ct_nobody', { method: 'PATCH', cookie: admin, body: { name: 'X' } });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('contacts.not_found');
  });

  it('adds and removes tags (audited), and the list filters by tag', async () => {
    const { t, agent, create } = await setup();
    const ana = await create({ name: 'Ana', phone: '(415) 555-2671' });
    const tagged = await t.request(`/api/v1/contacts/${ana.id}/tags`, { cookie: agent, body: { tag: 'vip' } });
    expect((await tagged.json()).data.tags).toEqual(['vip']);
    expect((await (await t.request('/api/v1/contacts?tag=vip', { cookie: agent })).json()).data).toHaveLength(1);
    expect((await t.request(`/api/v1/contacts/${ana.id}/tags`, { cookie: agent, body: { tag: 'a,b' } })).status).toBe(400);
    expect((await (await t.request(`/api/v1/contacts/${ana.id}/tags/vip`, { method: 'DELETE', cookie: agent })).json()).data.tags).toEqual([]);
    expect((await (await t.request('/api/v1/contacts?tag=vip', { cookie: agent })).json()).data).toHaveLength(0);
    expect(audit(t, 'contact.tag_added')).toEqual([{ entityId: ana.id, before: null, after: { tag: 'vip' } }]);
    expect(audit(t, 'contact.tag_removed')).toEqual([{ entityId: ana.id, before: { tag: 'vip' }, after: null }]);
  });
});

describe('deleting a contact', () => {
  it('erases the contact and their conversations, messages, notes; tasks and deals stay, unlinked', async () => {
    const { t, admin, agent, create } = await setup();
    const channel = t.deps.channels.create({ phoneNumberId: '1000001', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123' });
    const ana = await create({ name: 'Ana', phone: '(415) 555-2671', tags: ['vip'] });
    const bo = await create({ name: 'Bo', phone: '+44 20 7946 0958' });
    const now = t.clock.now();
    const sql = (q: string, ...args: unknown[]) => t.db.$client.prepare(q).run(...args);
    const count = (q: string, ...args: unknown[]) => (t.db.$client.prepare(q).get(...args) as { n: number }).n;
    for (const [conv, contact] of [['cv_ana', ana.id], ['cv_bo', bo.id]]) {
      sql(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, conv, contact, channel.id, now, now);
      sql(
        `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, created_at, updated_at) VALUES (?, ?, ?, ?, 'inbound', 'text', 'secret order details', 'received', ?, ?, ?, ?)`,
        `msg_${conv}`, conv, contact, channel.id, `wamid.${conv}`, now, now, now,
      );
      sql(`INSERT INTO message_status_events (wa_message_id, status, channel_id, timestamp, created_at) VALUES (?, 'read', ?, ?, ?)`, `wamid.${conv}`, channel.id, now, now);
      sql(`INSERT INTO message_reactions (channel_id, target_wa_id, actor, actor_id, emoji, reacted_at) VALUES (?, ?, 'user', 'usr_x', '👍', ?)`, channel.id, `wamid.${conv}`, now);
      sql(`INSERT INTO conversation_notes (id, conversation_id, body, created_at) VALUES (?, ?, 'note', ?)`, `note_${conv}`, conv, now);
    }
    sql(`INSERT INTO conversation_cycles (conversation_id, opened_at, resolved_at) VALUES ('cv_ana', ?, ?)`, now, now);
    sql(`INSERT INTO tasks (id, title, contact_id, conversation_id, created_at, updated_at) VALUES ('task_1', 'Call Ana', ?, 'cv_ana', ?, ?)`, ana.id, now, now);
    sql(`INSERT INTO deals (id, title, pipeline_id, stage_id, contact_id, conversation_id, stage_entered_at, created_at, updated_at) VALUES ('deal_1', 'Cake', 'pl_1', 'st_1', ?, 'cv_ana', ?, ?, ?)`, ana.id, now, now, now);

    expect((await t.request(`/api/v1/contacts/${ana.id}`, { method: 'DELETE', cookie: agent })).status).toBe(403);
    expect((await t.request(`/api/v1/contacts/${ana.id}`, { method: 'DELETE', cookie: admin })).status).toBe(204);

    expect((await t.request(`/api/v1/contacts/${ana.id}`, { cookie: admin })).status).toBe(404);
    expect(count(`SELECT count(*) AS n FROM conversations WHERE id = 'cv_ana'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM messages WHERE conversation_id = 'cv_ana' OR contact_id = ?`, ana.id)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM message_status_events WHERE wa_message_id = 'wamid.cv_ana'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM message_reactions WHERE target_wa_id = 'wamid.cv_ana'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM conversation_notes WHERE conversation_id = 'cv_ana'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM conversation_cycles WHERE conversation_id = 'cv_ana'`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM contact_identities WHERE contact_id = ?`, ana.id)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM contact_tags WHERE contact_id = ?`, ana.id)).toBe(0);
    expect(t.db.$client.prepare(`SELECT contact_id AS contactId, conversation_id AS conversationId FROM tasks WHERE id = 'task_1'`).get()).toEqual({ contactId: null, conversationId: null });
    expect(t.db.$client.prepare(`SELECT contact_id AS contactId, conversation_id AS conversationId FROM deals WHERE id = 'deal_1'`).get()).toEqual({ contactId: null, conversationId: null });
    // Bo is untouched.
    expect(count(`SELECT count(*) AS n FROM messages WHERE contact_id = ?`, bo.id)).toBe(1);
    expect(count(`SELECT count(*) AS n FROM message_status_events WHERE wa_message_id = 'wamid.cv_bo'`)).toBe(1);
    expect(count(`SELECT count(*) AS n FROM conversation_notes WHERE conversation_id = 'cv_bo'`)).toBe(1);

    expect(audit(t, 'contact.deleted')).toEqual([{ entityId: ana.id, before: expect.objectContaining({ name: 'Ana', phone: '+14155552671', conversations: 1, messages: 1 }), after: null }]);
    expect((await t.request(`/api/v1/contacts/${ana.id}`, { method: 'DELETE', cookie: admin })).status).toBe(404);
    // If she writes again she is a new contact, with nothing of the old one.
    expect(findOrCreateContact(t.db, { waId: '14155552671', userId: null }, now).created).toBe(true);
  });
});
