import { describe, expect, it } from 'vitest';
import { directJobContext } from '../jobs/jobs.worker.js';
import { silentLogger } from '../lib/logger.js';
import { sendMessageJob } from '../whatsapp/outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { campaignSetup } from './campaigns.testkit.js';
import { getCampaign } from './campaigns.repository.js';
import { editCampaign, startCampaign } from './campaigns.usecases.js';
import { GraphError, GraphNetworkError } from '../whatsapp/graph/graph.errors.js';

const DAY = 86_400_000;

describe('campaign report and attribution', () => {
  it('sums the per-recipient log: delivery states, failures by reason, replies, opt-outs and won deals within the window', async () => {
    const { t, contacts, createCampaign, post, run, get, admin } = await campaignSetup();
    const ids = contacts(6, { tags: ['vip'] });
    contacts(1, { tags: ['vip'], optedOut: true });
    const c = await createCampaign({ attributionDays: 3 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    run(2000);
    const sql = t.db.$client;
    const msgOf = (contactId: string) => sql.prepare(`SELECT m.id, m.conversation_id AS conv FROM messages m JOIN campaign_recipients r ON r.message_id = m.id WHERE r.contact_id = ?`).get(contactId) as { id: string; conv: string };
    const status = (contactId: string, s: string, extra = '') => sql.prepare(`UPDATE messages SET status = ?, wa_message_id = ? ${extra} WHERE id = ?`).run(s, `wamid.${contactId}`, msgOf(contactId).id);
    status(ids[0]!, 'read');
    status(ids[1]!, 'delivered');
    status(ids[2]!, 'sent');
    status(ids[3]!, 'failed', `, error_code = 131026`);
    status(ids[4]!, 'failed', `, error_code = 131026`);
    status(ids[5]!, 'read');
    const now = t.clock.now();
    const inbound = sql.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, status, timestamp, created_at, updated_at) VALUES (?, ?, ?, ?, 'inbound', 'text', 'received', ?, ?, ?)`);
    inbound.run('in_1', msgOf(ids[0]!).conv, ids[0], t.deps.channels.all()[0]!.id, now + DAY, now, now); // a reply within 3 days
    inbound.run('in_2', msgOf(ids[5]!).conv, ids[5], t.deps.channels.all()[0]!.id, now + 5 * DAY, now, now); // too late to count
    sql.prepare(`INSERT INTO consent_events (contact_id, status, source, at) VALUES (?, 'opted_out', 'keyword', ?)`).run(ids[1], now + 1000);
    const pipeline = (await get('/pipelines')).data[0];
    const won = pipeline.stages.find((s: { outcome: string }) => s.outcome === 'won');
    t.clock.advance(DAY);
    expect((await t.request('/api/v1/deals', { cookie: admin.cookie, body: { title: 'Order', pipelineId: pipeline.id, stageId: won.id, contactId: ids[0], amount: '99.90', currency: 'EUR' } })).status).toBe(201);

    const report = (await get(`/campaigns/${c.id}/report`)).data;
    expect(report.counts).toEqual({ recipients: 7, pending: 0, skipped: 1, queued: 0, failed: 2, sent: 4, delivered: 3, read: 2, replied: 1, optedOut: 1, converted: 1 });
    expect(report.rates).toEqual({ delivered: 0.75, read: 0.5, replied: 0.25, converted: 0.25 });
    expect(report.failures).toEqual([{ code: 131026, reason: expect.stringMatching(/.+/), count: 2 }]);
    expect(report.skipped).toEqual([{ reason: 'opted_out', count: 1 }]);
    expect(report.conversions).toEqual({ deals: 1, value: [{ currency: 'EUR', amountMinor: 9990 }] });
    expect(report.timeline.points.reduce((s: number, p: { sent: number }) => s + p.sent, 0)).toBe(4);

    // The log pages and filters agree with the report.
    const all = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await get(`/campaigns/${c.id}/recipients?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.data);
      cursor = page.nextCursor;
    }
    expect(all).toHaveLength(7);
    expect((await get(`/campaigns/${c.id}/recipients?status=delivered`)).data).toHaveLength(report.counts.delivered);
    expect((await get(`/campaigns/${c.id}/recipients?status=replied`)).data.map((r: { contactId: string }) => r.contactId)).toEqual([ids[0]]);
    const csv = await t.request(`/api/v1/campaigns/${c.id}/recipients.csv`, { cookie: admin.cookie });
    expect(csv.headers.get('content-disposition')).toContain('Summer-sale-recipients.csv');
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^contact_id,name,phone,status/);
  });

  it('never sends a campaign message twice: a send cut off mid-call is failed, not repeated', async () => {
    const { t, contacts, createCampaign, post, run } = await campaignSetup({ drainSends: false });
    contacts(2, { tags: ['vip'] });
    const c = await createCampaign();
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await post(`/campaigns/${c.id}/start`);
    run(1000);
    const [a, b] = t.db.$client.prepare(`SELECT message_id AS id FROM campaign_recipients WHERE campaign_id = ? ORDER BY position`).all(c.id) as { id: string }[];
    // As if the process died while the first send was in flight: the row still says `sending`.
    t.db.$client.prepare(`UPDATE messages SET status = 'sending' WHERE id = ?`).run(a!.id);
    const jobs = t.deps.jobs.claim<{ messageId: string }>(SEND_MESSAGE_QUEUE, 10, 60_000);
    const jobOf = (id: string) => jobs.find((j) => j.payload.messageId === id)!;
    const calls: string[] = [];
    const deps = { ...t.deps, graphFor: () => ({ sendMessage: async () => (calls.push('send'), { waMessageId: 'wamid.X' }) }) as never };
    await sendMessageJob(deps, jobOf(a!.id).payload, directJobContext(jobOf(a!.id), silentLogger));
    expect(calls).toEqual([]);
    const row = t.db.$client.prepare(`SELECT status, error_title AS title FROM messages WHERE id = ?`).get(a!.id) as { status: string; title: string };
    expect(row.status).toBe('failed');
    expect(row.title).toMatch(/not sent again/);
    // A message that was only queued goes out normally.
    await sendMessageJob(deps, jobOf(b!.id).payload, directJobContext(jobOf(b!.id), silentLogger));
    expect(calls).toEqual(['send']);
    expect(t.db.$client.prepare(`SELECT status, wa_message_id AS wamid FROM messages WHERE id = ?`).get(b!.id)).toEqual({ status: 'sent', wamid: 'wamid.X' });
  });

  it('schedules, starts at the time with the audience of that moment, and cancels what is left', async () => {
    const { t, contacts, createCampaign, post, run, tick, get, queuedSends } = await campaignSetup();
    contacts(3, { tags: ['vip'] });
    const c = await createCampaign({ ratePerSecond: 1 });
    await post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    const at = new Date(t.clock.now() + 3600_000).toISOString();
    const scheduled = await post(`/campaigns/${c.id}/start`, { at });
    expect((await scheduled.json()).data).toMatchObject({ status: 'scheduled', scheduledAt: at, counts: { recipients: 0 } });
    contacts(2, { tags: ['vip'] }); // joins before the start
    tick();
    expect(queuedSends()).toBe(0);
    t.clock.advance(3600_000);
    tick();
    tick();
    expect((await get(`/campaigns/${c.id}`)).data).toMatchObject({ status: 'sending', counts: { recipients: 5 } });
    run(1000, 500);
    const sent = queuedSends();
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThan(5);
    expect((await post(`/campaigns/${c.id}/cancel`)).status).toBe(200);
    run(10_000);
    expect(queuedSends()).toBe(sent);
    const report = (await get(`/campaigns/${c.id}/report`)).data;
    expect(report.skipped).toEqual([{ reason: 'cancelled', count: 5 - sent }]);
    expect((await get(`/campaigns/${c.id}`)).data.status).toBe('cancelled');
  });
});

