import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../lib/event-bus.js';
import { createTestContext, type JsonResponse } from '../testing.js';

const HOUR = 3600_000;
type Pipeline = { id: string; stages: { id: string; name: string; outcome: string }[] };

async function setup() {
  const t = createTestContext();
  const owner = await t.signIn('owner');
  const agent = await t.signIn('agent');
  const other = await t.signIn('agent', 'other@parley.test');
  const idOf = async (cookie: string) => (await (await t.request('/api/v1/me', { cookie })).json()).data.id as string;
  const ids = { owner: await idOf(owner.cookie), agent: await idOf(agent.cookie), other: await idOf(other.cookie) };
  const channel = t.deps.channels.create({ phoneNumberId: '1000001', wabaId: '2000002', accessToken: 'EAAG-test-token', appSecret: 'secret-123', verifyToken: 'verify-123' });
  const now = t.clock.now();
  const insertContact = t.db.$client.prepare(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`);
  const insertConv = t.db.$client.prepare(`INSERT INTO conversations (id, contact_id, channel_id, assignee_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  insertContact.run('ct_ana', 'Ana', now, now);
  insertContact.run('ct_bo', 'Bo', now, now);
  insertConv.run('cv_ana', 'ct_ana', channel.id, ids.agent, now, now); // the agent's chat
  insertConv.run('cv_bo', 'ct_bo', channel.id, ids.other, now, now); // someone else's chat
  const sales = ((await (await t.request('/api/v1/pipelines', { cookie: owner.cookie })).json()).data as Pipeline[])[0]!;
  const events: LiveEvent[] = [];
  t.deps.bus.subscribe((e) => events.push(e));
  const audits = (action: string, entityId?: string) =>
    t.db.$client.prepare(`SELECT actor_kind AS kind, actor_id AS id, after FROM audit_log WHERE action = ? AND (? IS NULL OR entity_id = ?) ORDER BY id`).all(action, entityId ?? null, entityId ?? null) as { kind: string; id: string; after: string }[];
  const create = (body: object, cookie = owner.cookie) => t.request('/api/v1/deals', { cookie, body });
  const patch = (id: string, body: unknown, cookie = owner.cookie) => t.request(`/api/v1/deals/${id}`, { method: 'PATCH', cookie, body });
  const get = (id: string, cookie = owner.cookie) => t.request(`/api/v1/deals/${id}`, { cookie });
  return { t, owner: owner.cookie, agent: agent.cookie, other: other.cookie, ids, sales, events, audits, create, patch, get };
}

const stageOf = (p: Pipeline, name: string) => p.stages.find((s) => s.name === name)!.id;

describe('deals', () => {
  it('creates, reads, updates and deletes deals with EUR and JPY amounts', async () => {
    const { t, owner, ids, sales, events, audits, create, patch, get } = await setup();
    const res = await create({ title: 'Wedding cake', amount: '123.45', currency: 'eur', contactId: 'ct_ana', reference: 'ORD-7', expectedCloseAt: '2026-12-01T12:00:00Z' });
    expect(res.status).toBe(201);
    const deal = (await res.json()).data;
    expect(deal).toMatchObject({
      kind: 'deal',
      title: 'Wedding cake',
      reference: 'ORD-7',
      amount: '123.45',
      currency: 'EUR',
      pipelineId: sales.id,
      stageId: stageOf(sales, 'New'),
      stage: { id: stageOf(sales, 'New'), name: 'New', outcome: 'open' },
      ownerId: ids.owner,
      contactId: 'ct_ana',
      conversationId: null,
      expectedCloseAt: '2026-12-01T12:00:00.000Z',
      customFields: {},
      closedAt: null,
      payment: { status: 'none', amount: null, currency: null, link: null, providerRef: null, updatedAt: null },
      createdAt: new Date(t.clock.now()).toISOString(),
    });
    expect(t.db.$client.prepare(`SELECT amount_minor FROM deals WHERE id = ?`).get(deal.id)).toEqual({ amount_minor: 12345 });
    expect(events.filter((e) => e.type === 'deal.created')).toEqual([expect.objectContaining({ contactId: 'ct_ana', data: expect.objectContaining({ id: deal.id }) })]);
    expect(audits('deal.created', deal.id)).toHaveLength(1);

    const yen = (await (await create({ title: 'Ramen order', kind: 'order', amount: 1500, currency: 'JPY' })).json()).data;
    expect([yen.kind, yen.amount, yen.currency]).toEqual(['order', '1500', 'JPY']);
    expect(t.db.$client.prepare(`SELECT amount_minor FROM deals WHERE id = ?`).get(yen.id)).toEqual({ amount_minor: 1500 });
    expect((await create({ title: 'x', amount: '1500.5', currency: 'JPY' })).status).toBe(400);
    // Changing only the currency keeps the major amount; one JPY cannot hold cents.
    expect((await (await patch(yen.id, { currency: 'USD' })).json()).data).toMatchObject({ amount: '1500.00', currency: 'USD' });
    expect((await patch(deal.id, { currency: 'JPY' })).status).toBe(400);

    t.clock.advance(1000);
    const updated = await patch(deal.id, { title: 'Wedding cake XL', amount: '200', kind: 'order', customFields: {} });
    expect((await updated.json()).data).toMatchObject({ title: 'Wedding cake XL', amount: '200.00', currency: 'EUR', kind: 'order', updatedAt: new Date(t.clock.now()).toISOString() });
    expect(JSON.parse(audits('deal.updated', deal.id)[0]!.after)).toEqual({ kind: 'order', title: 'Wedding cake XL', amount: '200.00' });
    expect(events.filter((e) => e.type === 'deal.updated' && (e.data as { id: string }).id === deal.id)).toHaveLength(1);
    // The same values again change nothing: no audit entry, no event.
    await patch(deal.id, { title: 'Wedding cake XL' });
    expect(audits('deal.updated', deal.id)).toHaveLength(1);

    const list = async (q: string) => ((await (await t.request(`/api/v1/deals?${q}`, { cookie: owner })).json()).data as { id: string }[]).map((d) => d.id);
    expect(await list('')).toEqual([deal.id, yen.id]); // updatedAt desc
    expect(await list('kind=order&q=cake')).toEqual([deal.id]);
    expect(await list('q=ORD-')).toEqual([deal.id]);
    expect(await list('q=%25')).toEqual([]); // LIKE wildcards are literal
    expect(await list('contactId=ct_ana')).toEqual([deal.id]);
    // The board shows who each deal is with, without a request per card.
    const listed = (await (await t.request('/api/v1/deals?contactId=ct_ana', { cookie: owner })).json()).data;
    expect(listed[0].contact).toEqual({ id: 'ct_ana', name: 'Ana', phone: null });
    expect(await list('owner=me&open=true')).toEqual([deal.id, yen.id]);
    expect(await list('open=false')).toEqual([]);
    const first = await (await t.request('/api/v1/deals?limit=1', { cookie: owner })).json();
    expect(first.data).toHaveLength(1);
    const second = await (await t.request(`/api/v1/deals?limit=1&cursor=${first.nextCursor}`, { cookie: owner })).json();
    expect([second.data[0].id, second.nextCursor]).toEqual([yen.id, null]);

    const task = (await (await t.request('/api/v1/tasks', { cookie: owner, body: { title: 'Send the invoice', dealId: deal.id } })).json()).data;
    expect(task.dealId).toBe(deal.id);
    expect((await t.request(`/api/v1/deals/${deal.id}`, { method: 'DELETE', cookie: owner })).status).toBe(204);
    expect((await get(deal.id)).status).toBe(404);
    // The follow-up stays, unlinked: deleting the deal does not lose work.
    expect(t.db.$client.prepare('SELECT deal_id AS dealId FROM tasks WHERE id = ?').get(task.id)).toEqual({ dealId: null });
    expect(events.at(-1)).toMatchObject({ type: 'deal.deleted', contactId: 'ct_ana', data: { id: deal.id } });
    expect(audits('deal.deleted', deal.id)).toHaveLength(1);
  });

  it('answers bad input with a 400 naming the field, never a 500', async () => {
    const { t, owner, sales, create, patch } = await setup();
    const deal = (await (await create({ title: 'Ok' })).json()).data;
    const cases: [Promise<JsonResponse>, string][] = [
      [create({}), 'title'],
      [create({ title: 'x', kind: 'lead' }), 'kind'],
      [create({ title: 'x', amount: '12.345', currency: 'EUR' }), 'amount'],
      [create({ title: 'x', amount: '1e999', currency: 'EUR' }), 'amount'],
      [create({ title: 'x', amount: '123456789012345678901234567890', currency: 'EUR' }), 'amount'],
      [create({ title: 'x', amount: { v: 1 }, currency: 'EUR' }), 'amount'],
      [create({ title: 'x', amount: '10' }), 'currency'],
      [create({ title: 'x', amount: '10', currency: 'EURO' }), 'currency'],
      [create({ title: 'x', amount: '10', currency: 'XQZ' }), 'currency'],
      [create({ title: 'x', ownerId: 'usr_nobody' }), 'ownerId'],
      [create({ title: 'x', contactId: 'ct_nobody' }), 'contactId'],
      [create({ title: 'x', conversationId: 'cv_nobody' }), 'conversationId'],
      [create({ title: 'x', contactId: 'ct_bo', conversationId: 'cv_ana' }), 'conversationId'],
      [create({ title: 'x', pipelineId: 'pl_nobody' }), 'pipelineId'],
      [create({ title: 'x', stageId: 'stg_nobody' }), 'stageId'],
      [create({ title: 'x', expectedCloseAt: 'next week' }), 'expectedCloseAt'],
      [create({ title: 'x', customFields: { nope: 1 } }), 'customFields.nope'],
      [patch(deal.id, {}), 'at least one field'],
      [patch(deal.id, { pipelineId: sales.id, title: 12 }), 'title'],
      [t.request('/api/v1/deals?limit=5000', { cookie: owner }), 'limit'],
      [t.request('/api/v1/deals?cursor=garbage', { cookie: owner }), 'cursor'],
      [t.request('/api/v1/deals?owner=you', { cookie: owner }), 'owner'],
    ];
    for (const [pending, field] of cases) {
      const res = await pending;
      const body = await res.json();
      expect([res.status, body.error.message]).toEqual([400, expect.stringContaining(field)]);
    }
    const broken = await t.request('/api/v1/deals', { cookie: owner, body: '{"title": "x",' });
    expect([broken.status, (await broken.json()).error.code]).toEqual([400, 'request.invalid_json']);
    expect((await t.request('/api/v1/deals/deal_nobody', { method: 'PATCH', cookie: owner, body: { title: 'x' } })).status).toBe(404);
  });

  it('links the conversation’s contact and custom fields', async () => {
    const { t, owner, create, patch } = await setup();
    await t.request('/api/v1/custom-fields', { cookie: owner, body: { entity: 'deal', key: 'size', label: 'Size', type: 'select', options: ['S', 'M', 'L'] } });
    const deal = (await (await create({ title: 'Shirt', conversationId: 'cv_ana', customFields: { size: 'm' } })).json()).data;
    expect(deal).toMatchObject({ contactId: 'ct_ana', conversationId: 'cv_ana', customFields: { size: 'M' } });
    expect((await patch(deal.id, { contactId: 'ct_bo' })).status).toBe(400); // the chat is Ana's
    expect((await (await patch(deal.id, { contactId: 'ct_bo', conversationId: null })).json()).data).toMatchObject({ contactId: 'ct_bo', conversationId: null });
    expect((await (await patch(deal.id, { customFields: { size: null } })).json()).data.customFields).toEqual({});
  });

  it('writes stage history with time in stage, closes on won/lost and reopens on going back', async () => {
    const { t, owner, ids, sales, events, create, patch, get } = await setup();
    const deal = (await (await create({ title: 'Move me' })).json()).data;
    const move = async (name: string) => (await (await patch(deal.id, { stageId: stageOf(sales, name) })).json()).data;
    t.clock.advance(2 * HOUR);
    expect(await move('Qualified')).toMatchObject({ stage: { name: 'Qualified' }, stageEnteredAt: new Date(t.clock.now()).toISOString(), closedAt: null });
    t.clock.advance(3 * HOUR);
    const won = await move('Won');
    expect(won.closedAt).toBe(new Date(t.clock.now()).toISOString());
    expect((await (await t.request('/api/v1/deals?open=false', { cookie: owner })).json()).data.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    t.clock.advance(HOUR);
    expect((await move('Proposal')).closedAt).toBeNull();
    expect(events.filter((e) => e.type === 'deal.updated')).toHaveLength(3);
    t.clock.advance(30 * 60_000);

    const full = (await (await get(deal.id)).json()).data;
    expect(full.stageHistory).toEqual([
      { from: null, to: { id: stageOf(sales, 'New'), name: 'New', outcome: 'open' }, at: expect.any(String), msInPrevious: null, actorId: ids.owner },
      expect.objectContaining({ from: expect.objectContaining({ name: 'New' }), to: expect.objectContaining({ name: 'Qualified' }), msInPrevious: 2 * HOUR }),
      expect.objectContaining({ from: expect.objectContaining({ name: 'Qualified' }), to: expect.objectContaining({ name: 'Won' }), msInPrevious: 3 * HOUR }),
      expect.objectContaining({ from: expect.objectContaining({ name: 'Won' }), to: expect.objectContaining({ name: 'Proposal' }), msInPrevious: HOUR }),
    ]);
    expect(full.timeInStages.map((s: { stage: { name: string }; ms: number; current: boolean }) => [s.stage.name, s.ms, s.current])).toEqual([
      ['New', 2 * HOUR, false],
      ['Qualified', 3 * HOUR, false],
      ['Won', HOUR, false],
      ['Proposal', 30 * 60_000, true],
    ]);
    // Moving to the stage it is in writes nothing.
    await move('Proposal');
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM deal_stage_history WHERE deal_id = ?`).get(deal.id)).toEqual({ n: 4 });
    // Created straight into a lost stage: closed at once.
    expect((await (await create({ title: 'Lost cause', stageId: stageOf(sales, 'Lost') })).json()).data.closedAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('refuses a stage of another pipeline unless the pipeline moves with it', async () => {
    const { t, owner, sales, create, patch } = await setup();
    const support = (await (await t.request('/api/v1/pipelines', { cookie: owner, body: { name: 'Support', stages: [{ name: 'Open' }, { name: 'Solved', outcome: 'won' }] } })).json()).data as Pipeline;
    const deal = (await (await create({ title: 'Issue' })).json()).data;
    const wrong = await patch(deal.id, { stageId: stageOf(support, 'Open') });
    expect([wrong.status, (await wrong.json()).error.code]).toEqual([422, 'deals.stage_not_in_pipeline']);
    const mismatched = await patch(deal.id, { pipelineId: sales.id, stageId: stageOf(support, 'Open') });
    expect(mismatched.status).toBe(422);
    const created = await create({ title: 'x', pipelineId: sales.id, stageId: stageOf(support, 'Solved') });
    expect([created.status, (await created.json()).error.code]).toEqual([422, 'deals.stage_not_in_pipeline']);
    const noStage = await patch(deal.id, { pipelineId: support.id });
    expect([noStage.status, (await noStage.json()).error.message]).toEqual([400, expect.stringContaining('stageId')]);

    const moved = await patch(deal.id, { pipelineId: support.id, stageId: stageOf(support, 'Solved') });
    expect((await moved.json()).data).toMatchObject({ pipelineId: support.id, stage: { name: 'Solved', outcome: 'won' }, closedAt: expect.any(String) });
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM deal_stage_history WHERE deal_id = ?`).get(deal.id)).toEqual({ n: 2 });
  });

  it('shows agents their own, unowned and visible-conversation deals; the rest is 404', async () => {
    const { t, owner, agent, other, ids, create, patch, get } = await setup();
    const mine = (await (await create({ title: 'Mine' }, agent)).json()).data;
    const unowned = (await (await create({ title: 'Unowned', ownerId: null })).json()).data;
    const inMyChat = (await (await create({ title: 'In my chat', ownerId: ids.other, conversationId: 'cv_ana' })).json()).data;
    const hidden = (await (await create({ title: 'Hidden', ownerId: ids.other, conversationId: 'cv_bo' })).json()).data;
    expect(mine.ownerId).toBe(ids.agent);
    expect(unowned.ownerId).toBeNull();

    const titles = async (cookie: string) => ((await (await t.request('/api/v1/deals', { cookie })).json()).data as { title: string }[]).map((d) => d.title).sort();
    expect(await titles(agent)).toEqual(['In my chat', 'Mine', 'Unowned']);
    expect(await titles(owner)).toEqual(['Hidden', 'In my chat', 'Mine', 'Unowned']);
    expect(await titles(other)).toEqual(['Hidden', 'In my chat', 'Unowned']);
    const counts = async (cookie: string) => ((await (await t.request('/api/v1/pipelines', { cookie })).json()).data[0].stages[0].dealCount as number);
    expect([await counts(agent), await counts(owner)]).toEqual([3, 4]);

    for (const res of [await get(hidden.id, agent), await patch(hidden.id, { title: 'x' }, agent), await t.request(`/api/v1/deals/${hidden.id}`, { method: 'DELETE', cookie: agent })]) {
      expect([res.status, (await res.json()).error.code]).toEqual([404, 'deals.not_found']);
    }
    expect((await get(inMyChat.id, agent)).status).toBe(200);
    // An agent cannot link a deal to a chat they cannot see.
    expect((await create({ title: 'Sneaky', conversationId: 'cv_bo' }, agent)).status).toBe(400);
    // Deleting: the deal's owner, owners and admins only.
    const denied = await t.request(`/api/v1/deals/${inMyChat.id}`, { method: 'DELETE', cookie: agent });
    expect([denied.status, (await denied.json()).error.code]).toEqual([403, 'deals.delete_forbidden']);
    expect((await t.request(`/api/v1/deals/${mine.id}`, { method: 'DELETE', cookie: agent })).status).toBe(204);
  });

  it('shows the tasks linked to a deal', async () => {
    const { t, agent, create, get } = await setup();
    const deal = (await (await create({ title: 'With tasks', conversationId: 'cv_ana' }, agent)).json()).data;
    const other = (await (await create({ title: 'Without' }, agent)).json()).data;
    const task = await t.request('/api/v1/tasks', { cookie: agent, body: { title: 'Send the quote', dealId: deal.id } });
    expect(task.status).toBe(201);
    await t.request('/api/v1/tasks', { cookie: agent, body: { title: 'Unrelated' } });
    const full = (await (await get(deal.id, agent)).json()).data;
    expect(full.tasks).toEqual([expect.objectContaining({ title: 'Send the quote', dealId: deal.id, contactId: 'ct_ana' })]);
    expect((await (await get(other.id, agent)).json()).data.tasks).toEqual([]);
  });
});
