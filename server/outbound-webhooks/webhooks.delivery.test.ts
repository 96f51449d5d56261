import { describe, expect, it } from 'vitest';
import { verifyParleySignature } from './webhooks.signature.js';
import { createWebhooksTest, hangingFetch, recordingFetch } from './webhooks.testkit.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const seconds = (ms: number) => Math.floor(ms / 1000);

describe('outbound webhook deliveries', () => {
  it('delivers an emitted event, signed so that the verifier accepts it and refuses a tampered or old one', async () => {
    const rec = recordingFetch(() => new Response('thanks', { status: 200 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['deal.*'] });
    const at = w.t.clock.now();
    expect(w.emit('deal.created', { id: 'd1', title: 'Bikes' }, { dealId: 'd1' })).toBe(true);
    expect(w.t.deps.outbox.fanOut()).toBe(1);
    expect(await w.runDue()).toBe(1);

    expect(rec.sent).toHaveLength(1);
    const [req] = rec.sent;
    const [row] = w.deliveries();
    expect(req!.url).toBe('https://hooks.example.com/parley');
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'x-parley-event': 'deal.created',
      'x-parley-delivery': row!.id,
    });
    expect(JSON.parse(req!.body)).toEqual({ id: `evt_${row!.event_id}`, type: 'deal.created', createdAt: new Date(at).toISOString(), data: { id: 'd1', title: 'Bikes' } });
    const header = req!.headers['x-parley-signature']!;
    expect(header).toMatch(new RegExp(`^t=${seconds(at)},v1=[0-9a-f]{64}$`));

    const now = seconds(w.t.clock.now());
    expect(verifyParleySignature(sub.secret, header, req!.body, now)).toBe(true);
    expect(verifyParleySignature(sub.secret, header, Buffer.from(req!.body), now + 299)).toBe(true);
    expect(verifyParleySignature(sub.secret, header, req!.body.replace('Bikes', 'Boats'), now)).toBe(false);
    expect(verifyParleySignature(sub.secret, header, req!.body, now + 301)).toBe(false);
    expect(verifyParleySignature(sub.secret, header, req!.body, now - 301)).toBe(false);
    expect(verifyParleySignature('another-secret-entirely', header, req!.body, now)).toBe(false);
    expect(verifyParleySignature(sub.secret, header.replace(/^t=\d+/, `t=${now + 1}`), req!.body, now)).toBe(false);
    expect(verifyParleySignature(sub.secret, null, req!.body, now)).toBe(false);
    expect(verifyParleySignature(sub.secret, 'v1=abc', req!.body, now)).toBe(false);

    expect(row).toMatchObject({ subscription_id: sub.id, event_type: 'deal.created', state: 'delivered', attempts: 1, last_status: 200, last_error: null, last_response: 'thanks', delivered_at: at });
    expect(await w.runDue()).toBe(0);
  });

  it("a message event's body carries the message's text, read when it is sent (none once the message is erased)", async () => {
    const rec = recordingFetch(() => new Response('', { status: 500 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['message.received'] });
    const sql = w.t.db.$client;
    sql.prepare(`INSERT INTO channels (id, name, phone_number_id, access_token_enc, app_secret_enc, verify_token_enc, created_at, updated_at) VALUES ('ch', 'c', '1', 'x', 'x', 'x', 1, 1)`).run();
    sql.prepare(`INSERT INTO contacts (id, name, phone, created_at, updated_at) VALUES ('ct_1', 'Zoe', '+447700900123', 1, 1)`).run();
    sql.prepare(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES ('cv_1', 'ct_1', 'ch', 1, 1)`).run();
    sql.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at) VALUES ('m1', 'cv_1', 'ct_1', 'ch', 'inbound', 'text', 'Is the blue sofa in stock?', 'received', 1, 1, 1)`).run();
    // As the webhook path records it: the event names the message, without a copy of its text.
    w.emit('message.received', { id: 'm1', conversationId: 'cv_1', type: 'text' }, { contactId: 'ct_1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    expect(JSON.parse(rec.sent[0]!.body).data).toEqual({ id: 'm1', conversationId: 'cv_1', type: 'text', text: 'Is the blue sofa in stock?' });
    // Erased before the retry: the retry does not send the text on.
    sql.prepare(`DELETE FROM messages WHERE id = 'm1'`).run();
    w.t.clock.advance(HOUR);
    await w.runDue();
    expect(rec.sent).toHaveLength(2);
    expect(JSON.parse(rec.sent[1]!.body).data).toEqual({ id: 'm1', conversationId: 'cv_1', type: 'text', text: null });
  });

  it('matches patterns, skips disabled subscriptions and those created after the event', async () => {
    const rec = recordingFetch();
    const w = await createWebhooksTest({ fetch: rec.fetch });
    // Nobody subscribed: events are not even written.
    expect(w.emit('deal.created', { id: 'd0' })).toBe(false);
    const deals = await w.subscribe({ url: 'https://a.example.com/deals', events: ['deal.*'] });
    const all = await w.subscribe({ url: 'https://b.example.com/all', events: ['*'] });
    const messages = await w.subscribe({ url: 'https://c.example.com/msg', events: ['message.received'] });
    const off = await w.subscribe({ url: 'https://d.example.com/off', events: ['*'] });
    expect((await w.request(`/webhooks/${off.id}`, { method: 'PATCH', body: { enabled: false } })).status).toBe(200);

    w.t.clock.advance(1000);
    expect(w.emit('deal.stage_changed', { id: 'd1' })).toBe(true);
    expect(w.emit('task.created', { id: 't1' })).toBe(true);
    w.t.clock.advance(1000);
    await w.subscribe({ url: 'https://e.example.com/late', events: ['*'] });
    w.t.deps.outbox.fanOut();
    await w.runDue();

    const got = w.deliveries().map((d) => [d.subscription_id, d.event_type]);
    expect(got.sort()).toEqual(
      [
        [deals.id, 'deal.stage_changed'],
        [all.id, 'deal.stage_changed'],
        [all.id, 'task.created'],
      ].sort(),
    );
    expect(rec.sent.map((r) => r.url).sort()).toEqual(['https://a.example.com/deals', 'https://b.example.com/all', 'https://b.example.com/all']);
    expect(messages.id).toBeTruthy();
  });

  it('answers `wants` from a cache that follows subscription changes', async () => {
    const w = await createWebhooksTest({ fetch: recordingFetch().fetch });
    expect(w.t.deps.outbox.wanted('message.received')).toBe(false);
    const sub = await w.subscribe({ events: ['message.*'] });
    expect(w.t.deps.outbox.wanted('message.received')).toBe(true);
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(false);
    await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { events: ['deal.created'] } });
    expect([w.t.deps.outbox.wanted('message.received'), w.t.deps.outbox.wanted('deal.created')]).toEqual([false, true]);
    await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { enabled: false } });
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(false);
    await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { enabled: true } });
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(true);
    await w.request(`/webhooks/${sub.id}`, { method: 'DELETE' });
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(false);
    // Questions on the hot path run no SQL: the answer stays even if the table changes behind its back.
    w.t.db.$client.prepare(`INSERT INTO webhook_subscriptions (id, url, events, secret_enc, enabled, created_at, updated_at) VALUES ('whk_raw', 'https://x.example.com', '["*"]', 'v1:x', 1, 0, 0)`).run();
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(false);
    w.consumer.invalidate();
    expect(w.t.deps.outbox.wanted('deal.created')).toBe(true);
  });

  it('retries a failing endpoint on the schedule, then delivers', async () => {
    const rec = recordingFetch((n) => (n < 3 ? new Response('boom', { status: 500 }) : new Response(null, { status: 204 })));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['deal.created'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    const created = w.t.clock.now();

    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 1, last_status: 500, last_error: 'HTTP 500', last_response: 'boom', next_attempt_at: created + 30_000 });
    expect(w.queued().map((j) => j.runAt)).toEqual([created + 30_000]);
    w.t.clock.advance(29_000);
    expect(await w.runDue()).toBe(0);
    w.t.clock.advance(1_000);
    expect(await w.runDue()).toBe(1);
    expect(w.deliveries()[0]).toMatchObject({ attempts: 2, next_attempt_at: created + 30_000 + 2 * MIN });
    w.t.clock.advance(2 * MIN);
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ attempts: 3, next_attempt_at: created + 30_000 + 12 * MIN });
    w.t.clock.advance(10 * MIN);
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 4, last_status: 204, last_error: null, next_attempt_at: null, delivered_at: w.t.clock.now() });
    expect(rec.sent).toHaveLength(4);
    // Each attempt is signed at its own time.
    expect(rec.sent.map((r) => r.headers['x-parley-signature']!.split(',')[0])).toEqual(
      [created, created + 30_000, created + 150_000, created + 750_000].map((ms) => `t=${seconds(ms)}`),
    );
    expect(w.queued()).toEqual([]);
  });

  it('gives up 24 hours after the delivery was created and leaves it failed', async () => {
    const rec = recordingFetch(() => new Response('x'.repeat(2000), { status: 503 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['*'] });
    w.emit('contact.created', { id: 'c1' });
    w.t.deps.outbox.fanOut();
    const created = w.t.clock.now();
    const times: number[] = [];
    for (let i = 0; i < 30 && w.queued().length; i++) {
      w.t.clock.set(w.queued()[0]!.runAt);
      times.push(w.t.clock.now() - created);
      await w.runDue();
    }
    const schedule = [0, 0.5 * MIN, 2.5 * MIN, 12.5 * MIN, 42.5 * MIN, 102.5 * MIN, 222.5 * MIN, 462.5 * MIN];
    for (let k = 1; k <= 4; k++) schedule.push(462.5 * MIN + k * 4 * HOUR);
    schedule.push(24 * HOUR);
    expect(times).toEqual(schedule);
    const [row] = w.deliveries();
    expect(row).toMatchObject({ state: 'failed', attempts: 13, last_status: 503, last_attempt_at: created + 24 * HOUR, next_attempt_at: null, delivered_at: null });
    expect(row!.last_response).toHaveLength(500);
    expect(w.queued()).toEqual([]);
  });

  it('records a timeout as an error and retries', async () => {
    let hang = true;
    const rec = recordingFetch((_n, _req, init) => (hang ? hangingFetch('', init) : new Response('ok')));
    const w = await createWebhooksTest({ fetch: rec.fetch, timeoutMs: 50 });
    await w.subscribe({ events: ['task.due'] });
    w.emit('task.due', { id: 't1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 1, last_status: null, last_error: 'timed out after 0.05 s' });
    hang = false;
    w.t.clock.advance(30_000);
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 2, last_status: 200, last_error: null });
  });

  it('records connection failures with their cause', async () => {
    const rec = recordingFetch(() => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['*'] });
    w.emit('deal.deleted', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'pending', last_error: 'connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('drops deliveries of a webhook disabled or deleted meanwhile, without sending', async () => {
    const rec = recordingFetch();
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const a = await w.subscribe({ url: 'https://a.example.com/', events: ['*'] });
    const b = await w.subscribe({ url: 'https://b.example.com/', events: ['*'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    expect(w.queued()).toHaveLength(2);
    await w.request(`/webhooks/${a.id}`, { method: 'PATCH', body: { enabled: false } });
    await w.request(`/webhooks/${b.id}`, { method: 'DELETE' });
    expect(await w.runDue()).toBe(2);
    expect(rec.sent).toEqual([]);
    expect(w.deliveries().map((d) => [d.subscription_id, d.state, d.last_error, d.attempts])).toEqual([[a.id, 'failed', 'dropped: the webhook is disabled', 0]]);
    expect(w.queued()).toEqual([]);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const rec = recordingFetch(() => new Response(null, { status: 301, headers: { location: 'https://elsewhere.example.com/' } }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['*'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'pending', last_status: 301 });
  });

  it('fails a delivery whose event is no longer stored, without retrying', async () => {
    const rec = recordingFetch();
    const w = await createWebhooksTest({ fetch: rec.fetch });
    await w.subscribe({ events: ['*'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    w.t.db.$client.prepare('DELETE FROM domain_events').run();
    await w.runDue();
    expect(rec.sent).toEqual([]);
    expect(w.deliveries()[0]).toMatchObject({ state: 'failed', attempts: 1, last_error: expect.stringMatching(/^event \d+ is no longer stored$/) });
    expect(w.queued()).toEqual([]);
  });
});
