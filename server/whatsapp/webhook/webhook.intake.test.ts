import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestContext } from '../../testing.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from './webhook.ingest.js';
import { processWebhookEvent, processWebhookEvents } from './webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from './webhook.signature.js';

const PNID = '220011223344556';
const APP_SECRET = 'fixture-app-secret';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const allFixtures = readdirSync(new URL('./fixtures/', import.meta.url)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));

function setup() {
  const t = createTestContext();
  const channel = t.deps.channels.create({ phoneNumberId: PNID, wabaId: '310998877665544', accessToken: 'EAAG-test-token', appSecret: APP_SECRET, verifyToken: 'verify-me-please', graphBaseUrl: 'http://127.0.0.1:9' });
  const post = (payload: unknown, opts: { secret?: string; raw?: string } = {}) => {
    const body = opts.raw ?? serializeMetaStyle(payload);
    return t.app.request('http://parley.test/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, opts.secret ?? APP_SECRET) },
      body,
    });
  };
  /** Runs every queued processing job, like the worker would. */
  const drain = () => {
    for (;;) {
      const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 50, 60_000);
      if (jobs.length === 0) return;
      for (const j of jobs) {
        try {
          for (const id of j.payload.eventIds) processWebhookEvent(t.deps, id);
          t.deps.jobs.complete(j);
        } catch (err) {
          t.deps.jobs.fail(j, String(err), { permanent: true });
        }
      }
    }
  };
  const count = (table: string, where = '1=1') => (t.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  const snapshot = () =>
    ['contacts', 'contact_identities', 'conversations', 'messages', 'message_status_events', 'message_reactions', 'media', 'wa_events'].map((table) => [table, count(table)]);
  return { t, channel, post, drain, count, snapshot };
}

describe('webhook intake', () => {
  it('stores a signed body and its job in one commit, then answers 200', async () => {
    const { post, count } = setup();
    const res = await post(fixture('text'));
    expect(res.status).toBe(200);
    expect(count('webhook_events', "state = 'received'")).toBe(1);
    expect(count('jobs', `queue = '${PROCESS_WEBHOOK_QUEUE}'`)).toBe(1);
  });

  it('refuses a forged or unsigned body and stores nothing', async () => {
    const { t, post, count } = setup();
    expect((await post(fixture('text'), { secret: 'wrong-secret' })).status).toBe(401);
    const unsigned = await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('webhooks.bad_signature');
    expect(count('webhook_events')).toBe(0);
  });

  it('verifies the signature over the raw bytes: re-serialising non-ASCII would not match', async () => {
    const { t, post } = setup();
    const payload = fixture('text');
    const metaBytes = serializeMetaStyle(payload);
    expect(metaBytes).toMatch(/\\u00bf/); // Meta escapes non-ASCII
    const reserialised = JSON.stringify(payload);
    const res = await t.app.request('http://parley.test/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signWebhookBody(metaBytes, APP_SECRET) },
      body: reserialised,
    });
    expect(res.status).toBe(401);
    expect((await post(payload)).status).toBe(200);
  });

  it('accepts a 3 MB body and refuses one over the limit with 413', async () => {
    const { post } = setup();
    const big = fixture('text');
    (big as { padding?: string }).padding = 'x'.repeat(3 * 1024 * 1024);
    expect((await post(big)).status).toBe(200);
    (big as { padding?: string }).padding = 'x'.repeat(5 * 1024 * 1024);
    expect((await post(big)).status).toBe(413);
  });

  it('answers 200 for signed malformed JSON, keeps it, and marks it failed', async () => {
    const { post, drain, t } = setup();
    expect((await post(null, { raw: '{"object": "whatsapp_business_account", "entry": [' })).status).toBe(200);
    drain();
    const [row] = t.db.$client.prepare('SELECT state, error, body FROM webhook_events').all() as { state: string; error: string; body: Buffer }[];
    expect(row!.state).toBe('failed');
    expect(row!.error).toMatch(/not valid JSON/);
    expect(row!.body.toString()).toContain('"entry": [');
  });

  it('lets a body touch only the channels of the app secret that signed it', async () => {
    const { t, post, drain, count } = setup();
    t.deps.channels.create({ phoneNumberId: '330000000000001', accessToken: 'EAAG-other-token', appSecret: 'other-app-secret', verifyToken: 'verify-other-1' });
    const payload = fixture('text');
    ((payload.entry as { changes: { value: { metadata: { phone_number_id: string } } }[] }[])[0]!.changes[0]!.value.metadata.phone_number_id = '330000000000001');
    await post(payload); // signed with the first channel's secret, naming the second channel
    drain();
    expect(count('messages')).toBe(0);
    expect(count('webhook_events', "state = 'unroutable'")).toBe(1);
    await post(payload, { secret: 'other-app-secret' });
    drain();
    expect(count('messages')).toBe(1);
  });

  it('marks a body for an unknown phone_number_id unroutable and raises an alert', async () => {
    const { post, drain, t, count } = setup();
    const payload = fixture('text');
    ((payload.entry as { changes: { value: { metadata: { phone_number_id: string } } }[] }[])[0]!.changes[0]!.value.metadata.phone_number_id = '999999999');
    await post(payload);
    drain();
    expect(count('webhook_events', "state = 'unroutable'")).toBe(1);
    expect(count('messages')).toBe(0);
    const { cookie } = await t.signIn('admin');
    const alerts = await (await t.request('/api/v1/channel-alerts', { cookie })).json();
    expect(alerts.data[0]).toMatchObject({ kind: 'unroutable', summary: expect.stringContaining('999999999') });
  });

  it('processes every fixture, and replaying the whole archive (three more times) changes nothing', async () => {
    const { post, drain, snapshot, t, count } = setup();
    for (const name of allFixtures) expect((await post(fixture(name))).status).toBe(200);
    drain();
    expect(count('webhook_events', "state = 'failed'")).toBe(0);
    const before = snapshot();
    expect(count('messages')).toBeGreaterThan(20);

    const { cookie } = await t.signIn('admin');
    const ids = (t.db.$client.prepare('SELECT id FROM webhook_events').all() as { id: number }[]).map((r) => String(r.id));
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1);
      const res = await t.request('/api/v1/admin/webhook-events/replay', { cookie, body: { ids } });
      expect(res.status).toBe(202);
      drain();
      for (const name of allFixtures) await post(fixture(name)); // and Meta redelivering them all
      drain();
    }
    expect(snapshot()).toEqual(before);
  });
});

