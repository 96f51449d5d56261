import { describe, expect, it } from 'vitest';
import { rulesSetup } from './rules.testkit.js';

describe('rule action "set the priority"', () => {
  it('offers every conversation priority (low, normal, high, urgent) and refuses others with 400', async () => {
    const k = await rulesSetup();
    await k.createRule({ name: 'Invoices are high', trigger: { type: 'keyword', keywords: ['invoice'] }, actions: [{ type: 'set_priority', priority: 'high' }] });
    await k.createRule({ name: 'Thanks are low', trigger: { type: 'keyword', keywords: ['thanks'] }, actions: [{ type: 'set_priority', priority: 'low' }] });
    await k.says('351912000070', 'where is my invoice?');
    await k.says('351912000071', 'thanks!');
    k.pump();
    const priority = (waId: string) => (k.t.db.$client.prepare(`SELECT v.priority FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE c.wa_id = ?`).get(waId) as { priority: string }).priority;
    expect([priority('351912000070'), priority('351912000071')]).toEqual(['high', 'low']);

    const res = await k.api('/rules', { body: { name: 'x', trigger: { type: 'keyword', keywords: ['x'] }, actions: [{ type: 'set_priority', priority: 'critical' }] } });
    expect(res.status).toBe(400);
  });
});
