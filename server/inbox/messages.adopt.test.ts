import { describe, expect, it } from 'vitest';
import { directJobContext } from '../jobs/jobs.worker.js';
import { silentLogger } from '../lib/logger.js';
import { createTestContext } from '../testing.js';
import { GraphNetworkError } from '../whatsapp/graph/graph.errors.js';
import { sendTag } from '../whatsapp/outbound/outbound.build.js';
import { sendMessageJob } from '../whatsapp/outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';

const PNID = '220011223344777';
const WABA = '310998877665777';
const SECRET = 'adopt-secret';
const CUSTOMER = '351912600001';

async function setup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: 'EAAG-adopt', appSecret: SECRET, verifyToken: 'v-adopt' });
  const owner = await t.signIn('owner');
  const deliver = async (value: Record<string, unknown>) => {
    const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID }, ...value } }] }] });
    const res = await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, SECRET) }, body });
    expect(res.status).toBe(200);
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
    for (const j of jobs) t.deps.jobs.complete(j);
  };
  const status = (wamid: string, status: string, tag?: string) =>
    deliver({ statuses: [{ id: wamid, status, timestamp: String(Math.floor(t.clock.now() / 1000)), recipient_id: CUSTOMER, ...(tag && { biz_opaque_callback_data: tag }) }] });
  await deliver({ contacts: [{ profile: { name: 'Rita' }, wa_id: CUSTOMER }], messages: [{ from: CUSTOMER, id: 'wamid.IN1', timestamp: String(Math.floor(t.clock.now() / 1000)), type: 'text', text: { body: 'Hi' } }] });
  const conversationId = (t.db.$client.prepare('SELECT id FROM conversations').get() as { id: string }).id;
  const reply = async (text: string) => {
    const res = await t.request(`/api/v1/conversations/${conversationId}/messages`, { cookie: owner.cookie, body: { type: 'text', text } });
    expect(res.status).toBe(202);
    return ((await res.json()) as { data: { id: string } }).data.id;
  };
  const message = (id: string) => t.db.$client.prepare('SELECT status, wa_message_id AS wamid, error_title AS error FROM messages WHERE id = ?').get(id) as { status: string; wamid: string | null; error: string | null };
  return { t, status, reply, message };
}

describe('a send whose answer was lost, found by the tag in its status webhooks', () => {
  it('takes the wamid and the statuses of a webhook tagged with the message, so it is not sent again', async () => {
    const k = await setup();
    const id = await k.reply('Your order is ready');
    expect(k.message(id)).toMatchObject({ status: 'queued', wamid: null });
    // The send timed out; Meta had accepted it and reports it, tagged.
    await k.status('wamid.LOST1', 'delivered', sendTag(id)); // out of order: delivered first
    expect(k.message(id)).toMatchObject({ status: 'delivered', wamid: 'wamid.LOST1' });
    await k.status('wamid.LOST1', 'sent', sendTag(id));
    await k.status('wamid.LOST1', 'read', sendTag(id));
    expect(k.message(id)).toMatchObject({ status: 'read', wamid: 'wamid.LOST1' });
  });

  it('the webhook arrives while the send call still hangs, then the call times out: no second send, nothing undone', async () => {
    const k = await setup();
    const id = await k.reply('x');
    const calls: string[] = [];
    k.t.deps.graphFor = (() => ({
      sendMessage: async () => {
        calls.push('send');
        if (calls.length === 1) {
          await k.status('wamid.W1', 'sent', sendTag(id)); // Meta took it and said so…
          throw new GraphNetworkError('timed out', { timedOut: true }); // …but its answer never came
        }
        return { waMessageId: 'wamid.W2' };
      },
    })) as unknown as typeof k.t.deps.graphFor;
    const job = k.t.deps.jobs.claim<{ messageId: string }>(SEND_MESSAGE_QUEUE, 1, 60_000)[0]!;
    const run = () => sendMessageJob(k.t.deps, job.payload, directJobContext(job, silentLogger));
    await run(); // ends quietly: nothing to retry
    expect(k.message(id)).toMatchObject({ status: 'sent', wamid: 'wamid.W1' });
    await run(); // even if it ran again
    expect(calls).toEqual(['send']);
    expect(k.message(id)).toMatchObject({ status: 'sent', wamid: 'wamid.W1' });
  });

  it('a first tagged status off the lattice (a warning) still proves Meta took it', async () => {
    const k = await setup();
    const id = await k.reply('y');
    await k.status('wamid.W3', 'warning', sendTag(id));
    expect(k.message(id)).toMatchObject({ status: 'sent', wamid: 'wamid.W3' });
  });

  it('puts right a message marked failed for want of an answer', async () => {
    const k = await setup();
    const id = await k.reply('Campaign-like message');
    k.t.db.$client.prepare(`UPDATE messages SET status = 'failed', error_title = 'WhatsApp did not answer this send' WHERE id = ?`).run(id);
    await k.status('wamid.LOST2', 'sent', sendTag(id));
    expect(k.message(id)).toEqual({ status: 'sent', wamid: 'wamid.LOST2', error: null });
  });

  it('never moves a message that has its wamid already, and ignores tags that are not Parley’s', async () => {
    const k = await setup();
    const id = await k.reply('One');
    k.t.db.$client.prepare(`UPDATE messages SET status = 'sent', wa_message_id = 'wamid.MINE' WHERE id = ?`).run(id);
    await k.status('wamid.OTHER', 'delivered', sendTag(id)); // a second send of the same message: not this row's wamid
    expect(k.message(id)).toMatchObject({ status: 'sent', wamid: 'wamid.MINE' });
    const other = await k.reply('Two');
    for (const tag of ['campaign-42', `parley:${other}x`, 'parley:msg_notarealmessageid0']) await k.status(`wamid.${tag.length}`, 'sent', tag);
    expect(k.message(other)).toMatchObject({ status: 'queued', wamid: null });
  });
});
