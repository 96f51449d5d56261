import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { eventually, waitForQuietJobs } from './live-checks.js';
import { bodyOf } from './server-process.js';

// Fault proof: the real server process against the simulator injecting Meta's failures — throughput bursts,
// HTTP 5xx, a Graph call slower than Parley's timeout, permanent errors, an expired token, slow and failing
// media downloads. Every message ends sent or failed with its reason, and no job is left stuck.
const WA = { phoneNumberId: '106540352242977', wabaId: '102290129340477', displayPhoneNumber: '15550783885' };
const SECRET = { accessToken: 'EAAG-faults-token', appSecret: 'faults-app-secret', verifyToken: 'faults-verify-token' };
const ADMIN = { email: 'owner@faults.example', password: 'faults-owner-password' };
const n = (i: number) => `1415555${String(400 + i).padStart(4, '0')}`;
const DONE = ['delivered', 'read'];

let live: LiveParley;
const api = (path: string, init: { method?: string; body?: unknown } = {}) => live.api(path, init);
const conversations = new Map<string, string>(); // wa_id → conversation id
const sentIds: string[] = [];

/** The conversation of a customer, once their first message was processed. */
async function conversationOf(waId: string): Promise<string> {
  const known = conversations.get(waId);
  if (known) return known;
  const list = async () => (await bodyOf(api('/conversations?limit=100'))).data as Array<{ id: string; contact: { waId: string } }>;
  const id = (await eventually(async () => (await list()).find((c) => c.contact.waId === waId)?.id, Boolean))!;
  conversations.set(waId, id);
  return id;
}

/** A customer writes first (opening the 24 h window); resolves with the conversation id. */
async function openConversation(waId: string): Promise<string> {
  await live.sim.customer.sendText({ from: waId, name: `Customer ${waId.slice(-3)}`, text: 'hola' });
  return conversationOf(waId);
}

async function send(waId: string, text: string): Promise<string> {
  const res = await api(`/conversations/${conversations.get(waId)}/messages`, { body: { type: 'text', text } });
  expect(res.status).toBe(202);
  const id = (await bodyOf(res)).data.id as string;
  sentIds.push(id);
  return id;
}

const messageOf = async (id: string) => (await bodyOf(api(`/messages/${id}`))).data;
const untilMessage = (id: string, ok: (m: any) => boolean, timeoutMs = 30_000) => eventually(() => messageOf(id), ok, timeoutMs);
/** What the simulator did with every send to `waId`: the error code, or null when accepted. */
const attemptsAt = (waId: string) => live.sim.sent.filter((s) => s.to === waId && s.type === 'text').map((s) => s.error?.code ?? null);
/** The send job of a message, through the admin API. */
async function sendJobOf(messageId: string) {
  const jobs = (await bodyOf(api('/admin/jobs?queue=whatsapp.send-message&limit=200'))).data as Array<{ state: string; attempts: number; payload: { messageId: string } }>;
  return jobs.find((j) => j.payload.messageId === messageId);
}
const channel = async () => (await bodyOf(api('/channels'))).data[0] as { id: string; status: string; statusReason: string | null };
const mediaCalls = () => live.graphCalls.filter((c) => c.path.startsWith('/media-download/'));

/** Meta accepts the token again and the owner pastes it back: the channel is active. */
async function renewToken() {
  live.sim.faults.tokenExpired = false;
  const patched = await bodyOf(api(`/channels/${(await channel()).id}`, { method: 'PATCH', body: { accessToken: SECRET.accessToken } }));
  expect(patched.data.status).toBe('active');
}

beforeAll(async () => {
  live = await startLiveParley({ wa: WA, secrets: SECRET, admin: ADMIN, simulator: { statusDelaysMs: { sent: 20, delivered: 60, read: 120 } } });
  for (let i = 1; i <= 12; i++) await openConversation(n(i));
}, 90_000);

afterAll(() => live?.close());

