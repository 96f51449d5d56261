import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { directJobContext } from '../jobs/jobs.worker.js';
import { silentLogger } from '../lib/logger.js';
import { createTestContext } from '../testing.js';
import { sendMessageJob } from '../whatsapp/outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { createSimulator, type Simulator } from '../whatsapp/simulator/simulator.js';
import { extraTemplates } from '../whatsapp/simulator/simulator.templates.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { SYNC_ALL_TEMPLATES_QUEUE, SYNC_TEMPLATES_QUEUE, syncAllTemplatesJob, syncTemplatesJob, TEMPLATE_SCHEDULES } from './templates.jobs.js';

const PNID = '106540352240001';
const WABA = '102290129340002';
const TOKEN = 'EAAG-templates-token';
const SECRET = 'templates-app-secret';
const GRAPH = 'http://meta.test/graph';

const running: Simulator[] = [];
afterEach(() => {
  for (const sim of running.splice(0)) sim.stop();
});

/** Parley with a channel whose Graph calls go to an in-process simulator, and whose webhooks come back signed. */
async function setup(opts: { extraPages?: boolean } = {}) {
  let t!: ReturnType<typeof createTestContext>;
  const templateLists: string[] = [];
  const sim = createSimulator({
    phoneNumberId: PNID,
    wabaId: WABA,
    displayPhoneNumber: '15550002222',
    accessToken: TOKEN,
    appSecret: SECRET,
    webhookUrl: 'http://parley.test/webhooks/whatsapp',
    publicBaseUrl: GRAPH,
    // No status webhooks during a test: the assertions are about what Parley sent.
    statusDelaysMs: { sent: 600_000, delivered: 600_000, read: 600_000 },
    fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
  });
  running.push(sim);
  sim.templates.push(...extraTemplates());
  if (opts.extraPages) {
    for (let i = 0; i < 250; i++) {
      sim.templates.push({ name: `bulk_${String(i).padStart(3, '0')}`, parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: 'Bulk {{1}}' }], language: 'en', status: 'APPROVED', category: 'UTILITY', id: `9000${i}` });
    }
  }
  const meta = new Hono().route('/graph', sim.app);
  t = createTestContext({
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/message_templates')) templateLists.push(url);
      return meta.request(url, init);
    },
  });
  const channel = t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, appSecret: SECRET, verifyToken: 'verify-tpl', graphBaseUrl: GRAPH });
  const owner = await t.signIn('owner');
  const agent = await t.signIn('agent');

  /** POST /templates/sync, then runs the queued job against the simulator. */
  const sync = async () => {
    const res = await t.request('/api/v1/templates/sync', { method: 'POST', cookie: owner.cookie });
    expect(res.status).toBe(202);
    for (const job of t.deps.jobs.claim<{ channelId: string }>(SYNC_TEMPLATES_QUEUE, 10, 60_000)) await syncTemplatesJob(t.deps, job.payload, new AbortController().signal);
  };
  const templates = async () => (await (await t.request('/api/v1/templates', { cookie: agent.cookie })).json()).data as Array<Record<string, any>>;
  const idOf = async (name: string, language = 'en') => (await templates()).find((x) => x.name === name && x.language === language)!.id as string;
  /** Runs queued sends against the simulator, as the worker would. */
  const runSends = async () => {
    for (const job of t.deps.jobs.claim<{ messageId: string }>(SEND_MESSAGE_QUEUE, 50, 60_000)) {
      await sendMessageJob(t.deps, job.payload, directJobContext(job, silentLogger));
    }
  };
  /** Webhooks the simulator delivered are stored; process them like the worker. */
  const processWebhooks = () => {
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
  };
  const addContact = (id: string, fields: { name: string; phone: string; company?: string; language?: string; custom?: Record<string, unknown> }) => {
    const now = t.clock.now();
    t.db.$client
      .prepare(`INSERT INTO contacts (id, name, phone, wa_id, company, language, custom_fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, fields.name, fields.phone, fields.phone.slice(1), fields.company ?? null, fields.language ?? null, JSON.stringify(fields.custom ?? {}), now, now);
  };
  return { t, sim, channel, owner, agent, sync, templates, idOf, runSends, processWebhooks, addContact, templateLists };
}

describe('template sync and status', () => {
  it('syncs every page from Meta, then a PAUSED webhook stops sends before they reach Meta', async () => {
    const { t, sim, owner, sync, templates, runSends, processWebhooks, templateLists } = await setup({ extraPages: true });
    await sync();
    const list = await templates();
    expect(list).toHaveLength(sim.templates.length);
    expect(sim.templates.length).toBeGreaterThan(200); // TEMPLATE_PAGE_SIZE is 100: three pages at least
    expect(templateLists).toHaveLength(3);
    expect(new URL(templateLists[2]!).searchParams.get('after')).toBeTruthy();
    expect(list.find((x) => x.name === 'bulk_249')).toMatchObject({ status: 'APPROVED', slots: [{ id: 'body.1' }], mapping: { params: {} }, testSentAt: null });

    const send = () =>
      t.request('/api/v1/messages', {
        cookie: owner.cookie,
        body: { to: '+14155550123', type: 'template', template: { name: 'order_update', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#7' }] }] } },
      });
    expect((await send()).status).toBe(202);
    await runSends();
    expect(sim.sent).toHaveLength(1);

    // Meta pauses the template (low quality) and says so by webhook.
    const meta = sim.templates.find((x) => x.name === 'order_update')!;
    meta.status = 'PAUSED';
    const statuses = await sim.deliver({
      object: 'whatsapp_business_account',
      entry: [{ id: WABA, time: Math.floor(Date.now() / 1000), changes: [{ field: 'message_template_status_update', value: { event: 'PAUSED', message_template_id: Number(meta.id), message_template_name: 'order_update', message_template_language: 'en', reason: 'NONE' } }] }],
    });
    expect(statuses).toEqual([200]);
    processWebhooks();
    expect((await templates()).find((x) => x.name === 'order_update')!.status).toBe('PAUSED');

    const refused = await send();
    expect(refused.status).toBe(422);
    const error = (await refused.json()).error;
    expect(error.code).toBe('templates.not_approved');
    expect(error.message).toMatch(/132015/);
    await runSends();
    expect(sim.sent).toHaveLength(1); // nothing more reached Meta
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE type = 'template'`).get()).toEqual({ n: 1 });
  });

  it('refuses unknown templates and bad parameters on the send path with 422, nothing queued', async () => {
    const { t, sim, owner, sync, runSends } = await setup();
    await sync();
    const send = async (template: Record<string, unknown>) => {
      const res = await t.request('/api/v1/messages', { cookie: owner.cookie, body: { to: '+14155550123', type: 'template', template } });
      return [res.status, (await res.json()).error?.code];
    };
    expect(await send({ name: 'never_synced', language: 'en' })).toEqual([422, 'templates.not_found']);
    expect(await send({ name: 'order_update', language: 'en_US', components: [] })).toEqual([422, 'templates.not_found']);
    expect(await send({ name: 'order_update', language: 'en' })).toEqual([422, 'templates.invalid_parameters']);
    expect(await send({ name: 'spring_promo', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] })).toEqual([422, 'templates.invalid_parameters']);
    expect(await send({ name: 'old_offer', language: 'en' })).toEqual([422, 'templates.not_approved']);
    expect(await send({ name: 'hello_world', language: 'en_US' })).toEqual([202, undefined]);
    await runSends();
    expect(sim.sent.map((s) => (s.body.template as { name: string }).name)).toEqual(['hello_world']);
  });

  it('schedules a sync of every channel every few hours', async () => {
    const { t, channel } = await setup();
    expect(TEMPLATE_SCHEDULES).toEqual([expect.objectContaining({ queue: SYNC_ALL_TEMPLATES_QUEUE, name: 'templates.sync-all' })]);
    expect(syncAllTemplatesJob(t.deps)).toBe(1);
    expect(t.deps.jobs.claim(SYNC_TEMPLATES_QUEUE, 10, 60_000).map((j) => j.payload)).toEqual([{ channelId: channel.id }]);
  });
});

