import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { ftsQuery, indexPendingMessages, MARK_END, MARK_START, searchMessages } from './search.repository.js';

function seed() {
  const t = createTestContext();
  const now = t.clock.now();
  const sql = t.db.$client;
  sql.prepare(`INSERT INTO channels (id, name, phone_number_id, access_token_enc, app_secret_enc, verify_token_enc, created_at, updated_at) VALUES ('ch', 'c', '1', 'x', 'x', 'x', 1, 1)`).run();
  sql.prepare(`INSERT INTO contacts (id, name, phone, username, created_at, updated_at) VALUES ('ct_1', 'Joana Conceição', '+351912345678', '@joana', ?, ?)`).run(now, now);
  sql.prepare(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES ('cv_1', 'ct_1', 'ch', ?, ?)`).run(now, now);
  const msg = sql.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at) VALUES (?, 'cv_1', 'ct_1', 'ch', 'inbound', 'text', ?, 'received', ?, 1, 1)`);
  msg.run('m1', 'Qual é o preço do frete para Lisboa?', 1);
  msg.run('m2', 'preço preço preço — só quero saber o preço', 2);
  msg.run('m3', 'Obrigada!', 3);
  indexPendingMessages(t.db);
  return t;
}

describe('full-text search', () => {
  it('builds safe prefix queries from anything typed', () => {
    expect(ftsQuery('preço frete')).toBe('"preço"* "frete"*');
    expect(ftsQuery('"AND OR NEAR( col:x')).toBe('"AND"* "OR"* "NEAR"* "col"* "x"*');
    expect(ftsQuery('!!! ???')).toBeNull();
  });

  it('ignores accents and case, matches prefixes, ranks the closer match first and marks the hit', () => {
    const t = seed();
    const hits = searchMessages(t.db, 'PRECO', null, 10);
    expect(hits.map((h) => h.id)).toEqual(['m2', 'm1']);
    expect(hits[1]!.snippet).toContain(`${MARK_START}preço${MARK_END}`);
    // Each hit says who wrote it and where (the contact is looked up for the returned rows only).
    expect(hits[0]).toMatchObject({ conversationId: 'cv_1', contactId: 'ct_1', contactName: 'Joana Conceição' });
    expect(searchMessages(t.db, 'lisb', null, 10).map((h) => h.id)).toEqual(['m1']);
  });

  it('indexes new messages in batches and only then finds them', () => {
    const t = seed();
    t.db.$client.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at) VALUES ('m4', 'cv_1', 'ct_1', 'ch', 'inbound', 'text', 'Chegou a encomenda', 'received', 4, 1, 1)`).run();
    t.db.$client.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at) VALUES ('m5', 'cv_1', 'ct_1', 'ch', 'inbound', 'image', NULL, 'received', 5, 1, 1)`).run();
    expect(searchMessages(t.db, 'encomenda', null, 10)).toEqual([]);
    // An edit before indexing must not touch the index (the indexer takes the current text).
    t.db.$client.prepare(`UPDATE messages SET text = 'Chegou a encomenda toda' WHERE id = 'm4'`).run();
    expect(indexPendingMessages(t.db, 1)).toBe(1);
    expect(indexPendingMessages(t.db, 10)).toBe(1); // the row without text still moves the watermark
    expect(indexPendingMessages(t.db)).toBe(0);
    expect(searchMessages(t.db, 'encomenda toda', null, 10).map((h) => h.id)).toEqual(['m4']);
    expect(t.db.$client.prepare(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0);
  });

  it('follows edits and deletes of indexed messages (triggers)', () => {
    const t = seed();
    t.db.$client.prepare(`UPDATE messages SET text = 'Qual é o custo do envio?' WHERE id = 'm1'`).run();
    expect(searchMessages(t.db, 'frete', null, 10)).toEqual([]);
    expect(searchMessages(t.db, 'envio', null, 10).map((h) => h.id)).toEqual(['m1']);
    t.db.$client.prepare(`DELETE FROM messages WHERE id = 'm2'`).run();
    expect(searchMessages(t.db, 'preço', null, 10)).toEqual([]);
  });

  it('finds contacts by name without accents, phone digits and username through the API', async () => {
    const t = seed();
    const { cookie } = await t.signIn('owner');
    for (const q of ['conceicao', '3519123', 'joana']) {
      const res = (await (await t.request(`/api/v1/search?q=${encodeURIComponent(q)}`, { cookie })).json()).data;
      expect(res.contacts.map((c: { id: string }) => c.id)).toEqual(['ct_1']);
    }
    await t.request('/api/v1/conversations/cv_1/notes', { cookie, body: { body: 'Cliente prefere entrega à tarde' } });
    const messages = (await (await t.request('/api/v1/search?q=frete', { cookie })).json()).data.messages;
    expect(messages).toEqual([expect.objectContaining({ id: 'm1', conversationId: 'cv_1', contactName: 'Joana Conceição' })]);
    const notes = (await (await t.request('/api/v1/search?q=entrega', { cookie })).json()).data.notes;
    expect(notes).toEqual([expect.objectContaining({ conversationId: 'cv_1' })]);
  });
});
