import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../lib/clock.js';
import { signWebhookBody } from '../webhook/webhook.signature.js';
import { HARNESS, receivedStatuses, startHarness } from './simulator.testkit.js';

type Harness = Awaited<ReturnType<typeof startHarness>>;
const open: Harness[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const text = (to: string, body: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } });

/** Deterministic PRNG (mulberry32) so the shuffle test does not depend on luck. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('send API', () => {
  it('accepts a text send with Meta’s response shape and records it', async () => {
    const h = await harness();
    const res = await h.send(text('+1 (650) 555-1234', 'Hello'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1 (650) 555-1234', wa_id: '16505551234' }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBgLMTY1MDU1NTEyMzQV[A-Za-z0-9+/]+=*$/) }],
    });
    expect(h.sim.sent).toHaveLength(1);
    expect(h.sim.sent[0]).toMatchObject({ wamid: res.body!.messages[0].id, to: '+1 (650) 555-1234', type: 'text', error: null });
  });

  it('emits signed status webhooks sent → delivered → read, each its own POST', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1, 12));
    const h = await harness({ clock });
    const { body } = await h.send(text('16505551234', 'Hi'));
    await h.sim.idle();
    expect(h.receiver.received).toHaveLength(3);
    for (const w of h.receiver.received) {
      expect(w.signature).toBe(signWebhookBody(w.raw, HARNESS.appSecret));
      expect(w.signature).not.toBe(signWebhookBody(w.raw, 'another-secret'));
      expect(w.contentType).toBe('application/json');
    }
    const statuses = receivedStatuses(h.receiver.received);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const [sent, delivered, read] = statuses;
    expect(sent).toMatchObject({
      id: body!.messages[0].id,
      recipient_id: '16505551234',
      timestamp: String(Math.floor(clock.now() / 1000)),
      conversation: { id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: expect.any(String), origin: { type: 'service' } },
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    });
    expect(delivered!.pricing).toBeDefined();
    expect((delivered!.conversation as Record<string, unknown>).expiration_timestamp).toBeUndefined();
    expect(read!.pricing).toBeUndefined();
    const entry = (h.receiver.received[0]!.json.entry as Array<Record<string, any>>)[0]!;
    expect(entry.id).toBe(HARNESS.wabaId);
    expect(entry.changes[0].field).toBe('messages');
    expect(entry.changes[0].value.metadata).toEqual({ display_phone_number: HARNESS.displayPhoneNumber, phone_number_id: HARNESS.phoneNumberId });
  });

  it('gives a reaction only a `sent` status and honours autoRead=false', async () => {
    const h = await harness({ autoRead: false });
    await h.send({ messaging_product: 'whatsapp', to: '16505551234', type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } });
    await h.send(text('16505551234', 'no read receipts'));
    await h.sim.idle();
    const statuses = receivedStatuses(h.receiver.received).map((s) => s.status);
    expect(statuses.sort()).toEqual(['delivered', 'sent', 'sent']);
  });

  it('answers mark-as-read with {success:true} and records the wamid', async () => {
    const h = await harness();
    const res = await h.send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.ABC' });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    expect(h.sim.readReceipts).toEqual(['wamid.ABC']);
    expect(h.sim.sent).toHaveLength(0);
  });

  it.each([
    ['missing messaging_product', { to: '16505551234', type: 'text', text: { body: 'x' } }, 100],
    ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 131008],
    ['unknown type', { messaging_product: 'whatsapp', to: '16505551234', type: 'hologram', hologram: {} }, 100],
    ['text without body', { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: {} }, 100],
    ['unknown media id', { messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: { id: '999' } }, 100],
  ])('rejects %s with Meta’s error JSON', async (_name, body, code) => {
    const h = await harness();
    const res = await h.send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: expect.stringMatching(new RegExp(`^\\(#${code}\\) `)),
        type: 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
        fbtrace_id: expect.any(String),
      },
    });
    expect(h.sim.sent.at(-1)?.error).toEqual({ code });
  });
});

describe('templates on send', () => {
  const template = (name: string, code: string, params?: string[]) => ({
    messaging_product: 'whatsapp',
    to: '16505551234',
    type: 'template',
    template: { name, language: { code }, ...(params ? { components: [{ type: 'body', parameters: params.map((t) => ({ type: 'text', text: t })) }] } : {}) },
  });

  it.each([
    ['unknown name', template('nope', 'en'), 404, 132001],
    ['wrong language', template('order_update', 'en_US', ['a', 'b']), 404, 132001],
    ['paused', template('old_offer', 'en'), 400, 132015],
    ['rejected', template('bad_template', 'en', ['a', 'b']), 404, 132001],
    ['too few body params', template('order_update', 'en', ['Pablo']), 400, 132000],
    ['params for a template without any', template('hello_world', 'en_US', ['x']), 400, 132000],
  ])('rejects %s', async (_name, body, status, code) => {
    const h = await harness();
    const res = await h.send(body);
    expect(res.status).toBe(status);
    expect(res.body!.error.code).toBe(code);
    await h.sim.idle();
    expect(h.receiver.received).toHaveLength(0);
  });

  it('accepts a valid template with message_status "accepted" and bills it by category', async () => {
    const h = await harness();
    const res = await h.send(template('order_update', 'en', ['Pablo', '#12345']));
    expect(res.status).toBe(200);
    expect(res.body!.messages[0]).toEqual({ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' });
    const hello = await h.send(template('hello_world', 'en_US'));
    expect(hello.status).toBe(200);
    await h.sim.idle();
    const sent = receivedStatuses(h.receiver.received).find((s) => s.status === 'sent' && s.id === res.body!.messages[0].id);
    expect(sent!.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
  });
});

describe('faults', () => {
  it.each([
    [130429, 400],
    [131031, 403],
    [131000, 500],
    [133004, 503],
    [190, 401],
  ])('sync error %i by recipient answers HTTP %i with Meta JSON and sends no webhook', async (code, status) => {
    const h = await harness();
    h.sim.faults.errorsByRecipient.set('16505550000', { code });
    const res = await h.send(text('+16505550000', 'x'));
    expect(res.status).toBe(status);
    expect(res.body!.error).toMatchObject({ code, type: 'OAuthException', fbtrace_id: expect.any(String) });
    if (code !== 190) expect(res.body!.error.message).toMatch(new RegExp(`^\\(#${code}\\) `));
    expect(h.sim.sent[0]).toMatchObject({ wamid: '', error: { code } });
    const other = await h.send(text('16505551234', 'fine'));
    expect(other.status).toBe(200);
    await h.sim.idle();
    expect(receivedStatuses(h.receiver.received).every((s) => s.recipient_id === '16505551234')).toBe(true);
  });

  it('async error accepts with a wamid, then sends a `failed` status carrying the error', async () => {
    const h = await harness();
    h.sim.faults.errorsByRecipient.set('16505550000', { code: 131049, mode: 'async' });
    const res = await h.send(text('16505550000', 'x'));
    expect(res.status).toBe(200);
    const wamid = res.body!.messages[0].id;
    await h.sim.idle();
    const statuses = receivedStatuses(h.receiver.received);
    expect(statuses).toEqual([
      {
        id: wamid,
        status: 'failed',
        timestamp: expect.stringMatching(/^\d+$/),
        recipient_id: '16505550000',
        errors: [
          {
            code: 131049,
            title: expect.any(String),
            message: expect.any(String),
            error_data: { details: expect.any(String) },
            href: expect.any(String),
          },
        ],
      },
    ]);
    expect(h.sim.sent[0]).toMatchObject({ wamid, error: { code: 131049 } });
  });

  it('`times` fails only the first N sends to that recipient', async () => {
    const h = await harness();
    h.sim.faults.errorsByRecipient.set('16505550000', { code: 131000, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.send(text('16505550000', `try ${i}`))).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(h.sim.faults.errorsByRecipient.size).toBe(0);
  });

  it('errorRate injects random sync errors', async () => {
    const h = await harness({ random: () => 0.1 });
    h.sim.faults.errorRate = { code: 130429, rate: 0.5 };
    expect((await h.send(text('16505551234', 'a'))).status).toBe(400);
    h.sim.faults.errorRate = { code: 130429, rate: 0.05 };
    expect((await h.send(text('16505551234', 'b'))).status).toBe(200);
  });

  it('duplicateWebhooks gives N+1 identical, identically signed POSTs', async () => {
    const h = await harness();
    h.sim.faults.duplicateWebhooks = 2;
    const statuses = await h.sim.deliver({ object: 'whatsapp_business_account', entry: [] });
    expect(statuses).toEqual([200, 200, 200]);
    expect(h.receiver.received).toHaveLength(3);
    const [a, b, c] = h.receiver.received;
    expect(b!.raw.equals(a!.raw) && c!.raw.equals(a!.raw)).toBe(true);
    expect(new Set(h.receiver.received.map((w) => w.signature)).size).toBe(1);
  });

  it('shuffleStatuses can deliver read before sent, keeping every status', async () => {
    const h = await harness({ random: seeded(7) });
    h.sim.faults.shuffleStatuses = true;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await h.send(text('16505551234', `m${i}`))).body!.messages[0].id);
    await h.sim.idle();
    const statuses = receivedStatuses(h.receiver.received);
    expect(h.receiver.received).toHaveLength(18);
    const orders = ids.map((id) => statuses.filter((s) => s.id === id).map((s) => s.status));
    for (const o of orders) expect([...o].sort()).toEqual(['delivered', 'read', 'sent']);
    expect(orders.some((o) => o.indexOf('read') < o.indexOf('sent'))).toBe(true);
  });

  it('retries non-200 answers with growing delay and reports each attempt', async () => {
    const h = await harness({}, (n) => (n < 2 ? 500 : 200));
    const statuses = await h.sim.deliver({ object: 'whatsapp_business_account', entry: [] });
    expect(statuses).toEqual([500, 500, 200]);
    expect(h.receiver.received).toHaveLength(3);
  });

  it('stop() cancels pending status webhooks', async () => {
    const h = await harness({ statusDelaysMs: { sent: 200, delivered: 300, read: 400 } });
    await h.send(text('16505551234', 'x'));
    h.sim.stop();
    await h.sim.idle();
    expect(h.receiver.received).toHaveLength(0);
  });
});

describe('customers', () => {
  it('sendText delivers a Meta-shaped envelope with wa_id, profile and a string timestamp', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1, 12, 0, 5));
    const h = await harness({ clock });
    const wamid = await h.sim.customer.sendText({ from: '16505551234', name: 'Sheena Nelson', text: 'Does it come in another color?', replyTo: 'wamid.OUT' });
    expect(h.receiver.received).toHaveLength(1);
    const w = h.receiver.received[0]!;
    expect(w.signature).toBe(signWebhookBody(w.raw, HARNESS.appSecret));
    expect(w.json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: HARNESS.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: HARNESS.displayPhoneNumber, phone_number_id: HARNESS.phoneNumberId },
                contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
                messages: [
                  {
                    from: '16505551234',
                    id: wamid,
                    timestamp: String(Math.floor(Date.UTC(2026, 2, 1, 12, 0, 5) / 1000)),
                    context: { from: HARNESS.displayPhoneNumber, id: 'wamid.OUT' },
                    type: 'text',
                    text: { body: 'Does it come in another color?' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(wamid).toMatch(/^wamid\.HBgLMTY1MDU1NTEyMzQV/);
  });

  it('escapes non-ASCII Meta-style and signs those exact bytes', async () => {
    const h = await harness();
    await h.sim.customer.sendText({ from: '5511987654321', name: 'José Ñandú', text: 'café ☕ 👋 a/b' });
    const w = h.receiver.received[0]!;
    expect([...w.raw].every((byte) => byte < 0x80)).toBe(true);
    const raw = w.raw.toString('ascii');
    expect(raw).toContain('caf\\u00e9 \\u2615 \\ud83d\\udc4b a\\/b');
    expect(raw).toContain('Jos\\u00e9 \\u00d1and\\u00fa');
    expect(w.signature).toBe(signWebhookBody(w.raw, HARNESS.appSecret));
    // A receiver that re-serialises would compute a different signature.
    expect(w.signature).not.toBe(signWebhookBody(JSON.stringify(w.json), HARNESS.appSecret));
    const msg = (w.json.entry as Array<Record<string, any>>)[0]!.changes[0].value.messages[0];
    expect(msg.text.body).toBe('café ☕ 👋 a/b');
  });

  it('builds reactions, removals, locations and button replies like Meta', async () => {
    const h = await harness();
    const tpl = await h.send({ messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    const tplId = tpl.body!.messages[0].id as string;
    await h.sim.customer.sendReaction({ from: '16505551234', messageId: 'wamid.A', emoji: '👍' });
    await h.sim.customer.sendReaction({ from: '16505551234', messageId: 'wamid.A', emoji: null });
    await h.sim.customer.sendLocation({ from: '16505551234', latitude: 37.44, longitude: -122.16, placeName: 'Philz Coffee' });
    await h.sim.customer.sendButtonReply({ from: '16505551234', replyTo: tplId, id: 'STOP', title: 'Stop promotions' });
    await h.sim.customer.sendButtonReply({ from: '16505551234', replyTo: 'wamid.INTERACTIVE', id: 'yes', title: 'Yes' });
    await h.sim.customer.sendMessage({ from: '16505551234', message: { type: 'unsupported', unsupported: { type: 'poll' } } });
    await h.sim.idle();
    const messages = h.receiver.received
      .map((w) => (w.json.entry as Array<Record<string, any>>)[0]!.changes[0].value.messages?.[0])
      .filter(Boolean);
    expect(messages.map((m) => m.type)).toEqual(['reaction', 'reaction', 'location', 'button', 'interactive', 'unsupported']);
    expect(messages[0].reaction).toEqual({ message_id: 'wamid.A', emoji: '👍' });
    expect(messages[1].reaction).toEqual({ message_id: 'wamid.A' });
    expect(messages[2].location).toEqual({ latitude: 37.44, longitude: -122.16, name: 'Philz Coffee' });
    expect(messages[3]).toMatchObject({ context: { id: tplId }, button: { payload: 'STOP', text: 'Stop promotions' } });
    expect(messages[4].interactive).toEqual({ type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } });
    expect(messages[5]).toMatchObject({ from: '16505551234', id: expect.stringMatching(/^wamid\./), timestamp: expect.any(String) });
  });
});
