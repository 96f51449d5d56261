import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

const DAY = 86_400_000;

describe('click-to-WhatsApp ad attribution', () => {
  it('credits contacts, answers and won deals within the window to the ad they came from', async () => {
    const t = createTestContext();
    const owner = await t.signIn('owner');
    const now = t.clock.now();
    const sql = t.db.$client;
    const contact = sql.prepare(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`);
    const conv = sql.prepare(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES (?, ?, 'ch', ?, ?)`);
    const msg = sql.prepare(
      `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, status, timestamp, referral, created_at, updated_at) VALUES (?, ?, ?, 'ch', ?, 'text', 'received', ?, ?, ?, ?)`,
    );
    const ref = (id: string) => JSON.stringify({ sourceId: id, sourceType: 'ad', headline: `Ad ${id}`, sourceUrl: `https://fb.me/${id}`, ctwaClid: `clid-${id}` });
    for (const [i, ad] of [[1, 'A'], [2, 'A'], [3, 'B']] as const) {
      contact.run(`ct_${i}`, `Lead ${i}`, now, now);
      conv.run(`cv_${i}`, `ct_${i}`, now, now);
      msg.run(`m_in_${i}`, `cv_${i}`, `ct_${i}`, 'inbound', now - 3 * DAY, ref(ad), now, now);
      msg.run(`m_in2_${i}`, `cv_${i}`, `ct_${i}`, 'inbound', now - 3 * DAY + 1000, ref(ad), now, now); // a second message from the same click
    }
    msg.run('m_out_1', 'cv_1', 'ct_1', 'outbound', now - 3 * DAY + 60_000, null, now, now); // answered within the window
    msg.run('m_out_3', 'cv_3', 'ct_3', 'outbound', now - 3 * DAY + 20 * DAY, null, now, now); // too late, and in the future anyway
    msg.run('m_old', 'cv_3', 'ct_3', 'inbound', now - 90 * DAY, ref('C'), now, now); // outside the period

    const pipeline = (await (await t.request('/api/v1/pipelines', { cookie: owner.cookie })).json()).data[0];
    const wonStage = pipeline.stages.find((s: { outcome: string }) => s.outcome === 'won');
    const deal = await t.request('/api/v1/deals', { cookie: owner.cookie, body: { title: 'Sofa', pipelineId: pipeline.id, stageId: wonStage.id, contactId: 'ct_2', amount: '450.00', currency: 'EUR' } });
    expect(deal.status).toBe(201);

    const res = await t.request('/api/v1/reports/ads?days=30&window=7', { cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toEqual([
      { sourceId: 'A', sourceType: 'ad', headline: 'Ad A', sourceUrl: 'https://fb.me/A', contacts: 2, conversations: 2, replied: 1, dealsWon: 1, wonValue: [{ currency: 'EUR', amountMinor: 45_000 }] },
      { sourceId: 'B', sourceType: 'ad', headline: 'Ad B', sourceUrl: 'https://fb.me/B', contacts: 1, conversations: 1, replied: 0, dealsWon: 0, wonValue: [] },
    ]);
    const agent = await t.signIn('agent');
    expect((await t.request('/api/v1/reports/ads', { cookie: agent.cookie })).status).toBe(403);
    expect((await t.request('/api/v1/reports/ads?window=0', { cookie: owner.cookie })).status).toBe(400);
  });
});