describe('campaign sends at the last moment', () => {
  /** A campaign of `n` released messages whose send jobs are held, and a Graph stand-in. */
  async function released(n: number, graph: () => Promise<{ waMessageId: string }>) {
    const k = await campaignSetup({ drainSends: false });
    const ids = k.contacts(n, { tags: ['vip'] });
    const c = await k.createCampaign();
    await k.post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    await k.post(`/campaigns/${c.id}/start`);
    k.run(2000);
    const jobs = k.t.deps.jobs.claim<{ messageId: string }>(SEND_MESSAGE_QUEUE, 100, 60_000);
    const messageOf = (contactId: string) => (k.t.db.$client.prepare(`SELECT message_id AS id FROM campaign_recipients WHERE contact_id = ?`).get(contactId) as { id: string }).id;
    const calls: string[] = [];
    const deps = { ...k.t.deps, graphFor: () => ({ sendMessage: async () => (calls.push('send'), graph()) }) as never };
    const send = (contactId: string) => {
      const job = jobs.find((j) => j.payload.messageId === messageOf(contactId))!;
      return sendMessageJob(deps, job.payload, directJobContext(job, silentLogger));
    };
    const message = (contactId: string) => k.t.db.$client.prepare(`SELECT status, error_code AS code, error_title AS title FROM messages WHERE id = ?`).get(messageOf(contactId)) as { status: string; code: number | null; title: string };
    return { ...k, c, ids, send, calls, message };
  }

  it('does not send to a contact who opted out after release, nor anything of a cancelled campaign', async () => {
    const k = await released(30, async () => ({ waMessageId: 'wamid.ok' }));
    k.t.db.$client.prepare('UPDATE contacts SET marketing_opt_out = 1 WHERE id = ?').run(k.ids[0]);
    await k.send(k.ids[0]!);
    expect(k.message(k.ids[0]!)).toMatchObject({ status: 'failed', title: expect.stringMatching(/opted out/) });
    await k.post(`/campaigns/${k.c.id}/cancel`);
    await k.send(k.ids[1]!);
    expect(k.message(k.ids[1]!)).toMatchObject({ status: 'failed', title: expect.stringMatching(/cancelled/) });
    expect(k.calls).toEqual([]);
  });

  it('fails a send whose outcome is unknown (timeout) instead of retrying it, and retries one Meta refused', async () => {
    let answer: () => never = () => {
      throw new GraphNetworkError('Graph API request timed out after 15000 ms', { timedOut: true });
    };
    const k = await released(30, async () => answer());
    await k.send(k.ids[0]!);
    expect(k.message(k.ids[0]!)).toMatchObject({ status: 'failed', title: expect.stringMatching(/not sent again/) });
    answer = () => {
      throw new GraphError({ httpStatus: 500, code: 131000, subcode: null, type: 'OAuthException', title: 'Something went wrong', details: null, fbtraceId: null, isTransient: true });
    };
    await expect(k.send(k.ids[1]!)).rejects.toThrow();
    expect(k.message(k.ids[1]!).status).toBe('queued'); // Meta answered: it was not accepted, so it may be tried again
  });

  it('pauses the campaign on an error about the account or the template (e.g. 132015 paused template)', async () => {
    const k = await released(30, async () => {
      throw new GraphError({ httpStatus: 400, code: 132015, subcode: null, type: 'OAuthException', title: 'Template is paused', details: null, fbtraceId: null, isTransient: false });
    });
    await k.send(k.ids[0]!);
    expect(k.message(k.ids[0]!)).toMatchObject({ status: 'failed', code: 132015 });
    expect((await k.get(`/campaigns/${k.c.id}`)).data).toMatchObject({ status: 'paused', waitingReason: expect.stringMatching(/^meta_132015/) });
  });

  it('refuses a start that races a cancel (the state is checked inside the transaction)', async () => {
    const k = await campaignSetup();
    k.contacts(2, { tags: ['vip'] });
    const c = await k.createCampaign();
    await k.post(`/campaigns/${c.id}/test-send`, { to: ['+14155550123'] });
    const stale = getCampaign(k.t.db, c.id)!;
    await k.post(`/campaigns/${c.id}/cancel`);
    const auth = { user: { id: 'u', email: 'a@b.c', name: 'A', role: 'owner' as const }, via: 'session' as const, sessionId: null, tokenId: null };
    expect(() => startCampaign(k.t.deps, auth, stale)).toThrow(/cannot be started/);
    expect(() => editCampaign(k.t.deps, auth, { ...stale, status: 'draft' }, { name: 'x' })).toThrow(/can no longer be edited/);
    expect((await k.get(`/campaigns/${c.id}`)).data).toMatchObject({ status: 'cancelled', counts: { recipients: 0 } });
  });
});
