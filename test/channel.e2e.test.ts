import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../server/whatsapp/simulator/simulator.js';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { bodyOf, type ServerProcess } from './server-process.js';
import { eventually } from './live-checks.js';

// The real server process in live mode, with the simulator standing in for Meta over real HTTP.
const WA = { phoneNumberId: '106540352242922', wabaId: '102290129340398', displayPhoneNumber: '15550783881' };
const SECRET = { accessToken: 'EAAG-e2e-token', appSecret: 'e2e-app-secret', verifyToken: 'e2e-verify-token' };
const ADMIN = { email: 'owner@shop.example', password: 'e2e-owner-password' };

let live: LiveParley;
let sim: Simulator;
let parley: ServerProcess;
const api = (path: string, init: { method?: string; body?: unknown; form?: FormData; headers?: Record<string, string> } = {}) => live.api(path, init);


const conversationOf = async (waId: string) => {
  const list = await bodyOf(await api('/conversations'));
  return list.data.find((c: { contact: { waId: string } }) => c.contact.waId === waId);
};
const messagesOf = async (conversationId: string) => (await bodyOf(await api(`/conversations/${conversationId}/messages`))).data;

beforeAll(async () => {
  live = await startLiveParley({ wa: WA, secrets: SECRET, admin: ADMIN, simulator: { statusDelaysMs: { sent: 20, delivered: 60, read: 120 } } });
  ({ sim, parley } = live);
}, 60_000);

afterAll(() => live?.close());

