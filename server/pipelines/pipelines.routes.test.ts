import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

type Stage = { id: string; name: string; outcome: string; dealCount: number; totals: { currency: string; amount: string }[] };
type Pipeline = { id: string; name: string; stages: Stage[] };

async function setup() {
  const t = createTestContext();
  const owner = await t.signIn('owner');
  const agent = await t.signIn('agent');
  const list = async (cookie = owner.cookie) => (await (await t.request('/api/v1/pipelines', { cookie })).json()).data as Pipeline[];
  const audits = (action: string) => (t.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = ?`).get(action) as { n: number }).n;
  return { t, owner: owner.cookie, agent: agent.cookie, list, audits };
}

describe('pipelines', () => {
  it('creates the default Sales pipeline on first read, once', async () => {
    const { t, agent, list, audits } = await setup();
    const [sales, ...rest] = await list(agent);
    expect(rest).toEqual([]);
    expect(sales!.name).toBe('Sales');
    expect(sales!.stages.map((s) => [s.name, s.outcome])).toEqual([
      ['New', 'open'],
      ['Qualified', 'open'],
      ['Proposal', 'open'],
      ['Won', 'won'],
      ['Lost', 'lost'],
    ]);
    expect((await list(agent))[0]!.id).toBe(sales!.id);
    expect(audits('pipeline.created')).toBe(1);
    expect((await t.request('/api/v1/pipelines')).status).toBe(401);
  });

  it('creates the default pipeline for the first deal too', async () => {
    const { t, agent, list } = await setup();
    const res = await t.request('/api/v1/deals', { cookie: agent, body: { title: 'First deal' } });
    expect(res.status).toBe(201);
    const deal = (await res.json()).data;
    const [sales, ...rest] = await list(agent);
    expect([sales!.name, rest]).toEqual(['Sales', []]);
    expect(deal).toMatchObject({ pipelineId: sales!.id, stage: { id: sales!.stages[0]!.id, name: 'New', outcome: 'open' } });
  });

  it('creates pipelines (owners/admins only) with validated stages', async () => {
    const { t, owner, agent, list, audits } = await setup();
    const create = (body: unknown, cookie = owner) => t.request('/api/v1/pipelines', { cookie, body });
    const res = await create({ name: 'Repairs', stages: [{ name: 'Received' }, { name: 'Fixing' }, { name: 'Returned', outcome: 'won' }] });
    expect(res.status).toBe(201);
    const repairs = (await res.json()).data as Pipeline;
    expect(repairs.stages.map((s) => s.outcome)).toEqual(['open', 'open', 'won']);
    expect(audits('pipeline.created')).toBe(1);

    expect((await create({ name: 'Other', stages: [{ name: 'A' }] }, agent)).status).toBe(403);
    const bad = async (body: unknown, field: string) => {
      const r = await create(body);
      expect(r.status).toBe(400);
      expect((await r.json()).error.message).toContain(field);
    };
    await bad({ name: 'X', stages: [] }, 'stages');
    await bad({ name: 'X', stages: [{ name: 'Done', outcome: 'won' }] }, 'stages: needs at least one open stage');
    await bad({ name: 'X', stages: [{ name: 'A' }, { name: 'a' }] }, 'stages');
    await bad({ name: '', stages: [{ name: 'A' }] }, 'name');
    await bad({ name: 'X', stages: [{ name: 'A', outcome: 'maybe' }] }, 'stages.0.outcome');
    expect((await (await create('{"name": ')).json()).error.code).toBe('request.invalid_json');
    const dup = await create({ name: 'repairs', stages: [{ name: 'A' }] });
    expect([dup.status, (await dup.json()).error.code]).toEqual([409, 'pipelines.exists']);
    expect((await list()).map((p) => p.name)).toEqual(['Repairs']); // no default when one exists
  });

  it('renames, reorders, adds and removes stages; a stage with deals cannot go', async () => {
    const { t, owner, agent, list, audits } = await setup();
    const [sales] = await list();
    const [neu, qualified, proposal, won, lost] = sales!.stages;
    const patch = (body: unknown, cookie = owner) => t.request(`/api/v1/pipelines/${sales!.id}`, { method: 'PATCH', cookie, body });
    expect((await patch({ name: 'Nope' }, agent)).status).toBe(403);

    const res = await patch({
      name: 'Sales B2B',
      stages: [{ id: qualified!.id, name: 'Qualified lead' }, { id: neu!.id, name: 'New' }, { name: 'Negotiation' }, { id: won!.id, name: 'Won' }, { id: lost!.id, name: 'Lost' }],
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()).data as Pipeline;
    expect(updated.name).toBe('Sales B2B');
    expect(updated.stages.map((s) => [s.name, s.outcome])).toEqual([
      ['Qualified lead', 'open'],
      ['New', 'open'],
      ['Negotiation', 'open'],
      ['Won', 'won'], // outcome kept when left out
      ['Lost', 'lost'],
    ]);
    expect(updated.stages.map((s) => s.id)).not.toContain(proposal!.id);
    expect(audits('pipeline.updated')).toBe(1);

    // A deal in "New" pins it.
    const deal = (await (await t.request('/api/v1/deals', { cookie: owner, body: { title: 'Pinned', stageId: neu!.id } })).json()).data;
    const removeNew = await patch({ stages: updated.stages.filter((s) => s.id !== neu!.id).map(({ id, name }) => ({ id, name })) });
    expect([removeNew.status, (await removeNew.json()).error.code]).toEqual([409, 'pipelines.stage_in_use']);
    expect((await list())[0]!.stages).toHaveLength(5);
    expect((await list())[0]!.stages.find((s) => s.id === neu!.id)!.dealCount).toBe(1);

    const bad = async (body: unknown, message: string) => {
      const r = await patch(body);
      expect(r.status).toBe(400);
      expect((await r.json()).error.message).toContain(message);
    };
    await bad({ stages: [{ id: 'stg_other', name: 'X' }] }, 'stages.0.id');
    await bad({ stages: [{ id: neu!.id, name: 'A' }, { id: neu!.id, name: 'B' }] }, 'stages.1.id');
    await bad({ stages: [{ id: neu!.id, name: 'New', outcome: 'won' }] }, 'open stage');
    await bad({}, 'give name or stages');

    // Turning the deal's stage into a won stage closes it; back to open reopens it.
    const all = (await list())[0]!.stages.map(({ id, name, outcome }) => ({ id, name, outcome }));
    await patch({ stages: all.map((s) => (s.id === neu!.id ? { ...s, outcome: 'won' } : s)) });
    expect((await (await t.request(`/api/v1/deals/${deal.id}`, { cookie: owner })).json()).data.closedAt).toBe(new Date(t.clock.now()).toISOString());
    await patch({ stages: all });
    expect((await (await t.request(`/api/v1/deals/${deal.id}`, { cookie: owner })).json()).data.closedAt).toBeNull();
    expect((await t.request('/api/v1/pipelines/pl_nope', { method: 'PATCH', cookie: owner, body: { name: 'X' } })).status).toBe(404);
  });

  it('deletes an empty pipeline, not one with deals, nor the last one', async () => {
    const { t, owner, agent, list, audits } = await setup();
    const [sales] = await list();
    const del = (id: string, cookie = owner) => t.request(`/api/v1/pipelines/${id}`, { method: 'DELETE', cookie });
    const last = await del(sales!.id);
    expect([last.status, (await last.json()).error.code]).toEqual([409, 'pipelines.last_pipeline']);

    const other = (await (await t.request('/api/v1/pipelines', { cookie: owner, body: { name: 'Support', stages: [{ name: 'Open' }, { name: 'Solved', outcome: 'won' }] } })).json()).data as Pipeline;
    const deal = (await (await t.request('/api/v1/deals', { cookie: owner, body: { title: 'Ticket', kind: 'case', pipelineId: other.id } })).json()).data;
    expect(deal.stageId).toBe(other.stages[0]!.id);
    const busy = await del(other.id);
    expect([busy.status, (await busy.json()).error.code]).toEqual([409, 'pipelines.in_use']);
    expect((await del(other.id, agent)).status).toBe(403);

    expect((await t.request(`/api/v1/deals/${deal.id}`, { method: 'DELETE', cookie: owner })).status).toBe(204);
    expect((await del(other.id)).status).toBe(204);
    expect((await list()).map((p) => p.name)).toEqual(['Sales']);
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM pipeline_stages WHERE pipeline_id = ?`).get(other.id)).toEqual({ n: 0 });
    expect(audits('pipeline.deleted')).toBe(1);
    expect((await del(other.id)).status).toBe(404);
  });

  it('sums open deals per stage by currency', async () => {
    const { t, owner, list } = await setup();
    const [sales] = await list();
    const deal = (body: object) => t.request('/api/v1/deals', { cookie: owner, body: { title: 'D', ...body } });
    await deal({ amount: '100.10', currency: 'EUR' });
    await deal({ amount: 50, currency: 'eur' });
    await deal({ amount: '5000', currency: 'JPY' });
    await deal({});
    await deal({ amount: '1', currency: 'EUR', stageId: sales!.stages[3]!.id });
    const stages = (await list())[0]!.stages;
    expect(stages[0]).toMatchObject({ dealCount: 4, totals: [{ currency: 'EUR', amount: '150.10' }, { currency: 'JPY', amount: '5000' }] });
    expect(stages[1]).toMatchObject({ dealCount: 0, totals: [] });
    expect(stages[3]).toMatchObject({ dealCount: 1, totals: [{ currency: 'EUR', amount: '1.00' }] });
  });
});
