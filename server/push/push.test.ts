import { createECDH, randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { notifyNewMessageJob, notifyUserJob, PUSH_NOTIFY_QUEUE, PUSH_USER_QUEUE, type PushToUser } from './push.usecases.js';
import { remindTaskJob, TASK_REMINDER_QUEUE } from '../tasks/tasks.usecases.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import type { ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';

// A stand-in push service on loopback: it records what web-push delivers and answers as told.
let received: { path: string; headers: Record<string, string>; size: number }[] = [];
let answer = 201;
let server: ReturnType<typeof serve>;
let base = '';

beforeAll(async () => {
  const app = new Hono().post('/push/:id', async (c) => {
    const body = await c.req.arrayBuffer();
    received.push({ path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), size: body.byteLength });
    return c.body(null, answer as 201);
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

describe('web push', () => {
  it('notifies subscribed teammates of a new customer message, encrypted and VAPID-signed, and forgets gone devices', async () => {
    const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:owner@shop.example' };
    const t = createTestContext({ vapid });
    const channel = t.deps.channels.create({ phoneNumberId: '220011223344556', accessToken: 'EAAG-test-token', appSecret: 'push-secret', verifyToken: 'verify-123' });
    const { cookie } = await t.signIn('agent');
    expect((await (await t.request('/api/v1/push/key', { cookie })).json()).data.publicKey).toBe(vapid.publicKey);

    const device = createECDH('prime256v1');
    device.generateKeys();
    const subscription = { endpoint: `${base}/push/device-1`, keys: { p256dh: device.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
    expect((await t.request('/api/v1/push/subscriptions', { cookie, body: subscription })).status).toBe(201);
    expect((await t.request('/api/v1/push/subscriptions', { cookie, body: { ...subscription, endpoint: 'not a url' } })).status).toBe(400);

    const payload = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: channel.phoneNumberId }, contacts: [{ profile: { name: 'Ana' }, wa_id: '5511987650000' }], messages: [{ from: '5511987650000', id: 'wamid.PUSH1', timestamp: '1752000000', type: 'text', text: { body: 'Olá!' } }] } }] }],
    };
    const body = serializeMetaStyle(payload);
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'push-secret') }, body });
    const [event] = t.deps.jobs.claim<ProcessWebhookPayload>('whatsapp.process-webhook', 10, 60_000);
    processWebhookEvents(t.deps, event!.payload.eventIds);

    const [job] = t.deps.jobs.claim<{ messageId: string }>(PUSH_NOTIFY_QUEUE, 10, 60_000);
    expect(job).toBeDefined();
    await notifyNewMessageJob(t.deps, job!.payload);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/push/device-1');
    expect(received[0]!.headers['content-encoding']).toBe('aes128gcm');
    expect(received[0]!.headers.authorization).toMatch(/^vapid t=.+, k=/);
    expect(received[0]!.size).toBeGreaterThan(0);

    answer = 410; // the browser unsubscribed
    await notifyNewMessageJob(t.deps, job!.payload);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM push_subscriptions').get()).toEqual({ n: 0 });
    received = [];
    answer = 201;
  });

  it('pushes a due task reminder to its assignee once, even if the reminder job runs twice', async () => {
    const t = createTestContext({ vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:owner@shop.example' } });
    const { cookie } = await t.signIn('agent');
    const device = createECDH('prime256v1');
    device.generateKeys();
    const subscription = { endpoint: `${base}/push/device-task`, keys: { p256dh: device.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
    expect((await t.request('/api/v1/push/subscriptions', { cookie, body: subscription })).status).toBe(201);
    const dueAt = new Date(t.clock.now() + 60_000).toISOString();
    const task = (await (await t.request('/api/v1/tasks', { cookie, body: { title: 'Call Ana back', dueAt } })).json()).data;
    t.clock.advance(60_000);
    const [reminder] = t.deps.jobs.claim<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, 10, 60_000);
    expect(reminder!.payload.taskId).toBe(task.id);
    expect(remindTaskJob(t.deps, reminder!.payload)).toBe(true);
    expect(remindTaskJob(t.deps, reminder!.payload)).toBe(false); // a second run (crash before completion) is a no-op
    const pushes = t.deps.jobs.claim<PushToUser>(PUSH_USER_QUEUE, 10, 60_000);
    expect(pushes.map((p) => p.payload)).toEqual([expect.objectContaining({ title: 'Task due', body: 'Call Ana back' })]);
    received = [];
    await notifyUserJob(t.deps, pushes[0]!.payload);
    expect(received.map((r) => r.path)).toEqual(['/push/device-task']);
    received = [];
  });

  it('queues nothing when nobody subscribed', async () => {
    const t = createTestContext({ vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:x@y.z' } });
    const channel = t.deps.channels.create({ phoneNumberId: '220011223344556', accessToken: 'EAAG-test-token', appSecret: 'push-secret', verifyToken: 'verify-123' });
    const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: channel.phoneNumberId }, contacts: [{ wa_id: '5511987650000' }], messages: [{ from: '5511987650000', id: 'wamid.PUSH2', timestamp: '1752000000', type: 'text', text: { body: 'hi' } }] } }] }] });
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'push-secret') }, body });
    const [event] = t.deps.jobs.claim<ProcessWebhookPayload>('whatsapp.process-webhook', 10, 60_000);
    processWebhookEvents(t.deps, event!.payload.eventIds);
    expect(t.deps.jobs.claim(PUSH_NOTIFY_QUEUE, 10, 60_000)).toHaveLength(0);
  });
});

describe('push endpoints', () => {
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc', false, true],
    ['https://web.push.apple.com/QGx', false, true],
    ['http://fcm.googleapis.com/fcm/send/abc', false, false],
    ['https://10.0.0.5/push', false, false],
    ['https://169.254.169.254/latest', false, false],
    ['https://[::1]/x', false, false],
    ['http://localhost@evil.example/', false, false],
    ['https://localhost.evil.example/', false, true], // a public name that merely starts with "localhost"
    ['https://printer.local/x', false, false],
    ['http://127.0.0.1:9999/push', false, false],
    ['http://127.0.0.1:9999/push', true, true],
    ['not a url', true, false],
  ])('%s (sandbox %s) → %s', async (url, sandbox, ok) => {
    const { acceptablePushEndpoint } = await import('./push.routes.js');
    expect(acceptablePushEndpoint(url, sandbox)).toBe(ok);
  });

  it('refuses keys browsers would never produce', async () => {
    const t = createTestContext({ vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:x@y.z' } });
    const { cookie } = await t.signIn('agent');
    const res = await t.request('/api/v1/push/subscriptions', { cookie, body: { endpoint: 'https://fcm.googleapis.com/fcm/send/a', keys: { p256dh: 'a'.repeat(20), auth: 'b'.repeat(22) } } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^keys\.p256dh:/);
  });
});
