import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { media } from '../../db/schema/whatsapp.js';
import { sha256Hex } from '../media/media.models.js';
import { createTestContext } from '../testing.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvent } from '../whatsapp/webhook/webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';
import { runRetention } from './retention.usecases.js';

const DAY = 24 * 60 * 60 * 1000;
const APP_SECRET = 'fixture-app-secret';

describe('GET/PUT /api/v1/settings/retention', () => {
  it('shows the defaults, saves new values for owners and admins, and records an audit entry', async () => {
    const { request, signIn } = createTestContext();
    const { cookie } = await signIn('owner');
    const first = await request('/api/v1/settings/retention', { cookie });
    expect(first.status).toBe(200);
    expect((await first.json()).data).toEqual({ webhookDays: 30, mediaDays: null, lastRun: null });

    const put = await request('/api/v1/settings/retention', { method: 'PUT', cookie, body: { webhookDays: 14, mediaDays: 90 } });
    expect(put.status).toBe(200);
    expect((await put.json()).data).toEqual({ webhookDays: 14, mediaDays: 90, lastRun: null });
    const admin = await signIn('admin');
    expect((await (await request('/api/v1/settings/retention', { cookie: admin.cookie })).json()).data).toMatchObject({ webhookDays: 14, mediaDays: 90 });
    const forever = await request('/api/v1/settings/retention', { method: 'PUT', cookie: admin.cookie, body: { webhookDays: null, mediaDays: null } });
    expect((await forever.json()).data).toMatchObject({ webhookDays: null, mediaDays: null });

    const audit = await (await request('/api/v1/audit?entityType=settings', { cookie })).json();
    expect(audit.data[0]).toMatchObject({ action: 'settings.updated', entityId: 'retention', before: { webhookDays: 14, mediaDays: 90 }, after: { webhookDays: null, mediaDays: null } });
  });

  it('is for owners and admins only', async () => {
    const { request, signIn } = createTestContext();
    const { cookie } = await signIn('agent');
    expect((await request('/api/v1/settings/retention', { cookie })).status).toBe(403);
    expect((await request('/api/v1/settings/retention', { method: 'PUT', cookie, body: { webhookDays: 1, mediaDays: 1 } })).status).toBe(403);
    expect((await request('/api/v1/settings/retention')).status).toBe(401);
  });

  it.each([
    [{ webhookDays: 0, mediaDays: null }, /^webhookDays: must be at least 1 day/],
    [{ webhookDays: 30, mediaDays: 3651 }, /^mediaDays: must be at most 3650 days/],
    [{ webhookDays: 1.5, mediaDays: null }, /^webhookDays: must be a whole number of days/],
    [{ webhookDays: '30', mediaDays: null }, /^webhookDays: must be a number of days, or null/],
    [{ webhookDays: 30 }, /^mediaDays: is required/],
    [{ webhookDays: 30, mediaDays: null, photos: 1 }, /photos/],
  ])('refuses %o with 400 naming the field', async (body, message) => {
    const { request, signIn } = createTestContext();
    const { cookie } = await signIn('owner');
    const res = await request('/api/v1/settings/retention', { method: 'PUT', cookie, body });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('request.invalid');
    expect(error.message).toMatch(message);
    expect((await (await request('/api/v1/settings/retention', { cookie })).json()).data).toMatchObject({ webhookDays: 30, mediaDays: null });
  });
});

describe('purged media over the API', () => {
  it('keeps the message with a dated placeholder and answers 410 Gone for the file', async () => {
    const { request, signIn, deps, db, clock } = createTestContext();
    deps.channels.create({ phoneNumberId: '220011223344556', wabaId: '310998877665544', accessToken: 't', appSecret: APP_SECRET, verifyToken: 'v', graphBaseUrl: 'http://127.0.0.1:9' });
    const body = serializeMetaStyle(JSON.parse(readFileSync(new URL('../whatsapp/webhook/fixtures/image.json', import.meta.url), 'utf8')));
    const hook = await request('/webhooks/whatsapp', { body, headers: { 'x-hub-signature-256': signWebhookBody(body, APP_SECRET) } });
    expect(hook.status).toBe(200);
    const [job] = deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 1, 60_000);
    for (const id of job!.payload.eventIds) processWebhookEvent(deps, id);
    // As the download job leaves it: the bytes stored, the row ready.
    const bytes = Buffer.from('jpeg bytes of a cracked vase');
    await deps.storage.put(sha256Hex(bytes), bytes);
    db.update(media).set({ state: 'ready', sha256: sha256Hex(bytes), size: bytes.length }).run();
    const mediaId = db.select({ id: media.id }).from(media).get()!.id;
    let { cookie } = await signIn('owner');
    expect((await request(`/api/v1/media/${mediaId}/content`, { cookie })).status).toBe(200);

    await request('/api/v1/settings/retention', { method: 'PUT', cookie, body: { webhookDays: 30, mediaDays: 90 } });
    clock.advance(91 * DAY);
    expect((await runRetention(deps, { fileGraceMs: 0 })).mediaPurged).toBe(1);
    ({ cookie } = await signIn('owner')); // the session from 91 days ago has expired

    const gone = await request(`/api/v1/media/${mediaId}/content`, { cookie });
    expect(gone.status).toBe(410);
    const { error } = await gone.json();
    expect(error).toEqual({ code: 'media.purged', message: `Media removed after 90 days (retention) on ${new Date(clock.now()).toISOString().slice(0, 10)}; the file is gone for good.` });
    expect((await (await request(`/api/v1/media/${mediaId}`, { cookie })).json()).data).toMatchObject({ state: 'purged', url: null, purgedAt: new Date(clock.now()).toISOString() });

    const conversations = await (await request('/api/v1/conversations', { cookie })).json();
    const messages = await (await request(`/api/v1/conversations/${conversations.data[0].id}/messages`, { cookie })).json();
    expect(messages.data).toHaveLength(1);
    expect(messages.data[0]).toMatchObject({ type: 'image', text: 'Crack in the vase 😢', media: { id: mediaId, state: 'purged', url: null, error: 'Media removed after 90 days (retention)', purgedAt: new Date(clock.now()).toISOString() } });
    const settings = await (await request('/api/v1/settings/retention', { cookie })).json();
    expect(settings.data.lastRun).toMatchObject({ at: new Date(clock.now()).toISOString(), mediaPurged: 1, filesDeleted: 1 });
  });
});
