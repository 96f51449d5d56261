import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

describe('creating contacts', () => {
  it('normalises typed numbers with the default region and refuses duplicates', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const agent = await t.signIn('agent');
    const local = await t.request('/api/v1/contacts', { cookie: agent.cookie, body: { name: 'Rui', phone: '912 345 678' } });
    expect(local.status).toBe(400);
    expect((await local.json()).error.message).toMatch(/^phone: .*default region/);

    expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { defaultRegion: 'PT' } })).status).toBe(200);
    const created = await t.request('/api/v1/contacts', { cookie: agent.cookie, body: { name: 'Rui', phone: '912 345 678', language: 'pt_PT', tags: ['lead'] } });
    expect(created.status).toBe(201);
    const rui = (await created.json()).data;
    expect(rui).toMatchObject({ name: 'Rui', phone: '+351912345678', waId: '351912345678', language: 'pt_PT', tags: ['lead'] });

    const dup = await t.request('/api/v1/contacts', { cookie: agent.cookie, body: { name: 'Rui again', phone: '+351 912 345 678' } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error).toMatchObject({ code: 'contacts.duplicate', message: expect.stringContaining(rui.id) });

    // When the customer then writes on WhatsApp, it is the same contact.
    const byPhone = (await (await t.request('/api/v1/contacts?phone=%2B351912345678', { cookie: agent.cookie })).json()).data;
    expect(byPhone.map((c: { id: string }) => c.id)).toEqual([rui.id]);

    const nameOnly = await t.request('/api/v1/contacts', { cookie: agent.cookie, body: { name: 'Walk-in customer' } });
    expect((await nameOnly.json()).data).toMatchObject({ name: 'Walk-in customer', phone: null, waId: null });
    expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { defaultRegion: 'Portugal' } })).status).toBe(400);
  });
});