describe('template mapping and preview', () => {
  it('stores a mapping (kept across syncs, audited) and previews it for a contact, with fallbacks', async () => {
    const { t, owner, agent, sync, idOf, addContact } = await setup();
    await sync();
    const id = await idOf('order_update');
    const detail = await (await t.request(`/api/v1/templates/${id}`, { cookie: agent.cookie })).json();
    expect(detail.data).toMatchObject({
      name: 'order_update',
      languages: ['en'],
      slots: [
        { id: 'body.1', kind: 'text', example: 'Pablo' },
        { id: 'body.2', kind: 'text', example: '#12345' },
      ],
      mapping: { params: {} },
      testSentAt: null,
    });
    const mapping = {
      params: {
        'body.1': { source: 'contact', field: 'first_name', fallback: 'there' },
        'body.2': { source: 'contact_custom', field: 'order_no', fallback: 'your order' },
      },
    };
    const put = await t.request(`/api/v1/templates/${id}/mapping`, { method: 'PUT', cookie: owner.cookie, body: mapping });
    expect(put.status).toBe(200);
    expect((await put.json()).data.mapping).toEqual(mapping);
    expect(t.db.$client.prepare(`SELECT action, entity_id AS entityId FROM audit_log WHERE action LIKE 'template.%'`).all()).toEqual([{ action: 'template.mapping_updated', entityId: id }]);
    await sync();
    expect((await (await t.request(`/api/v1/templates/${id}`, { cookie: agent.cookie })).json()).data.mapping).toEqual(mapping);

    addContact('ct_ana', { name: 'Ana Lima', phone: '+5511987650001', custom: { order_no: '#A-77' } });
    addContact('ct_bo', { name: 'Bo', phone: '+5511987650002' });
    const preview = async (body: unknown) => (await (await t.request(`/api/v1/templates/${id}/preview`, { cookie: agent.cookie, body })).json()).data;
    expect(await preview({ contactId: 'ct_ana' })).toEqual({
      preview: { header: null, body: 'Hi Ana, your order #A-77 has shipped.', footer: 'Reply STOP to opt out', buttons: [] },
      missing: [],
      values: { 'body.1': 'Ana', 'body.2': '#A-77' },
    });
    expect((await preview({ contactId: 'ct_bo' })).preview.body).toBe('Hi Bo, your order your order has shipped.');
    expect((await preview({})).preview.body).toBe('Hi there, your order your order has shipped.'); // no contact: fallbacks
    // A mapping in the body wins over the stored one; a slot without value or fallback is listed as missing.
    const adhoc = await preview({ contactId: 'ct_bo', mapping: { params: { 'body.1': { source: 'fixed', value: 'friend' }, 'body.2': { source: 'contact', field: 'company' } } } });
    expect(adhoc).toMatchObject({ preview: { body: 'Hi friend, your order {{2}} has shipped.' }, missing: ['body.2'], values: { 'body.1': 'friend' } });
  });

  it('fills deal fields and deal custom fields from the contact’s latest open deal', async () => {
    const { t, agent, sync, idOf, addContact } = await setup();
    await sync();
    addContact('ct_lu', { name: 'Lúcia Alves', phone: '+5511987650003', company: 'Alves Ltda', language: 'pt_BR' });
    const now = t.clock.now();
    t.db.$client.prepare(`INSERT INTO pipelines (id, name, created_at, updated_at) VALUES ('pl_1', 'Sales', ?, ?)`).run(now, now);
    t.db.$client.prepare(`INSERT INTO pipeline_stages (id, pipeline_id, name, position, created_at) VALUES ('st_1', 'pl_1', 'Proposal', 0, ?)`).run(now);
    const deal = t.db.$client.prepare(
      `INSERT INTO deals (id, title, amount_minor, currency, pipeline_id, stage_id, contact_id, custom_fields, stage_entered_at, closed_at, created_at, updated_at) VALUES (?, ?, ?, 'BRL', 'pl_1', 'st_1', 'ct_lu', ?, ?, ?, ?, ?)`,
    );
    deal.run('dl_old', 'Old order', 1000, '{}', now, null, now, now - 5000);
    deal.run('dl_new', 'Kitchen refit', 125_050, '{"po":"PO-9"}', now, null, now, now);
    deal.run('dl_won', 'Closed one', 99, '{}', now, now, now, now + 5000);
    const id = await idOf('appointment_reminder', 'en_US');
    const mapping = {
      params: {
        'header.first_name': { source: 'contact', field: 'first_name' },
        'body.first_name': { source: 'contact', field: 'company' },
        'body.date': { source: 'deal', field: 'amount' },
        'body.place': { source: 'deal_custom', field: 'po' },
      },
    };
    const res = await (await t.request(`/api/v1/templates/${id}/preview`, { cookie: agent.cookie, body: { contactId: 'ct_lu', mapping } })).json();
    expect(res.data.values).toEqual({ 'header.first_name': 'Lúcia', 'body.first_name': 'Alves Ltda', 'body.date': 'R$ 1.250,50', 'body.place': 'PO-9' });
    expect(res.data.preview.header).toEqual({ type: 'text', text: 'See you soon, Lúcia' });
    const stage = await (await t.request(`/api/v1/templates/${id}/preview`, { cookie: agent.cookie, body: { contactId: 'ct_lu', mapping: { params: { 'body.date': { source: 'deal', field: 'stage' }, 'body.place': { source: 'deal', field: 'title' } } } } })).json();
    expect(stage.data.values).toMatchObject({ 'body.date': 'Proposal', 'body.place': 'Kitchen refit' });
  });

  it('answers 404, 400 and 403 where it should', async () => {
    const { t, owner, agent, sync, idOf } = await setup();
    await sync();
    const id = await idOf('order_update');
    const promo = await idOf('spring_promo');
    expect((await t.request('/api/v1/templates/tpl_nope', { cookie: agent.cookie })).status).toBe(404);
    const missing = await t.request('/api/v1/templates/tpl_nope/mapping', { method: 'PUT', cookie: owner.cookie, body: { params: {} } });
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, 'templates.not_found']);
    const put = (tid: string, body: unknown, cookie = owner.cookie) => t.request(`/api/v1/templates/${tid}/mapping`, { method: 'PUT', cookie, body });
    const error = async (res: Response) => [res.status, ((await res.json()) as { error: { message: string } }).error.message];
    expect(await error(await put(id, { params: { 'body.9': { source: 'fixed', value: 'x' } } }))).toEqual([400, expect.stringMatching(/^params\.body\.9: no such slot in this template \(it has body\.1, body\.2\)/)]);
    expect(await error(await put(id, { params: { 'body.1': { source: 'magic' } } }))).toEqual([400, expect.stringMatching(/^params\.body\.1/)]);
    expect(await error(await put(id, { params: { 'body.1': { source: 'contact', field: 'shoe_size' } } }))).toEqual([400, expect.stringMatching(/^params\.body\.1\.field/)]);
    expect((await put(id, '{not json')).status).toBe(400);
    expect(await error(await put(promo, { params: {}, headerMediaId: 'med_nope' }))).toEqual([400, 'headerMediaId: no such uploaded media']);
    expect(await error(await put(id, { params: {}, headerMediaId: 'med_nope' }))).toEqual([400, expect.stringMatching(/^headerMediaId: this template has no image/)]);
    expect((await put(id, { params: {} }, agent.cookie)).status).toBe(403);
    expect((await t.request(`/api/v1/templates/${id}/test-send`, { cookie: agent.cookie, body: { to: ['+14155550123'] } })).status).toBe(403);
    expect((await t.request(`/api/v1/templates/${id}/preview`, { cookie: agent.cookie, body: { contactId: 'ct_nope' } })).status).toBe(400);
    expect((await t.request(`/api/v1/templates/${id}`)).status).toBe(401);
  });
});

