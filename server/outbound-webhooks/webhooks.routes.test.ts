import { describe, expect, it } from 'vitest';
import { verifyParleySignature } from './webhooks.signature.js';
import { createWebhooksTest, recordingFetch } from './webhooks.testkit.js';

const audits = (w: Awaited<ReturnType<typeof createWebhooksTest>>) =>
  w.t.db.$client.prepare(`SELECT action, entity_id AS entityId, before, after FROM audit_log WHERE entity_type = 'webhook' ORDER BY id`).all() as { action: string; entityId: string; before: string | null; after: string | null }[];

describe('webhook routes', () => {
  it('shows a secret once, keeps it encrypted, and never returns it again', async () => {
    const w = await createWebhooksTest({ fetch: recordingFetch().fetch });
    const res = await w.request('/webhooks', { body: { url: 'https://crm.example.com/in', events: ['deal.*', 'message.received', 'deal.*'], description: 'Zapier' } });
    expect(res.status).toBe(201);
    const created = (await res.json()).data;
    expect(created).toMatchObject({ url: 'https://crm.example.com/in', events: ['deal.*', 'message.received'], description: 'Zapier', enabled: true, lastDelivery: null });
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);

    const column = (w.t.db.$client.prepare('SELECT secret_enc AS s FROM webhook_subscriptions WHERE id = ?').get(created.id) as { s: string }).s;
    expect(column).not.toContain(created.secret);
    expect(w.t.deps.box.open(column)).toBe(created.secret);

    const reads = [await w.request('/webhooks'), await w.request(`/webhooks/${created.id}`), await w.request(`/webhooks/${created.id}`, { method: 'PATCH', body: { description: 'Make' } })];
    for (const r of reads) {
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).not.toContain(created.secret);
      expect(text).not.toMatch(/secret/i);
    }
    expect(JSON.stringify(audits(w))).not.toContain(created.secret);

    const own = await w.subscribe({ events: ['*'], secret: 'my-own-secret-of-enough-length' });
    expect(own.secret).toBe('my-own-secret-of-enough-length');
  });

  it('rotates the secret (shown once) and audits create, update, rotate and delete', async () => {
    const rec = recordingFetch();
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['deal.created'] });
    const patched = await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { url: 'https://new.example.com/h', events: ['*'], enabled: false } });
    expect((await patched.json()).data).toMatchObject({ url: 'https://new.example.com/h', events: ['*'], enabled: false });
    const rotated = (await (await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { rotateSecret: true } })).json()).data;
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.secret).not.toBe(sub.secret);

    // The ping is signed with the new secret.
    const ping = (await (await w.request(`/webhooks/${sub.id}/test`, { body: {} })).json()).data;
    expect(ping.state).toBe('delivered');
    const sent = rec.sent.at(-1)!;
    const now = Math.floor(w.t.clock.now() / 1000);
    expect(verifyParleySignature(rotated.secret, sent.headers['x-parley-signature'], sent.body, now)).toBe(true);
    expect(verifyParleySignature(sub.secret, sent.headers['x-parley-signature'], sent.body, now)).toBe(false);

    expect((await w.request(`/webhooks/${sub.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await w.request(`/webhooks/${sub.id}`)).status).toBe(404);
    expect(w.deliveries()).toEqual([]);
    const log = audits(w);
    expect(log.map((a) => a.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.secret_rotated', 'webhook.deleted']);
    expect(JSON.parse(log[1]!.before!)).toMatchObject({ url: 'https://hooks.example.com/parley', events: ['deal.created'], enabled: true });
    expect(JSON.parse(log[1]!.after!)).toMatchObject({ url: 'https://new.example.com/h', events: ['*'], enabled: false });
    expect(JSON.stringify(log)).not.toContain(rotated.secret);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const w = await createWebhooksTest({ fetch: recordingFetch().fetch });
    const bad = async (body: unknown, text: string, path = '/webhooks', method = 'POST') => {
      const r = await w.request(path, { method, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((await r.json()).error.message).toContain(text);
    };
    const url = 'https://ok.example.com/';
    await bad({ url: 'http://example.com/hook', events: ['*'] }, 'url: must use https');
    await bad({ url: 'ftp://example.com/hook', events: ['*'] }, 'url: must use https');
    await bad({ url: 'not a url', events: ['*'] }, 'url: must be an absolute URL');
    await bad({ url: 'https://user:pw@example.com/', events: ['*'] }, 'url: must not contain');
    await bad({ url, events: [] }, 'events: choose at least one event type');
    await bad({ url, events: ['deal.created', 'deal.exploded'] }, 'events.1: unknown event type "deal.exploded"');
    await bad({ url, events: ['nope.*'] }, 'events.0: unknown event type "nope.*"');
    await bad({ url, events: ['deal*'] }, 'events.0');
    await bad({ url, events: ['*'], secret: 'short' }, 'secret: must be at least 16 characters');
    await bad({ events: ['*'] }, 'url');
    for (const ok of ['http://localhost:3000/hook', 'http://127.0.0.1:9/x', 'https://10.0.0.5/x']) {
      expect((await w.request('/webhooks', { body: { url: ok, events: ['*'] } })).status).toBe(201);
    }
    const sub = await w.subscribe({ events: ['*'] });
    await bad({ events: ['campaign.exploded'] }, 'events.0', `/webhooks/${sub.id}`, 'PATCH');
    await bad({ enabled: 'yes' }, 'enabled', `/webhooks/${sub.id}`, 'PATCH');
    const q = await w.request(`/webhooks/${sub.id}/deliveries?state=lost`);
    expect(q.status).toBe(400);
    expect((await w.request(`/webhooks/${sub.id}/deliveries?cursor=garbage`)).status).toBe(400);
  });

  it('is for owners and admins only, and 404s unknown ids', async () => {
    const w = await createWebhooksTest({ fetch: recordingFetch().fetch });
    const sub = await w.subscribe({ events: ['*'] });
    const other = await w.subscribe({ events: ['*'] });
    const agent = (await w.t.signIn('agent')).cookie;
    const admin = (await w.t.signIn('admin')).cookie;
    const routes: [string, string, unknown?][] = [
      ['GET', '/webhooks'],
      ['GET', '/webhooks/event-types'],
      ['POST', '/webhooks', { url: 'https://x.example.com', events: ['*'] }],
      ['GET', `/webhooks/${sub.id}`],
      ['PATCH', `/webhooks/${sub.id}`, { enabled: false }],
      ['DELETE', `/webhooks/${sub.id}`],
      ['GET', `/webhooks/${sub.id}/deliveries`],
      ['POST', `/webhooks/${sub.id}/deliveries/whd_x/redeliver`, {}],
      ['POST', `/webhooks/${sub.id}/test`, {}],
    ];
    for (const [method, path, body] of routes) {
      expect((await w.request(path, { method, body, cookie: agent })).status, `${method} ${path}`).toBe(403);
      expect((await w.request(path, { method, body, cookie: null })).status, `${method} ${path}`).toBe(401);
    }
    expect((await w.request('/webhooks', { cookie: admin })).status).toBe(200);
    await expect((await w.request('/webhooks/event-types')).json()).resolves.toMatchObject({ data: expect.arrayContaining(['message.received', 'deal.stage_changed']) });

    for (const [method, path, body] of [
      ['GET', '/webhooks/whk_nope'],
      ['PATCH', '/webhooks/whk_nope', { enabled: false }],
      ['DELETE', '/webhooks/whk_nope'],
      ['GET', '/webhooks/whk_nope/deliveries'],
      ['POST', '/webhooks/whk_nope/test', {}],
      ['POST', `/webhooks/${sub.id}/deliveries/whd_nope/redeliver`, {}],
    ] as [string, string, unknown?][]) {
      expect((await w.request(path, { method, body })).status, `${method} ${path}`).toBe(404);
    }
    // A delivery of another webhook is not reachable through this one.
    const ping = (await (await w.request(`/webhooks/${other.id}/test`, { body: {} })).json()).data;
    const cross = await w.request(`/webhooks/${sub.id}/deliveries/${ping.id}/redeliver`, { body: {} });
    expect([cross.status, (await cross.json()).error.code]).toEqual([404, 'webhooks.delivery_not_found']);
  });

  it('pages the delivery log newest first, filters by state, and shows the last delivery in the list', async () => {
    const rec = recordingFetch((n) => new Response(n === 1 ? 'nope' : 'ok', { status: n === 1 ? 500 : 200 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['contact.*'] });
    for (const id of ['c1', 'c2', 'c3']) {
      w.emit('contact.created', { id });
      w.t.deps.outbox.fanOut();
      await w.runDue();
      w.t.clock.advance(1000);
    }
    const first = await (await w.request(`/webhooks/${sub.id}/deliveries?limit=2`)).json();
    expect(first.data.map((d: { eventId: number }) => d.eventId)).toEqual([3, 2]);
    expect(first.data[1]).toMatchObject({ webhookId: sub.id, eventType: 'contact.created', state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500', lastResponse: 'nope' });
    expect(first.data[1].nextAttemptAt).toEqual(expect.any(String));
    const second = await (await w.request(`/webhooks/${sub.id}/deliveries?limit=2&cursor=${first.nextCursor}`)).json();
    expect([second.data.map((d: { eventId: number }) => d.eventId), second.nextCursor]).toEqual([[1], null]);
    const pending = await (await w.request(`/webhooks/${sub.id}/deliveries?state=pending`)).json();
    expect(pending.data.map((d: { eventId: number }) => d.eventId)).toEqual([2]);

    const [listed] = (await (await w.request('/webhooks')).json()).data;
    expect(listed.lastDelivery).toMatchObject({ id: first.data[0].id, state: 'delivered', lastStatus: 200, eventType: 'contact.created' });
  });

  it('redelivers a delivered or failed delivery with a new job, once', async () => {
    let status = 200;
    const rec = recordingFetch(() => new Response('r', { status }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['deal.created'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    const [row] = w.deliveries();
    expect(row!.state).toBe('delivered');

    w.t.clock.advance(5000);
    const res = await w.request(`/webhooks/${sub.id}/deliveries/${row!.id}/redeliver`, { body: {} });
    expect(res.status).toBe(202);
    expect((await res.json()).data).toMatchObject({ id: row!.id, state: 'pending' });
    expect(w.queued().map((j) => j.key)).toEqual([expect.stringMatching(new RegExp(`^${row!.id}:redeliver_`))]);
    await w.runDue();
    expect(rec.sent).toHaveLength(2);
    expect(rec.sent[1]!.body).toBe(rec.sent[0]!.body);
    expect(rec.sent[1]!.headers['x-parley-delivery']).toBe(row!.id);
    expect(w.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 2 });

    // A failing redelivery is one attempt: failed, no retries queued.
    status = 500;
    w.t.clock.advance(5000);
    await w.request(`/webhooks/${sub.id}/deliveries/${row!.id}/redeliver`, { body: {} });
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'failed', attempts: 3, last_status: 500 });
    expect(w.queued()).toEqual([]);

    // A failed delivery of a webhook disabled since is still sent when someone asks for it.
    status = 200;
    await w.request(`/webhooks/${sub.id}`, { method: 'PATCH', body: { enabled: false } });
    await w.request(`/webhooks/${sub.id}/deliveries/${row!.id}/redeliver`, { body: {} });
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 4 });
  });

  it('lets a redelivery of a delivery still being retried fall back to its schedule', async () => {
    const rec = recordingFetch((n) => new Response('x', { status: n < 2 ? 500 : 200 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['deal.created'] });
    w.emit('deal.created', { id: 'd1' });
    w.t.deps.outbox.fanOut();
    await w.runDue();
    const [row] = w.deliveries();
    await w.request(`/webhooks/${sub.id}/deliveries/${row!.id}/redeliver`, { body: {} });
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 2, next_attempt_at: row!.next_attempt_at });
    w.t.clock.advance(30_000);
    await w.runDue();
    expect(w.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(rec.sent).toHaveLength(3);
  });

  it('sends a signed test ping without touching the outbox and logs it with event id 0', async () => {
    const rec = recordingFetch((n) => new Response(n === 0 ? 'pong' : 'down', { status: n === 0 ? 200 : 502 }));
    const w = await createWebhooksTest({ fetch: rec.fetch });
    const sub = await w.subscribe({ events: ['message.received'] });
    const res = await w.request(`/webhooks/${sub.id}/test`, { body: {} });
    expect(res.status).toBe(200);
    const ping = (await res.json()).data;
    expect(ping).toMatchObject({ eventId: 0, eventType: 'ping', state: 'delivered', attempts: 1, lastStatus: 200, lastResponse: 'pong' });
    const sent = rec.sent[0]!;
    expect(JSON.parse(sent.body)).toEqual({ id: `ping_${ping.id}`, type: 'ping', createdAt: new Date(w.t.clock.now()).toISOString(), data: { webhookId: sub.id } });
    expect(sent.headers['x-parley-event']).toBe('ping');
    expect(verifyParleySignature(sub.secret, sent.headers['x-parley-signature'], sent.body, Math.floor(w.t.clock.now() / 1000))).toBe(true);
    expect(w.t.db.$client.prepare('SELECT count(*) AS n FROM domain_events').get()).toEqual({ n: 0 });
    expect(w.queued()).toEqual([]);

    const failed = (await (await w.request(`/webhooks/${sub.id}/test`, { body: {} })).json()).data;
    expect(failed).toMatchObject({ state: 'failed', lastStatus: 502, lastError: 'HTTP 502', lastResponse: 'down' });
    // A ping can be redelivered like any delivery.
    await w.request(`/webhooks/${sub.id}/deliveries/${failed.id}/redeliver`, { body: {} });
    await w.runDue();
    expect(JSON.parse(rec.sent[2]!.body)).toMatchObject({ type: 'ping', id: `ping_${failed.id}` });
  });
});