describe('fault proof (real process + simulator injecting failures)', () => {
  it('retries a 130429 burst and HTTP 500/503 answers until each message is sent, once', async () => {
    // A throughput burst: the next six sends to anyone are refused with 130429.
    live.sim.faults.errorBurst = { code: 130429, count: 6 };
    const burst = await Promise.all([1, 2, 3].map((i) => send(n(i), `burst ${i}`)));
    for (const id of burst) expect((await untilMessage(id, (x) => DONE.includes(x.status))).error).toBeNull();
    // Server errors: 131000 and 131016 are HTTP 500, 133004 is HTTP 503.
    live.sim.faults.errorsByRecipient.set(n(4), { code: 131000, times: 2 });
    live.sim.faults.errorsByRecipient.set(n(5), { code: 131016, times: 1 });
    live.sim.faults.errorsByRecipient.set(n(6), { code: 133004, times: 1 });
    const outage = await Promise.all([4, 5, 6].map((i) => send(n(i), `after an outage ${i}`)));

    for (const id of outage) expect((await untilMessage(id, (x) => DONE.includes(x.status))).error).toBeNull();
    const burstAttempts = [1, 2, 3].map((i) => attemptsAt(n(i)));
    expect(burstAttempts.flat().filter((c) => c === 130429)).toHaveLength(6);
    for (const a of burstAttempts) expect(a.filter((c) => c === null)).toHaveLength(1); // accepted exactly once
    expect(attemptsAt(n(4))).toEqual([131000, 131000, null]);
    expect(attemptsAt(n(5))).toEqual([131016, null]);
    expect(attemptsAt(n(6))).toEqual([133004, null]);
    expect(await sendJobOf(outage[0]!)).toMatchObject({ state: 'done', attempts: 3 });
  }, 60_000);

  it('fails permanent errors at once with the reason, and never asks Meta again', async () => {
    const cases = [
      { i: 7, code: 131026, mode: 'sync' as const }, // undeliverable
      { i: 8, code: 131047, mode: 'sync' as const }, // re-engagement (window)
      { i: 9, code: 100, mode: 'sync' as const }, // invalid parameter
      { i: 10, code: 131031, mode: 'sync' as const }, // account locked (HTTP 403)
      { i: 11, code: 131026, mode: 'async' as const }, // accepted, then a `failed` status
    ];
    for (const c of cases) live.sim.faults.errorsByRecipient.set(n(c.i), { code: c.code, mode: c.mode });
    const ids = await Promise.all(cases.map((c) => send(n(c.i), `doomed ${c.code}`)));
    for (const [k, c] of cases.entries()) {
      const m = await untilMessage(ids[k]!, (x) => x.status === 'failed');
      expect(m.error).toMatchObject({ code: c.code, explanation: expect.stringMatching(/^.{20,}$/) });
      // Done after one run: the job is finished, not waiting for a retry.
      expect(await sendJobOf(ids[k]!)).toMatchObject({ state: 'done', attempts: 1 });
      expect(attemptsAt(n(c.i))).toHaveLength(1);
      live.sim.faults.errorsByRecipient.delete(n(c.i));
    }
  }, 60_000);

  it('times out a Graph call that hangs past the deadline; the tagged status webhook shows Meta took it, so it is not sent again', async () => {
    // Meta holds the answer 18 s (Parley gives up at 15 s), then accepts the send anyway.
    live.sim.faults.slowSendsByRecipient.set(n(12), { ms: 18_000, times: 1 });
    const id = await send(n(12), 'are you there?');
    const m = await untilMessage(id, (x) => DONE.includes(x.status) && x.waMessageId !== null, 60_000);
    expect(m.error).toBeNull();
    // The retry waits 30 s for that webhook; it then finds the message sent and ends without a second send.
    const job = await eventually(() => sendJobOf(id), (j) => j?.state === 'done', 60_000);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    const accepted = live.sim.sent.filter((s) => s.to === n(12) && s.error === null);
    expect(accepted.map((s) => s.wamid)).toEqual([m.waMessageId]);
    const outbound = (await bodyOf(api(`/conversations/${conversations.get(n(12))}/messages`))).data.filter((x: { direction: string }) => x.direction === 'outbound');
    expect(outbound).toHaveLength(1);
  }, 120_000);

  it('downloads slow media, retries a failing media CDN, and shows media that is gone as failed with its reason', async () => {
    const bytes = (seed: number) => new Uint8Array(4096).map((_, i) => (i * seed) % 256);
    const mediaOf = async (waId: string) => (await bodyOf(api(`/conversations/${await conversationOf(waId)}/messages`))).data.find((x: any) => x.media)?.media;
    const settled = (waId: string, timeoutMs = 40_000) => eventually(() => mediaOf(waId), (md) => md?.state === 'ready' || md?.state === 'failed', timeoutMs);

    live.sim.faults.mediaDownloadDelayMs = 3_000; // Meta's CDN is slow today
    await live.sim.customer.sendMedia({ from: n(20), kind: 'image', bytes: bytes(7), mimeType: 'image/jpeg', caption: 'slow' });
    const slow = await settled(n(20));
    expect(slow).toMatchObject({ state: 'ready', size: 4096, error: null });
    const content = await api(slow.url.replace('/api/v1', ''));
    expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(bytes(7)))).toBe(true);

    live.sim.faults.mediaDownloadDelayMs = 0;
    live.sim.faults.mediaDownloadErrors = 2; // then the CDN answers 500 twice
    const before = mediaCalls().length;
    await live.sim.customer.sendMedia({ from: n(21), kind: 'document', bytes: bytes(11), mimeType: 'application/pdf', filename: 'invoice.pdf' });
    expect(await settled(n(21))).toMatchObject({ state: 'ready', size: 4096, error: null });
    expect(mediaCalls().slice(before).map((c) => c.status)).toEqual([500, 500, 200]);

    // A media id Meta no longer knows: failed with a reason, asked once.
    await live.sim.customer.sendMessage({ from: n(22), message: { type: 'image', image: { id: '999000222', mime_type: 'image/jpeg', sha256: 'AAAA' } } });
    const gone = await settled(n(22));
    expect(gone).toMatchObject({ state: 'failed', error: expect.stringMatching(/^.{20,}$/), url: null });
    expect(live.graphCalls.filter((c) => c.path.endsWith('/999000222'))).toHaveLength(1);
  }, 90_000);

  it('after 190 the channel needs a token — whichever call meets it first — and sends stop with a clear reason', async () => {
    // An inbound media download meets the dead token first.
    live.sim.faults.tokenExpired = true;
    await live.sim.customer.sendMedia({ from: n(23), kind: 'image', bytes: new Uint8Array([1, 2, 3, 4]), mimeType: 'image/jpeg' });
    const conv23 = await conversationOf(n(23));
    const media = await eventually(async () => (await bodyOf(api(`/conversations/${conv23}/messages`))).data[0]?.media, (md) => md?.state === 'failed');
    expect(media.error).toMatch(/access token/);
    expect(await channel()).toMatchObject({ status: 'needs_token', statusReason: expect.stringMatching(/token/) });
    await renewToken();

    // An agent opening a conversation (a read receipt) meets it first.
    await live.sim.customer.sendText({ from: n(23), text: 'did you get my photo?' });
    await eventually(async () => (await bodyOf(api(`/conversations/${conv23}/messages`))).data.length, (len) => len === 2);
    live.sim.faults.tokenExpired = true;
    expect((await api(`/conversations/${conv23}/read`, { method: 'POST' })).status).toBe(200);
    await eventually(channel, (ch) => ch.status === 'needs_token');
    await renewToken();

    // Sends: three to one customer (they go in order). Meta holds the first for 5 s and then meets the
    // expired token: it fails with 190, the channel is flagged, and the two queued behind it fail too.
    live.sim.faults.slowSendsByRecipient.set(n(1), { ms: 5_000, times: 1 });
    const ids = [await send(n(1), 'token 1'), await send(n(1), 'token 2'), await send(n(1), 'token 3')];
    live.sim.faults.tokenExpired = true;
    for (const id of ids) {
      const m = await untilMessage(id, (x) => x.status === 'failed');
      expect(m.error).toMatchObject({ code: 190, explanation: expect.stringMatching(/access token/) });
      expect(await sendJobOf(id)).toMatchObject({ state: 'done' });
    }
    expect((await channel()).status).toBe('needs_token');
    const refused = await api(`/conversations/${conversations.get(n(4))}/messages`, { body: { type: 'text', text: 'still there?' } });
    expect(refused.status).toBe(422);
    expect((await bodyOf(refused)).error.code).toBe('channels.needs_token');
    expect(attemptsAt(n(1)).filter((c) => c === null)).toHaveLength(1); // the burst test's send: none of these was accepted
    expect(live.graphCalls.filter((c) => c.status === 401).length).toBeGreaterThanOrEqual(3);

    // A new token: sending works again.
    await renewToken();
    const again = await send(n(4), 'works again');
    expect((await untilMessage(again, (x) => DONE.includes(x.status))).error).toBeNull();
  }, 60_000);

  it('leaves nothing stuck: no job running or overdue, none dead, every message sent or failed', async () => {
    await waitForQuietJobs(live, 75_000);
    expect((await bodyOf(api('/admin/jobs?state=dead'))).data).toEqual([]);
    for (const id of sentIds) expect(['sent', ...DONE, 'failed']).toContain((await messageOf(id)).status);
  }, 90_000);
});
