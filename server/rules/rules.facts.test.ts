import { describe, expect, it } from 'vitest';
import { loadFacts } from './rules.facts.js';
import { evaluateConditions } from './rules.models.js';
import type { Condition } from './rules.schemas.js';
import { rulesSetup } from './rules.testkit.js';

describe('rule facts, read from the database when conditions ask', () => {
  it('every condition field sees the stored contact, conversation and deal', async () => {
    const k = await rulesSetup();
    await k.says('351912500001', 'Hello');
    const conv = k.conversationOf('351912500001');
    const db = k.t.db.$client;
    db.prepare(`UPDATE contacts SET name = 'Ana Lima', language = 'pt', marketing_opt_out = 1, custom_fields = '{"city":"Porto","orders":7}' WHERE id = ?`).run(conv.contact_id);
    db.prepare(`INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, 'vip', 0), (?, 'b2b', 0)`).run(conv.contact_id, conv.contact_id);
    db.prepare(`UPDATE conversations SET priority = 'high' WHERE id = ?`).run(conv.id);
    const pipeline = (await (await k.api('/pipelines', { body: { name: 'Sales', stages: [{ name: 'New' }, { name: 'Won', outcome: 'won' }] } })).json()).data as { id: string; stages: { id: string }[] };
    const deal = (await (await k.api('/deals', { body: { title: 'Order', pipelineId: pipeline.id, contactId: conv.contact_id, amount: '120.00', currency: 'EUR' } })).json()).data as { id: string };

    const facts = loadFacts(k.t.db, { contactId: conv.contact_id, conversationId: conv.id, dealId: deal.id }, { text: 'Hello' }, k.t.clock.now());
    const holds = (c: Condition) => evaluateConditions({ match: 'all', items: [c] }, facts);
    expect(holds({ field: 'contact.tag', op: 'eq', value: 'VIP' })).toBe(true);
    expect(holds({ field: 'contact.tag', op: 'eq', value: 'retail' })).toBe(false);
    expect(holds({ field: 'contact.name', op: 'contains', value: 'lima' })).toBe(true);
    expect(holds({ field: 'contact.language', op: 'eq', value: 'pt' })).toBe(true);
    expect(holds({ field: 'contact.optedOut', op: 'eq', value: 'true' })).toBe(true);
    expect(holds({ field: 'contact.custom.city', op: 'eq', value: 'porto' })).toBe(true);
    expect(holds({ field: 'contact.custom.orders', op: 'gt', value: '5' })).toBe(true);
    expect(holds({ field: 'conversation.priority', op: 'eq', value: 'high' })).toBe(true);
    expect(holds({ field: 'conversation.windowOpen', op: 'eq', value: 'true' })).toBe(true);
    expect(holds({ field: 'deal.stageId', op: 'eq', value: pipeline.stages[0]!.id })).toBe(true);
    expect(holds({ field: 'deal.amount', op: 'lt', value: '10000' })).toBe(false);
    expect(holds({ field: 'message.text', op: 'contains', value: 'hell' })).toBe(true);
  });

  it('each part is read on first use and then kept: a tag condition does not read the contact row', async () => {
    const k = await rulesSetup();
    await k.says('351912500002', 'Hi');
    const conv = k.conversationOf('351912500002');
    const db = k.t.db.$client;
    const facts = loadFacts(k.t.db, { contactId: conv.contact_id, conversationId: conv.id, dealId: null }, {}, k.t.clock.now());
    expect(facts.contact!.tags).toEqual([]);
    // Changed after the tags were read: the name is read now, fresh; the tags stay as first read.
    db.prepare(`UPDATE contacts SET name = 'Renamed' WHERE id = ?`).run(conv.contact_id);
    db.prepare(`INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, 'late', 0)`).run(conv.contact_id);
    expect(facts.contact!.name).toBe('Renamed');
    expect(facts.contact!.tags).toEqual([]);
    // A new object (what the consumer takes after a rule acted) sees the change.
    expect(loadFacts(k.t.db, { contactId: conv.contact_id, conversationId: null, dealId: null }, {}, 0).contact!.tags).toEqual(['late']);
    expect(loadFacts(k.t.db, { contactId: null, conversationId: null, dealId: null }, {}, 0)).toMatchObject({ contact: null, conversation: null, deal: null, message: null });
  });
});