describe('batched processing', () => {
  it('rolls back only the body that fails; the rest of the batch commits', async () => {
    const { t, post, count } = setup();
    await post(fixture('text'));
    await post(fixture('image'));
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    const [goodId, badId] = jobs.flatMap((j) => j.payload.eventIds);
    // Fail the second body halfway: after its contact and conversation writes, at the media row.
    const original = t.deps.jobs.enqueue.bind(t.deps.jobs);
    t.deps.jobs.enqueue = (queue, payload, opts) => {
      if (queue === 'media.download') throw new Error('disk full');
      return original(queue, payload, opts);
    };
    const failures = processWebhookEvents(t.deps, [goodId!, badId!]);
    expect([...failures.keys()]).toEqual([badId]);
    expect(count('messages')).toBe(1);
    expect(count('media')).toBe(0);
    const states = t.db.$client.prepare('SELECT id, state, error FROM webhook_events ORDER BY id').all() as { state: string; error: string | null }[];
    expect(states.map((r) => r.state)).toEqual(['processed', 'failed']);
    expect(states[1]!.error).toMatch(/disk full/);
  });
});

describe('normalisation into the CRM', () => {
  it('keeps statuses monotonic whatever the order and duplicates', async () => {
    const { post, drain, t, channel } = setup();
    await post(fixture('text'));
    drain();
    const conv = t.db.$client.prepare('SELECT id, contact_id AS contactId FROM conversations').get() as { id: string; contactId: string };
    const wamid = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQk9VVDAwMDFQQVJMRVkA';
    t.db.$client
      .prepare(
        `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, created_at, updated_at)
         VALUES ('msg_out', ?, ?, ?, 'outbound', 'text', 'hello', 'sent', ?, 1, 1, 1)`,
      )
      .run(conv.id, conv.contactId, channel.id, wamid);
    for (const name of ['status-read', 'status-sent', 'status-delivered', 'status-delivered', 'status-sent']) {
      await post(fixture(name));
      drain();
    }
    expect(t.db.$client.prepare(`SELECT status FROM messages WHERE id = 'msg_out'`).get()).toEqual({ status: 'read' });
    expect((t.db.$client.prepare(`SELECT count(*) AS n FROM message_status_events WHERE wa_message_id = ?`).get(wamid) as { n: number }).n).toBe(3);
  });

  it('attaches reactions to their message and removes them on both un-reaction forms', async () => {
    const { post, drain, count } = setup();
    await post(fixture('reaction'));
    drain();
    expect(count('message_reactions')).toBe(1);
    expect(count('messages', "type = 'reaction'")).toBe(0); // not a new bubble
    await post(fixture('reaction-removed-omitted'));
    drain();
    expect(count('message_reactions')).toBe(0);
    await post(fixture('reaction'));
    drain();
    await post(fixture('reaction-removed-empty'));
    drain();
    expect(count('message_reactions')).toBe(0);
  });

  it('applies an edit once: redelivered or older edits change nothing', async () => {
    const { post, drain, t } = setup();
    const edit = fixture('edit-text');
    const target = JSON.stringify(edit).match(/"original_message_id":\s*"([^"]+)"|"message_id":\s*"([^"]+)"/);
    expect(target).not.toBeNull();
    const wamid = target![1] ?? target![2]!;
    const conv = t.deps.channels.all()[0]!;
    // The original message, as if received earlier.
    await post(fixture('text'));
    drain();
    t.db.$client.prepare(`UPDATE messages SET wa_message_id = ?, timestamp = 1 WHERE channel_id = ?`).run(wamid, conv.id);
    for (let i = 0; i < 3; i++) {
      await post(edit);
      drain();
    }
    const row = t.db.$client.prepare(`SELECT content, edited_at AS editedAt FROM messages WHERE wa_message_id = ?`).get(wamid) as { content: string; editedAt: number };
    expect(row.editedAt).toBeGreaterThan(0);
    expect(JSON.parse(row.content).editHistory).toHaveLength(1);
  });

  it('keeps one contact for a BSUID-only user and for a number change', async () => {
    const { post, drain, t, count } = setup();
    await post(fixture('bsuid-only-text'));
    await post(fixture('bsuid-only-text'));
    drain();
    const bsuid = t.db.$client.prepare('SELECT wa_id AS waId, user_id AS userId, phone, username FROM contacts').all() as Record<string, string | null>[];
    expect(bsuid).toHaveLength(1);
    expect(bsuid[0]).toMatchObject({ waId: null, phone: null, userId: expect.stringMatching(/^[A-Z]{2}\./) });

    await post(fixture('text'));
    drain();
    const before = count('contacts');
    await post(fixture('system-user-changed-number'));
    await post(fixture('system-user-changed-number-legacy'));
    drain();
    expect(count('contacts')).toBe(before);
    const identities = count('contact_identities', "kind = 'wa_id'");
    expect(identities).toBeGreaterThanOrEqual(2);
  });

  it('reopens a resolved conversation on a new inbound message and restarts the window from Meta’s timestamp', async () => {
    const { post, drain, t } = setup();
    await post(fixture('text'));
    drain();
    const { cookie } = await t.signIn('agent');
    const [conv] = (await (await t.request('/api/v1/conversations', { cookie })).json()).data;
    expect(conv.windowExpiresAt).toBe(new Date((1752000000 + 86400) * 1000).toISOString());
    await t.request(`/api/v1/conversations/${conv.id}`, { method: 'PATCH', cookie, body: { status: 'resolved' } });
    await post(fixture('text-reply'));
    drain();
    const after = (await (await t.request(`/api/v1/conversations/${conv.id}`, { cookie })).json()).data;
    expect(after.status).toBe('open');
  });

  it('records the first ad referral on the contact', async () => {
    const { post, drain, t } = setup();
    await post(fixture('text-referral-ad'));
    drain();
    const [row] = t.db.$client.prepare('SELECT first_touch AS firstTouch FROM contacts').all() as { firstTouch: string }[];
    expect(JSON.parse(row!.firstTouch)).toMatchObject({ sourceType: 'ad', ctwaClid: expect.any(String) });
  });

  it('records Meta marketing preferences (stop) as the contact’s consent with its source', async () => {
    const { post, drain, t } = setup();
    await post(fixture('text')); // Marisol (447700900123) writes first
    await post(fixture('user-preferences'));
    drain();
    const row = t.db.$client.prepare(`SELECT marketing_opt_out AS optOut, consent_source AS source, consent_at AS at FROM contacts WHERE wa_id = '447700900123'`).get();
    expect(row).toEqual({ optOut: 1, source: 'meta_preference', at: 1752005000 * 1000 });
  });
});

