import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

const DAY = 86_400_000;
const MIN = 60_000;

describe('reports', () => {
  it('counts volume by the viewer’s day, takes response medians per agent and team, and sums deals', async () => {
    const t = createTestContext(); // clock: 2026-11-23 09:00 UTC
    const owner = await t.signIn('owner');
    const agent = await t.signIn('agent');
    const agentId = (await (await t.request('/api/v1/me', { cookie: agent.cookie })).json()).data.id as string;
    const now = t.clock.now();
    const sqlite = t.db.$client;
    sqlite.prepare(`INSERT INTO teams (id, name, keywords, created_at) VALUES ('team_s', 'Support', '[]', ?)`).run(now);
    const msg = sqlite.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, status, timestamp, created_at, updated_at) VALUES (?, 'cv', 'ct', 'ch', ?, 'text', 'received', ?, ?, ?)`);
    let n = 0;
    const at = (ms: number, direction: 'inbound' | 'outbound') => msg.run(`m${++n}`, direction, ms, ms, ms);
    at(now, 'inbound');
    at(now - DAY, 'inbound');
    at(now - DAY, 'outbound');
    // 23:30 UTC two days ago is already the next day for a viewer at UTC+1.
    at(Date.UTC(2026, 10, 20, 23, 30), 'inbound');
    at(now - 40 * DAY, 'inbound'); // outside the default 30 days

    const cycle = sqlite.prepare(`INSERT INTO conversation_cycles (conversation_id, team_id, assignee_id, opened_at, first_response_at, resolved_at) VALUES ('cv', ?, ?, ?, ?, ?)`);
    cycle.run('team_s', agentId, now - 3 * DAY, now - 3 * DAY + 4 * MIN, now - 3 * DAY + 60 * MIN);
    cycle.run('team_s', agentId, now - 2 * DAY, now - 2 * DAY + 10 * MIN, now - 2 * DAY + 120 * MIN);
    cycle.run(null, null, now - DAY, null, now - DAY + 30 * MIN);

    sqlite.prepare(`INSERT INTO pipelines (id, name, position, created_at, updated_at) VALUES ('pl', 'Sales', 0, ?, ?)`).run(now, now);
    const stage = sqlite.prepare(`INSERT INTO pipeline_stages (id, pipeline_id, name, position, outcome, created_at) VALUES (?, 'pl', ?, ?, ?, ?)`);
    stage.run('st_new', 'New', 0, 'open', now);
    stage.run('st_won', 'Won', 1, 'won', now);
    const deal = sqlite.prepare(`INSERT INTO deals (id, title, amount_minor, currency, pipeline_id, stage_id, stage_entered_at, closed_at, created_at, updated_at) VALUES (?, 'd', ?, ?, 'pl', ?, ?, ?, ?, ?)`);
    deal.run('d1', 12_050, 'EUR', 'st_new', now, null, now, now);
    deal.run('d2', 5_000, 'EUR', 'st_won', now, now - DAY, now, now);
    deal.run('d3', 7_000, 'JPY', 'st_won', now, now - DAY, now, now);
    deal.run('d4', 9_900, 'EUR', 'st_won', now, now - 50 * DAY, now, now); // won before the range

    expect((await t.request('/api/v1/reports', { cookie: agent.cookie })).status).toBe(403);
    const r = (await (await t.request('/api/v1/reports?offset=60', { cookie: owner.cookie })).json()).data;
    expect(r).toMatchObject({ from: '2026-10-25', to: '2026-11-23' });
    expect(r.volume).toHaveLength(30);
    const day = (d: string) => r.volume.find((v: { day: string }) => v.day === d);
    expect(day('2026-11-23')).toEqual({ day: '2026-11-23', inbound: 1, outbound: 0 });
    expect(day('2026-11-22')).toEqual({ day: '2026-11-22', inbound: 1, outbound: 1 });
    expect(day('2026-11-21')).toEqual({ day: '2026-11-21', inbound: 1, outbound: 0 });
    expect(day('2026-11-20')).toEqual({ day: '2026-11-20', inbound: 0, outbound: 0 });
    expect(r.volume.reduce((s: number, v: { inbound: number }) => s + v.inbound, 0)).toBe(3);

    expect(r.responseByAgent).toEqual(expect.arrayContaining([
      { id: agentId, name: expect.any(String), resolved: 2, firstResponseMedianMinutes: 7, resolutionMedianMinutes: 90 },
      { id: null, name: null, resolved: 1, firstResponseMedianMinutes: null, resolutionMedianMinutes: 30 },
    ]));
    expect(r.responseByTeam).toEqual(expect.arrayContaining([{ id: 'team_s', name: 'Support', resolved: 2, firstResponseMedianMinutes: 7, resolutionMedianMinutes: 90 }]));
    expect(r.openByStage).toEqual([expect.objectContaining({ stageName: 'New', deals: 1, amount: '120.50', currency: 'EUR' })]);
    expect(r.wonByPipeline).toEqual(expect.arrayContaining([
      expect.objectContaining({ pipelineName: 'Sales', currency: 'EUR', deals: 1, amount: '50.00' }),
      expect.objectContaining({ pipelineName: 'Sales', currency: 'JPY', deals: 1, amount: '7000' }),
    ]));
    expect((await t.request('/api/v1/reports?from=2026-11-24&to=2026-11-01', { cookie: owner.cookie })).status).toBe(400);
    expect((await t.request('/api/v1/reports?from=2020-01-01&to=2026-11-01', { cookie: owner.cookie })).status).toBe(400);
    for (const bad of ['to=2026-13-01', 'from=2026-02-30&to=2026-03-01', 'to=tomorrow']) {
      const res = await t.request(`/api/v1/reports?${bad}`, { cookie: owner.cookie });
      expect([bad, res.status]).toEqual([bad, 400]);
    }
    // Sums past SQLite's 64-bit integers still answer (total() is a float; display needs no cent-exactness there).
    const huge = sqlite.prepare(`INSERT INTO deals (id, title, amount_minor, currency, pipeline_id, stage_id, stage_entered_at, created_at, updated_at) VALUES (?, 'big', ?, 'EUR', 'pl', 'st_new', ?, ?, ?)`);
    for (let i = 0; i < 1100; i++) huge.run(`big${i}`, Number.MAX_SAFE_INTEGER, now, now, now);
    expect((await t.request('/api/v1/reports', { cookie: owner.cookie })).status).toBe(200);
  });
});
