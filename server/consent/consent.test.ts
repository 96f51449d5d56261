import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';
import { registerConsentJobs } from './consent.jobs.js';
import { CONSENT_CONFIRM_QUEUE, type ConsentConfirmation } from './consent.usecases.js';

const PNID = '220011223344777';
const WABA = '310998877665599';
const WA_ID = '447700900777';

async function setup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: 'EAAG-test-token', appSecret: 'consent-secret', verifyToken: 'verify-consent' });
  const admin = await t.signIn('admin');
  const now = t.clock.now();
  const template = t.db.$client.prepare(`INSERT INTO templates (id, waba_id, name, language, category, status, updated_at) VALUES (?, ?, ?, 'en', ?, 'APPROVED', ?)`);
  template.run('tpl_promo', WABA, 'spring_sale', 'MARKETING', now);
  template.run('tpl_order', WABA, 'order_update', 'UTILITY', now);
  let n = 0;
  const deliver = async (value: Record<string, unknown>) => {
    const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: value.user_preferences ? 'user_preferences' : 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID }, ...value } }] }] });
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'consent-secret') }, body });
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
  };
  const says = (text: string) =>
    deliver({ contacts: [{ profile: { name: 'Zoe' }, wa_id: WA_ID }], messages: [{ from: WA_ID, id: `wamid.CONSENT${++n}`, timestamp: String(Math.floor(t.clock.now() / 1000)), type: 'text', text: { body: text } }] });
  const contactId = async () => (t.db.$client.prepare('SELECT id FROM contacts WHERE wa_id = ?').get(WA_ID) as { id: string }).id;
  const conversationId = async () => (t.db.$client.prepare('SELECT id FROM conversations').get() as { id: string }).id;
  const consent = async () => (await (await t.request(`/api/v1/contacts/${await contactId()}/consent`, { cookie: admin.cookie })).json()).data;
  const sendTemplate = async (name: string) => t.request(`/api/v1/conversations/${await conversationId()}/messages`, { cookie: admin.cookie, body: { type: 'template', template: { name, language: 'en' } } });
  return { t, admin, deliver, says, contactId, consent, sendTemplate };
}

describe('consent and opt-out', () => {
  it('opts out on a keyword in any language, confirms when configured, and keeps marketing templates away', async () => {
    const { t, admin, says, consent, sendTemplate } = await setup();
    expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { optOutConfirmation: 'You will get no more offers. Reply START to undo.' } })).status).toBe(200);
    await says('Hi, is the sale still on?');
    expect((await consent()).optedOut).toBe(false);
    expect((await sendTemplate('spring_sale')).status).toBe(202);

    await says('Arrêt!');
    const after = await consent();
    expect(after).toMatchObject({ optedOut: true, source: 'keyword', history: [{ status: 'opted_out', source: 'keyword', detail: 'Arrêt!' }] });
    const blocked = await sendTemplate('spring_sale');
    expect([blocked.status, (await blocked.json()).error.code]).toEqual([422, 'contacts.opted_out']);
    expect((await sendTemplate('order_update')).status).toBe(202); // utility goes through by default
    expect((await sendTemplate('never_synced')).status).toBe(422); // unknown category: treated as marketing
    await t.request('/api/v1/settings', { method: 'PATCH', cookie: admin.cookie, body: { utilityNeedsConsent: true } });
    expect((await sendTemplate('order_update')).status).toBe(422);

    // The confirmation is a job committed with the opt-out; it sends once.
    const [job] = t.deps.jobs.claim<ConsentConfirmation>(CONSENT_CONFIRM_QUEUE, 10, 60_000);
    expect(job!.payload.text).toBe('You will get no more offers. Reply START to undo.');
    const handlers = new Map<string, (p: ConsentConfirmation) => void>();
    registerConsentJobs({ ...t.deps, worker: { ...t.deps.worker, register: (q: string, h: (p: ConsentConfirmation) => void) => void handlers.set(q, h) } } as typeof t.deps);
    handlers.get(CONSENT_CONFIRM_QUEUE)!(job!.payload);
    handlers.get(CONSENT_CONFIRM_QUEUE)!(job!.payload);
    const replies = t.db.$client.prepare(`SELECT text FROM messages WHERE direction = 'outbound' AND type = 'text'`).all();
    expect(replies).toEqual([{ text: 'You will get no more offers. Reply START to undo.' }]);

    await says('start');
    expect(await consent()).toMatchObject({ optedOut: false, history: [{ status: 'opted_in', source: 'keyword' }, { status: 'opted_out' }] });
    await says('please stop sending me the catalogue every day'); // a sentence is a conversation, not a keyword
    expect((await consent()).optedOut).toBe(false);
  });

  it('records Meta’s marketing preference, error 131050 and a person’s entry, with who and when', async () => {
    const { t, admin, deliver, says, contactId, consent } = await setup();
    await says('hello');
    await deliver({ user_preferences: [{ wa_id: WA_ID, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Math.floor(t.clock.now() / 1000) }] });
    expect(await consent()).toMatchObject({ optedOut: true, source: 'meta_preference' });

    const id = await contactId();
    const manual = await t.request(`/api/v1/contacts/${id}/consent`, { cookie: admin.cookie, body: { status: 'opted_in', source: 'form', detail: 'signed the in-store form' } });
    expect((await manual.json()).data).toMatchObject({ optedOut: false, history: [{ status: 'opted_in', source: 'form', actorId: expect.any(String) }, { source: 'meta_preference' }] });
    expect((await t.request(`/api/v1/contacts/${id}/consent`, { cookie: admin.cookie, body: { status: 'maybe' } })).status).toBe(400);
    expect((await t.request(`/api/v1/contacts/${id}/consent`, { cookie: admin.cookie, body: { status: 'opted_out', source: 'keyword' } })).status).toBe(400);

    // A marketing send fails with 131050: Meta tells us the person stopped marketing from this business.
    const sent = (await (await t.request(`/api/v1/messages`, { cookie: admin.cookie, body: { contactId: id, type: 'template', template: { name: 'spring_sale', language: 'en' } } })).json()).data;
    t.db.$client.prepare(`UPDATE messages SET wa_message_id = 'wamid.OUT131050', status = 'sent' WHERE id = ?`).run(sent.id);
    await deliver({ statuses: [{ id: 'wamid.OUT131050', status: 'failed', timestamp: String(Math.floor(t.clock.now() / 1000)), recipient_id: WA_ID, errors: [{ code: 131050, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.' }] }] });
    expect(await consent()).toMatchObject({ optedOut: true, source: 'delivery_error', history: [{ status: 'opted_out', source: 'delivery_error' }, {}, {}] });
  });
});
