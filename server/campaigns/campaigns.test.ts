import { describe, expect, it } from 'vitest';
import { campaignSetup } from './campaigns.testkit.js';

describe('campaign audience', () => {
  it('previews matched, excluded and suppressed contacts with reasons', async () => {
    const { t, contacts, admin } = await campaignSetup();
    contacts(5, { tags: ['vip'] });
    contacts(2, { tags: ['vip'], optedOut: true });
    contacts(1, { tags: ['vip'], noNumber: true });
    contacts(3, { tags: ['vip', 'staff'] });
    contacts(4, { tags: ['lead'] });
    const preview = async (audience: unknown) => (await (await t.request('/api/v1/campaigns/audience-preview', { cookie: admin.cookie, body: { audience } })).json()).data;
    expect(await preview({ tags: ['vip'], excludeTags: ['staff'] })).toEqual({ matched: 11, excluded: 3, suppressed: { opted_out: 2, no_whatsapp: 1, no_opt_in: 0 }, total: 5 });
    expect((await preview({ tags: ['vip', 'lead'] })).total).toBe(12);
    expect((await preview({ tags: ['vip', 'staff'], tagMatch: 'all' })).total).toBe(3);
    // Only contacts with a recorded opt-in: none of the plain ones have one.
    expect(await preview({ tags: ['vip'], requireOptIn: true })).toMatchObject({ total: 0, suppressed: { no_opt_in: 8, opted_out: 2 } });
    const bad = await t.request('/api/v1/campaigns/audience-preview', { cookie: admin.cookie, body: { audience: { customFields: [{ key: 'Bad Key', op: 'eq' }] } } });
    expect([bad.status, (await bad.json()).error.code]).toEqual([400, 'request.invalid']);
  });

  it('filters by custom fields, deal stage and last activity', async () => {
    const { t, contacts, admin } = await campaignSetup();
    const [gold] = contacts(1, { custom: { tier: 'Gold', visits: 12, birthday: '1990-05-01' } });
    contacts(1, { custom: { tier: 'silver', visits: 3 } });
    contacts(1);
    const preview = async (audience: unknown) => (await (await t.request('/api/v1/campaigns/audience-preview', { cookie: admin.cookie, body: { audience } })).json()).data.total;
    expect(await preview({ customFields: [{ key: 'tier', op: 'eq', value: 'gold' }] })).toBe(1);
    expect(await preview({ customFields: [{ key: 'visits', op: 'gt', value: '5' }] })).toBe(1);
    expect(await preview({ customFields: [{ key: 'visits', op: 'lt', value: '5' }] })).toBe(1);
    expect(await preview({ customFields: [{ key: 'tier', op: 'set' }] })).toBe(2);
    expect(await preview({ customFields: [{ key: 'tier', op: 'unset' }] })).toBe(1);
    expect(await preview({ customFields: [{ key: 'birthday', op: 'lt', value: '2000-01-01' }] })).toBe(1);
    expect(await preview({ customFields: [{ key: 'tier', op: 'contains', value: 'ILV' }] })).toBe(1);

    const pipeline = (await (await t.request('/api/v1/pipelines', { cookie: admin.cookie })).json()).data[0];
    const stage = pipeline.stages[1];
    expect((await t.request('/api/v1/deals', { cookie: admin.cookie, body: { title: 'Gold order', pipelineId: pipeline.id, stageId: stage.id, contactId: gold } })).status).toBe(201);
    expect(await preview({ stageIds: [stage.id] })).toBe(1);

    expect(await preview({ lastActivity: { withinDays: 30 } })).toBe(0); // nobody has a conversation yet
    expect(await preview({ lastActivity: { olderThanDays: 30 } })).toBe(3);
  });
});