describe('template test send', () => {
  it('sends the mapped template to each number through Meta and records when', async () => {
    const { t, sim, owner, sync, idOf, runSends } = await setup();
    await sync();
    const id = await idOf('welcome_offer');
    const mapping = {
      params: {
        'header.1': { source: 'contact', field: 'first_name', fallback: 'friend' },
        'body.1': { source: 'fixed', value: '15%' },
        'button.0': { source: 'fixed', value: 'abc123' },
        'button.1': { source: 'fixed', value: 'WELCOME15' },
      },
    };
    expect((await t.request(`/api/v1/templates/${id}/mapping`, { method: 'PUT', cookie: owner.cookie, body: mapping })).status).toBe(200);
    const res = await t.request(`/api/v1/templates/${id}/test-send`, { cookie: owner.cookie, body: { to: ['+14155550111', '+442079460958'] } });
    const { data, error } = await res.json();
    expect([res.status, error]).toEqual([202, undefined]);
    expect(data.messages).toEqual([
      { to: '+14155550111', messageId: expect.stringMatching(/^msg_/), status: 'queued' },
      { to: '+442079460958', messageId: expect.stringMatching(/^msg_/), status: 'queued' },
    ]);
    await runSends();
    expect(sim.sent.map((s) => [s.to, s.error])).toEqual([
      ['14155550111', null],
      ['442079460958', null],
    ]);
    expect(sim.sent[0]!.body.template).toEqual({
      name: 'welcome_offer',
      language: { code: 'en' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'friend' }] },
        { type: 'body', parameters: [{ type: 'text', text: '15%' }] },
        { type: 'button', index: '0', sub_type: 'url', parameters: [{ type: 'text', text: 'abc123' }] },
        { type: 'button', index: '1', sub_type: 'copy_code', parameters: [{ type: 'coupon_code', coupon_code: 'WELCOME15' }] },
      ],
    });
    const detail = (await (await t.request(`/api/v1/templates/${id}`, { cookie: owner.cookie })).json()).data;
    expect(detail.testSentAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('fills a conversation send from values per slot, the stored mapping supplying the rest, and shows the rendered text', async () => {
    const { t, sim, owner, sync, idOf, runSends } = await setup();
    await sync();
    const id = await idOf('welcome_offer');
    const mapping = { params: { 'header.1': { source: 'contact', field: 'first_name', fallback: 'friend' }, 'button.0': { source: 'fixed', value: 'abc123' }, 'button.1': { source: 'fixed', value: 'WELCOME15' } } };
    expect((await t.request(`/api/v1/templates/${id}/mapping`, { method: 'PUT', cookie: owner.cookie, body: mapping })).status).toBe(200);
    const send = (values: Record<string, string>) => t.request('/api/v1/messages', { cookie: owner.cookie, body: { to: '+14155550133', type: 'template', template: { name: 'welcome_offer', language: 'en', values } } });
    const res = await send({ 'body.1': '20%' });
    const { data } = await res.json();
    expect(res.status).toBe(202);
    expect(data.text).toMatch(/20%/);
    await runSends();
    expect((sim.sent[0]!.body.template as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'friend' }] },
      { type: 'body', parameters: [{ type: 'text', text: '20%' }] },
      { type: 'button', index: '0', sub_type: 'url', parameters: [{ type: 'text', text: 'abc123' }] },
      { type: 'button', index: '1', sub_type: 'copy_code', parameters: [{ type: 'coupon_code', coupon_code: 'WELCOME15' }] },
    ]);
    // A value no mapping supplies is named, not sent to Meta to fail there.
    const missing = await send({});
    expect([missing.status, (await missing.json()).error.code]).toEqual([422, 'templates.missing_value']);
  });

  it('sends a media header as the uploaded WhatsApp media id', async () => {
    const { t, sim, owner, sync, idOf, runSends } = await setup();
    await sync();
    const form = new FormData();
    form.set('file', new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'spring.jpg', { type: 'image/jpeg' }));
    const upload = await t.app.request('http://parley.test/api/v1/media', { method: 'POST', headers: { origin: t.origin, cookie: owner.cookie }, body: form });
    expect(upload.status).toBe(201);
    const uploaded = (await upload.json()) as { data: { id: string; waMediaId: string } };
    const id = await idOf('spring_promo', 'pt_BR');
    const detail = (await (await t.request(`/api/v1/templates/${id}`, { cookie: owner.cookie })).json()).data;
    expect(detail.languages).toEqual(['en', 'pt_BR']);
    const mapping = { params: { 'body.1': { source: 'contact', field: 'name', fallback: 'cliente' } }, headerMediaId: uploaded.data.id };
    expect((await t.request(`/api/v1/templates/${id}/mapping`, { method: 'PUT', cookie: owner.cookie, body: mapping })).status).toBe(200);
    const preview = (await (await t.request(`/api/v1/templates/${id}/preview`, { cookie: owner.cookie, body: {} })).json()).data.preview;
    expect(preview).toMatchObject({ header: { type: 'image', mediaId: uploaded.data.id }, buttons: [{ type: 'quick_reply', text: 'Parar promoções' }] });
    expect((await t.request(`/api/v1/templates/${id}/test-send`, { cookie: owner.cookie, body: { to: ['+5511987650009'] } })).status).toBe(202);
    await runSends();
    expect(sim.sent).toHaveLength(1);
    expect(sim.sent[0]!.error).toBeNull();
    expect((sim.sent[0]!.body.template as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { id: uploaded.data.waMediaId } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'cliente' }] },
    ]);
  });

  it('refuses bad numbers, missing values and templates Meta would not send, queueing nothing', async () => {
    const { t, sim, owner, sync, idOf, runSends } = await setup();
    await sync();
    const id = await idOf('order_update');
    const testSend = async (tid: string, body: unknown) => {
      const res = await t.request(`/api/v1/templates/${tid}/test-send`, { cookie: owner.cookie, body });
      return [res.status, (await res.json()).error];
    };
    expect(await testSend(id, { to: [] })).toEqual([400, expect.objectContaining({ message: expect.stringMatching(/^to: give at least one phone number/) })]);
    expect(await testSend(id, { to: ['4155550111'] })).toEqual([400, expect.objectContaining({ message: expect.stringMatching(/^to\.0: must be a phone number in E\.164/) })]);
    expect(await testSend(id, { to: Array.from({ length: 11 }, (_, i) => `+1415555010${i}`) })).toEqual([400, expect.objectContaining({ message: expect.stringMatching(/^to: at most 10/) })]);
    const [status, error] = await testSend(id, { to: ['+14155550111'], mapping: { params: { 'body.1': { source: 'fixed', value: 'Ana' } } } });
    expect([status, error.code, error.message]).toEqual([422, 'templates.missing_value', expect.stringMatching(/no value for body\.2/)]);
    expect(await testSend(await idOf('old_offer'), { to: ['+14155550111'] })).toEqual([422, expect.objectContaining({ code: 'templates.not_approved' })]);
    expect(await testSend('tpl_nope', { to: ['+14155550111'] })).toEqual([404, expect.objectContaining({ code: 'templates.not_found' })]);
    await runSends();
    expect(sim.sent).toEqual([]);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect((await (await t.request(`/api/v1/templates/${id}`, { cookie: owner.cookie })).json()).data.testSentAt).toBeNull();
  });
});