describe('channels API', () => {
  it('lets admins add and edit channels and never returns a token or app secret', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('admin');
    const body = { phoneNumberId: '106540352242922', wabaId: '102290129340398', accessToken: 'EAAG-very-secret-token', appSecret: 'app-secret-value', verifyToken: 'verify-token-1' };
    const created = await t.request('/api/v1/channels', { cookie, body });
    expect(created.status).toBe(201);
    const { data } = await created.json();
    expect(data).toMatchObject({ phoneNumberId: '106540352242922', status: 'active', hasAccessToken: true, webhookUrl: 'http://parley.test/webhooks/whatsapp' });
    const listed = await (await t.request('/api/v1/channels', { cookie })).text();
    expect(listed).not.toContain('EAAG-very-secret-token');
    expect(listed).not.toContain('app-secret-value');
    const stored = t.db.$client.prepare('SELECT access_token_enc AS token FROM channels').get() as { token: string };
    expect(stored.token).toMatch(/^v1:/);
    expect(stored.token).not.toContain('EAAG');

    expect((await t.request('/api/v1/channels', { cookie, body })).status).toBe(409);
    t.deps.channels.setStatus(data.id, 'needs_token', 'expired');
    const patched = await t.request(`/api/v1/channels/${data.id}`, { method: 'PATCH', cookie, body: { accessToken: 'EAAG-fresh-token-123' } });
    expect((await patched.json()).data.status).toBe('active');
    expect(t.deps.channels.byId(data.id)!.accessToken).toBe('EAAG-fresh-token-123');
    const bad = await t.request('/api/v1/channels', { cookie, body: { ...body, phoneNumberId: '+1 555' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^phoneNumberId:/);
    const agent = await t.signIn('agent');
    expect((await t.request('/api/v1/channels', { cookie: agent.cookie })).status).toBe(403);
  });
});