describe('campaign flow', () => {
  it('refuses to start without a test send, with an empty audience, or with a paused template', async () => {
    const { t, contacts, createCampaign, post, admin } = await campaignSetup();
    contacts(3, { tags: ['vip'] });
    const c = await createCampaign();
    const untested = await post(`/campaigns/${c.id}/start`);
    expect([untested.status, (await untested.json()).error.code]).toEqual([422, 'campaigns.not_tested']);

    const test = await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    expect(test.status).toBe(202);
    expect((await test.json()).data.messages[0]).toMatchObject({ to: '+14155550123', status: 'queued' });
    // The test message carries the mapped parameter (a new contact has no name: the fallback).
    const sent = t.db.$client.prepare(`SELECT content FROM messages WHERE type = 'template'`).get() as { content: string };
    expect(JSON.parse(sent.content).template.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'there' }] }]);

    // Changing the content asks for a new test.
    expect((await t.request(`/api/v1/campaigns/${c.id}`, { method: 'PATCH', cookie: admin.cookie, body: { mapping: { params: { 'body.1': { source: 'fixed', value: 'friend' } } } } })).status).toBe(200);
    expect((await (await post(`/campaigns/${c.id}/start`)).json()).error.code).toBe('campaigns.not_tested');
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });

    const empty = await createCampaign({ audience: { tags: ['nobody'] } });
    await post(`/campaigns/${empty.id}/test-send`, { to: ['+14155550123'] });
    const none = await post(`/campaigns/${empty.id}/start`);
    expect([none.status, (await none.json()).error.code]).toEqual([422, 'campaigns.audience_empty']);
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ?`).get(empty.id)).toEqual({ n: 0 });

    const paused = await t.request('/api/v1/campaigns', { cookie: admin.cookie, body: { name: 'Old', templateId: 'tpl_paused', audience: { tags: ['vip'] } } });
    const pausedId = (await paused.json()).data.id;
    const refused = await post(`/campaigns/${pausedId}/test-send`, { to: ['+14155550123'] });
    expect([refused.status, (await refused.json()).error.code]).toEqual([422, 'templates.not_approved']);

    const started = await post(`/campaigns/${c.id}/start`);
    expect(started.status).toBe(200);
    expect((await started.json()).data).toMatchObject({ status: 'sending', counts: { recipients: 3, pending: 3 } });
    expect((await t.request(`/api/v1/campaigns/${c.id}`, { method: 'PATCH', cookie: admin.cookie, body: { name: 'x' } })).status).toBe(409);
    expect((await post(`/campaigns/${c.id}/resume`)).status).toBe(409);
  });

  it('paces sends at the configured rate, never bursting after a stall', async () => {
    const { contacts, createCampaign, post, run, tick, queuedSends, t } = await campaignSetup();
    contacts(100, { tags: ['vip'] });
    const c = await createCampaign({ ratePerSecond: 10 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    tick();
    expect(queuedSends()).toBe(1);
    run(2000);
    expect(queuedSends()).toBeGreaterThanOrEqual(20);
    expect(queuedSends()).toBeLessThanOrEqual(21);
    // A 10-second stall (restart, busy machine) catches up at most half a second of sending.
    t.clock.advance(10_000);
    tick();
    expect(queuedSends()).toBeLessThanOrEqual(21 + 6);
    run(20_000);
    expect(queuedSends()).toBe(100);
    expect((await (await t.request(`/api/v1/campaigns/${c.id}`, { cookie: (await t.signIn('admin')).cookie })).json()).data.status).toBe('finished');
  });

  it('holds back releases while sends are not keeping up (at most two seconds of them queued)', async () => {
    const { contacts, createCampaign, post, run, queuedSends } = await campaignSetup({ drainSends: false });
    contacts(100, { tags: ['vip'] });
    const c = await createCampaign({ ratePerSecond: 10 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    run(10_000);
    // 20 send jobs pending (the test send is one of them): the campaign waits instead of piling up more.
    expect(queuedSends()).toBe(19);
  });

  it('waits for the daily messaging limit window instead of failing', async () => {
    const { contacts, createCampaign, post, run, queuedSends, t, admin, get } = await campaignSetup();
    contacts(300, { tags: ['vip'] });
    expect((await t.request('/api/v1/settings', { cookie: admin.cookie })).status).toBe(200);
    expect((await get('/settings')).data.messagingLimit).toBe(250);
    const c = await createCampaign({ ratePerSecond: 80 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] }); // the test send counts too
    await post(`/campaigns/${c.id}/start`);
    run(10_000);
    expect(queuedSends()).toBe(249);
    const waiting = (await get(`/campaigns/${c.id}`)).data;
    expect(waiting).toMatchObject({ status: 'sending', waitingReason: 'daily_limit' });
    expect(Date.parse(waiting.waitingUntil)).toBeGreaterThan(t.clock.now() + 23 * 3600_000);
    run(24 * 3600_000, 60_000);
    run(5_000);
    expect(queuedSends()).toBe(300);
    expect((await get(`/campaigns/${c.id}`)).data).toMatchObject({ status: 'finished', waitingReason: null });
  });

  it('skips a contact who opts out after the start, and pauses when the template is paused by Meta', async () => {
    const { contacts, createCampaign, post, run, tick, queuedSends, t, get } = await campaignSetup();
    const ids = contacts(30, { tags: ['vip'] });
    const c = await createCampaign({ ratePerSecond: 10 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    t.db.$client.prepare('UPDATE contacts SET marketing_opt_out = 1 WHERE id = ?').run(ids[29]);
    run(1000);
    t.db.$client.prepare(`UPDATE templates SET status = 'PAUSED' WHERE id = 'tpl_promo_en'`).run();
    const before = queuedSends();
    run(1000);
    expect(queuedSends()).toBe(before);
    expect((await get(`/campaigns/${c.id}`)).data).toMatchObject({ status: 'paused', waitingReason: 'template_paused' });
    t.db.$client.prepare(`UPDATE templates SET status = 'APPROVED' WHERE id = 'tpl_promo_en'`).run();
    expect((await post(`/campaigns/${c.id}/resume`)).status).toBe(200);
    tick();
    run(5000);
    expect(queuedSends()).toBe(29);
    const log = (await get(`/campaigns/${c.id}/recipients?state=skipped`)).data;
    expect(log).toEqual([expect.objectContaining({ contactId: ids[29], status: 'skipped', reason: 'opted_out' })]);
  });

  it('a pause stops the running dispatch for good; a resume starts one new run', async () => {
    const { contacts, createCampaign, post, run, queuedSends, t } = await campaignSetup();
    contacts(50, { tags: ['vip'] });
    const c = await createCampaign({ ratePerSecond: 10 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    run(1000);
    expect((await post(`/campaigns/${c.id}/pause`)).status).toBe(200);
    const atPause = queuedSends();
    run(3000);
    expect(queuedSends()).toBe(atPause);
    await post(`/campaigns/${c.id}/resume`);
    await post(`/campaigns/${c.id}/pause`);
    await post(`/campaigns/${c.id}/resume`);
    run(1000);
    // Two resumes, one run: still 10/s.
    expect(queuedSends() - atPause).toBeLessThanOrEqual(11);
    const live = t.db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE queue = 'campaigns.dispatch' AND state != 'done'`).get() as { n: number };
    expect(live.n).toBe(1);
  });

  it('picks the template language from the contact, with the default as fallback', async () => {
    const { contacts, createCampaign, post, run, t } = await campaignSetup();
    contacts(2, { tags: ['vip'], language: 'pt' });
    contacts(2, { tags: ['vip'], language: 'de' });
    const c = await createCampaign({ variantLanguages: ['pt_BR'] });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    run(2000);
    const langs = t.db.$client.prepare(`SELECT language, count(*) AS n FROM campaign_recipients WHERE campaign_id = ? GROUP BY language ORDER BY language`).all(c.id);
    expect(langs).toEqual([{ language: 'en', n: 2 }, { language: 'pt_BR', n: 2 }]);
  });
});
