import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

async function withConversation(opts: { windowOpen: boolean }) {
  const t = createTestContext();
  const channel = t.deps.channels.create({ phoneNumberId: '1000001', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123', graphBaseUrl: 'http://127.0.0.1:9' });
  const { cookie } = await t.signIn('agent');
  const contactId = 'ct_test';
  const now = t.clock.now();
  t.db.$client.prepare(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES (?, 'Ana', '+14155550100', '14155550100', ?, ?)`).run(contactId, now, now);
  const lastInbound = opts.windowOpen ? now - 60_000 : now - 25 * 3600_000;
  t.db.$client
    .prepare(`INSERT INTO conversations (id, contact_id, channel_id, last_inbound_at, window_expires_at, created_at, updated_at) VALUES ('cv_test', ?, ?, ?, ?, ?, ?)`)
    .run(contactId, channel.id, lastInbound, lastInbound + 24 * 3600_000, now, now);
  return { t, cookie, channel };
}

const jobsFor = (t: ReturnType<typeof createTestContext>) => t.db.$client.prepare(`SELECT queue, payload FROM jobs WHERE queue = 'whatsapp.send-message'`).all() as { payload: string }[];

describe('sending', () => {
  it('queues a reply with its send job in one go (202, status queued)', async () => {
    const { t, cookie } = await withConversation({ windowOpen: true });
    const res = await t.request('/api/v1/conversations/cv_test/messages', { cookie, body: { type: 'text', text: 'Hello Ana' } });
    expect(res.status).toBe(202);
    const { data } = await res.json();
    expect(data).toMatchObject({ direction: 'outbound', type: 'text', text: 'Hello Ana', status: 'queued', waMessageId: null, error: null });
    expect(jobsFor(t).map((j) => JSON.parse(j.payload))).toEqual([{ messageId: data.id }]);
  });

  it('refuses free-form outside the 24-hour window with whatsapp.window_closed, but queues a template', async () => {
    const { t, cookie } = await withConversation({ windowOpen: false });
    const text = await t.request('/api/v1/conversations/cv_test/messages', { cookie, body: { type: 'text', text: 'late' } });
    expect(text.status).toBe(422);
    expect((await text.json()).error.code).toBe('whatsapp.window_closed');
    const template = await t.request('/api/v1/conversations/cv_test/messages', { cookie, body: { type: 'template', template: { name: 'order_update', language: 'en' } } });
    expect(template.status).toBe(202);
    expect(jobsFor(t)).toHaveLength(1);
  });

  it('honours Idempotency-Key: the same key returns the first message, nothing new is queued', async () => {
    const { t, cookie } = await withConversation({ windowOpen: true });
    const send = () => t.request('/api/v1/conversations/cv_test/messages', { cookie, body: { type: 'text', text: 'once' }, headers: { 'idempotency-key': 'k-1' } });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect((await second.json()).data.id).toBe((await first.json()).data.id);
    expect(jobsFor(t)).toHaveLength(1);
  });

  it.each([
    [{ type: 'text', text: '' }, /^text:/],
    [{ type: 'pigeon' }, /^type:/],
    [{ type: 'image', mediaId: 'med_missing' }, /^mediaId:/],
    [{ type: 'text', text: 'x', replyToMessageId: 'msg_nope' }, /^replyToMessageId:/],
  ])('answers %o with 400 naming the field', async (body, message) => {
    const { t, cookie } = await withConversation({ windowOpen: true });
    const res = await t.request('/api/v1/conversations/cv_test/messages', { cookie, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(message);
    expect(jobsFor(t)).toHaveLength(0);
  });

  it('sends to a phone number: invalid numbers are a 400 naming "to"; a new number has no window yet', async () => {
    const { t, cookie } = await withConversation({ windowOpen: true });
    const bad = await t.request('/api/v1/messages', { cookie, body: { to: '12', type: 'text', text: 'hi' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^to:/);
    const fresh = await t.request('/api/v1/messages', { cookie, body: { to: '+44 20 7946 0958', type: 'text', text: 'hi' } });
    expect(fresh.status).toBe(422);
    const template = await t.request('/api/v1/messages', { cookie, body: { to: '+442079460958', type: 'template', template: { name: 'hello_world', language: 'en_US' } } });
    expect(template.status).toBe(202);
    const contacts = await (await t.request('/api/v1/contacts?phone=%2B442079460958', { cookie })).json();
    expect(contacts.data).toHaveLength(1);
    expect(contacts.data[0]).toMatchObject({ phone: '+442079460958', waId: '442079460958' });
  });

  it('refuses a send on a channel that needs a new token', async () => {
    const { t, cookie, channel } = await withConversation({ windowOpen: true });
    t.deps.channels.setStatus(channel.id, 'needs_token', 'token expired');
    const res = await t.request('/api/v1/conversations/cv_test/messages', { cookie, body: { type: 'text', text: 'hi' } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe('channels.needs_token');
  });
});

describe('media upload limits', () => {
  const upload = (t: ReturnType<typeof createTestContext>, cookie: string, file: Blob, name: string) => {
    const form = new FormData();
    form.append('file', file, name);
    return t.app.request('http://parley.test/api/v1/media', { method: 'POST', headers: { cookie, origin: 'http://parley.test' }, body: form });
  };

  it('answers 415 for a type WhatsApp refuses and 413 with the limit for an oversize image', async () => {
    const { t, cookie } = await withConversation({ windowOpen: true });
    const gif = await upload(t, cookie, new Blob([new Uint8Array(10)], { type: 'image/gif' }), 'a.gif');
    expect(gif.status).toBe(415);
    expect(((await gif.json()) as { error: { code: string } }).error.code).toBe('media.unsupported_type');
    const big = await upload(t, cookie, new Blob([new Uint8Array(5 * 1024 * 1024 + 1)], { type: 'image/jpeg' }), 'big.jpg');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/at most 5 MB/);
  });

  it('serves inbound media to signed-in users only, and never runs active content inline', async () => {
    const { t, cookie, channel } = await withConversation({ windowOpen: true });
    const store = async (id: string, mime: string, bytes: Buffer) => {
      const hex = (await import('../media/media.models.js')).sha256Hex(bytes);
      await t.deps.storage.put(hex, bytes);
      t.db.$client
        .prepare(`INSERT INTO media (id, channel_id, direction, mime_type, size, sha256, state, created_at, updated_at) VALUES (?, ?, 'inbound', ?, ?, ?, 'ready', 1, 1)`)
        .run(id, channel.id, mime, bytes.length, hex);
    };
    await store('med_svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    await store('med_jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const svg = await t.request('/api/v1/media/med_svg/content', { cookie });
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(svg.headers.get('content-security-policy')).toMatch(/sandbox/);
    const jpg = await t.request('/api/v1/media/med_jpg/content', { cookie });
    expect(jpg.headers.get('content-disposition')).toMatch(/^inline/);
    expect(Buffer.from(await jpg.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    expect((await t.request('/api/v1/media/med_jpg/content')).status).toBe(401);
  });
});