describe('channel core end to end (real process + simulator)', () => {
  it('answers the verify handshake only with the right token', async () => {
    const ok = await fetch(`${parley.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRET.verifyToken}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${parley.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('receives an inbound text, replies, and follows the reply to read', async () => {
    await sim.customer.sendText({ from: '14155550123', name: 'Zoë Park', text: 'Hola, ¿tienen envío hoy? 🚚' });
    const conv = await eventually(() => conversationOf('14155550123'), (v) => Boolean(v));
    expect(conv.contact).toMatchObject({ name: 'Zoë Park', phone: '+14155550123' });
    expect(conv.windowOpen).toBe(true);
    const [inbound] = await messagesOf(conv.id);
    expect(inbound).toMatchObject({ direction: 'inbound', type: 'text', text: 'Hola, ¿tienen envío hoy? 🚚', status: 'received' });

    const sent = await api(`/conversations/${conv.id}/messages`, { body: { type: 'text', text: 'Sí, hoy mismo ✅', replyToMessageId: inbound.id } });
    expect(sent.status).toBe(202);
    const queued = (await bodyOf(sent)).data;
    expect(queued.status).toBe('queued');
    const read = await eventually(() => bodyOf(api(`/messages/${queued.id}`)).then((r) => r.data), (m) => m.status === 'read');
    expect(read.waMessageId).toMatch(/^wamid\./);
    const atMeta = sim.sent.find((s) => s.wamid === read.waMessageId)!;
    expect(atMeta.body).toMatchObject({ to: '14155550123', type: 'text', text: { body: 'Sí, hoy mismo ✅' }, context: { message_id: inbound.waMessageId } });

    expect((await api(`/conversations/${conv.id}/read`, { method: 'POST' })).status).toBe(200);
    await eventually(async () => sim.readReceipts, (r) => r.includes(inbound.waMessageId));
  });

  it('round-trips media both ways', async () => {
    const photo = new Uint8Array(2048).map((_, i) => (i * 7) % 256);
    await sim.customer.sendMedia({ from: '14155550124', name: 'Ada', kind: 'image', bytes: photo, mimeType: 'image/jpeg', caption: 'the crack in the screen' });
    const conv = await eventually(() => conversationOf('14155550124'), (v) => Boolean(v));
    const [msg] = await eventually(() => messagesOf(conv.id), (m) => m[0]?.media?.state === 'ready');
    expect(msg).toMatchObject({ type: 'image', text: 'the crack in the screen', media: { mimeType: 'image/jpeg', size: 2048 } });
    const content = await api(msg.media.url.replace('/api/v1', ''));
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    expect((await fetch(`${parley.url}${msg.media.url}`)).status).toBe(401); // signed-in users only

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 invoice')], { type: 'application/pdf' }), 'invoice.pdf');
    const upload = await api('/media', { form });
    expect(upload.status).toBe(201);
    const uploaded = (await bodyOf(upload)).data;
    const sent = (await bodyOf(await api(`/conversations/${conv.id}/messages`, { body: { type: 'document', mediaId: uploaded.id, filename: 'invoice.pdf' } }))).data;
    const done = await eventually(() => bodyOf(api(`/messages/${sent.id}`)).then((r) => r.data), (m) => m.status === 'read');
    expect(sim.sent.find((s) => s.wamid === done.waMessageId)!.body).toMatchObject({ type: 'document', document: { id: uploaded.waMediaId, filename: 'invoice.pdf' } });
  });

  it('shows a media download that cannot succeed as failed, with the reason', async () => {
    await sim.customer.sendMessage({
      from: '14155550127',
      name: 'Expired',
      message: { type: 'image', image: { id: '999000111', mime_type: 'image/jpeg', sha256: 'AAAA' } },
    });
    const conv = await eventually(() => conversationOf('14155550127'), (v) => Boolean(v));
    const [msg] = await eventually(() => messagesOf(conv.id), (m) => m[0]?.media?.state === 'failed', 20_000);
    expect(msg.media.error).toBeTruthy();
    expect(msg.media.url).toBeNull();
  });

  it('retries a transient 130429 and fails a permanent 131026 with its reason', async () => {
    await sim.customer.sendText({ from: '14155550125', name: 'Retry', text: 'hi' });
    await sim.customer.sendText({ from: '14155550126', name: 'Gone', text: 'hi' });
    const retry = await eventually(() => conversationOf('14155550125'), (v) => Boolean(v));
    const gone = await eventually(() => conversationOf('14155550126'), (v) => Boolean(v));
    sim.faults.errorsByRecipient.set('14155550125', { code: 130429, times: 1 });
    sim.faults.errorsByRecipient.set('14155550126', { code: 131026 });

    const a = (await bodyOf(await api(`/conversations/${retry.id}/messages`, { body: { type: 'text', text: 'after a throttle' } }))).data;
    const b = (await bodyOf(await api(`/conversations/${gone.id}/messages`, { body: { type: 'text', text: 'into the void' } }))).data;
    const retried = await eventually(() => bodyOf(api(`/messages/${a.id}`)).then((r) => r.data), (m) => m.status === 'delivered' || m.status === 'read');
    expect(retried.error).toBeNull();
    expect(sim.sent.filter((s) => s.to === '14155550125' && s.type === 'text').map((s) => s.error?.code ?? null)).toEqual([130429, null]);

    const failed = await eventually(() => bodyOf(api(`/messages/${b.id}`)).then((r) => r.data), (m) => m.status === 'failed');
    expect(failed.error).toMatchObject({ code: 131026 });
    expect(failed.error.explanation).toMatch(/deliver|WhatsApp/i);
    expect(sim.sent.filter((s) => s.to === '14155550126' && s.type === 'text')).toHaveLength(1); // never retried
  });

  it('refuses free-form outside the window, and forged webhooks', async () => {
    const res = await api('/messages', { body: { to: '+14155550199', type: 'text', text: 'cold outreach' } });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe('whatsapp.window_closed');
    const forged = await fetch(`${parley.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }, body: '{}' });
    expect(forged.status).toBe(401);
    expect((await bodyOf(forged)).error.code).toBe('webhooks.bad_signature');
    // A chunked body (no Content-Length) over the limit is cut off while it streams in.
    const huge = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
        controller.close();
      },
    });
    const tooBig = await fetch(`${parley.url}/webhooks/whatsapp`, { method: 'POST', body: huge, duplex: 'half' } as RequestInit);
    expect(tooBig.status).toBe(413);
    expect((await fetch(`${parley.url}/readyz`)).status).toBe(200);
  });

  // Last: it leaves the channel needing a token, then restores it.
  it('flags the channel "needs token" on 190 and refuses sends until a new token is saved', async () => {
    await sim.customer.sendText({ from: '14155550128', name: 'Token', text: 'hi' });
    const conv = await eventually(() => conversationOf('14155550128'), (v) => Boolean(v));
    sim.faults.errorsByRecipient.set('14155550128', { code: 190, times: 1 });
    const sent = (await bodyOf(await api(`/conversations/${conv.id}/messages`, { body: { type: 'text', text: 'expired token' } }))).data;
    const failed = await eventually(() => bodyOf(api(`/messages/${sent.id}`)).then((r) => r.data), (m) => m.status === 'failed');
    expect(failed.error).toMatchObject({ code: 190 });
    const [channel] = (await bodyOf(await api('/channels'))).data;
    expect(channel.status).toBe('needs_token');
    const refused = await api(`/conversations/${conv.id}/messages`, { body: { type: 'text', text: 'again' } });
    expect(refused.status).toBe(422);
    expect((await bodyOf(refused)).error.code).toBe('channels.needs_token');
    const patched = await api(`/channels/${channel.id}`, { method: 'PATCH', body: { accessToken: SECRET.accessToken } });
    expect((await bodyOf(patched)).data.status).toBe('active');
    expect((await api(`/conversations/${conv.id}/messages`, { body: { type: 'text', text: 'works again' } })).status).toBe(202);
  });
});
