import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

describe('audit log', () => {
  it('records who changed what (never secret values), is readable by admins only, and cannot be rewritten', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const agent = await t.signIn('agent');
    const ch = (await (await t.request('/api/v1/channels', { cookie: admin.cookie, body: { phoneNumberId: '106540352242922', accessToken: 'EAAG-audit-token', appSecret: 'audit-secret', verifyToken: 'audit-verify' } })).json()).data;
    await t.request(`/api/v1/channels/${ch.id}`, { method: 'PATCH', cookie: admin.cookie, body: { accessToken: 'EAAG-new-secret-token' } });
    const now = t.clock.now();
    t.db.$client.prepare(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('ct_a', 'Ana', ?, ?)`).run(now, now);
    t.db.$client.prepare(`INSERT INTO conversations (id, contact_id, channel_id, created_at, updated_at) VALUES ('cv_a', 'ct_a', ?, ?, ?)`).run(ch.id, now, now);
    const agentId = (await (await t.request('/api/v1/me', { cookie: agent.cookie })).json()).data.id;
    await t.request('/api/v1/conversations/cv_a', { method: 'PATCH', cookie: agent.cookie, body: { assigneeId: agentId, status: 'pending' } });

    const log = await t.request('/api/v1/audit', { cookie: admin.cookie });
    const entries = (await log.json()).data as { action: string; actor: { id: string }; before: unknown; after: unknown; entityId: string }[];
    expect(entries.map((e) => e.action)).toEqual(['conversation.updated', 'channel.updated', 'channel.created']);
    expect(entries[0]).toMatchObject({ actor: { id: agentId }, entityId: 'cv_a', before: { status: 'open', assigneeId: null }, after: { assigneeId: agentId, status: 'pending' } });
    expect(JSON.stringify(entries)).not.toContain('EAAG');
    expect((await (await t.request('/api/v1/audit?entityType=channel', { cookie: admin.cookie })).json()).data).toHaveLength(2);
    expect((await t.request('/api/v1/audit', { cookie: agent.cookie })).status).toBe(403);

    expect(() => t.db.$client.prepare(`UPDATE audit_log SET action = 'nothing happened'`).run()).toThrow(/append-only/);
    expect(() => t.db.$client.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
  });

  it('keeps the life of a team: created, changed (before → after), deleted', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const team = (await (await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Support', keywords: ['refund'] } })).json()).data;
    await t.request('/api/v1/teams', { cookie: admin.cookie, body: { name: 'Sales' } });
    const clash = await t.request(`/api/v1/teams/${team.id}`, { method: 'PATCH', cookie: admin.cookie, body: { name: 'Sales' } });
    expect([clash.status, (await clash.json()).error.code]).toEqual([409, 'teams.exists']);
    await t.request(`/api/v1/teams/${team.id}`, { method: 'PATCH', cookie: admin.cookie, body: { name: 'Care', firstResponseMinutes: 30 } });
    await t.request(`/api/v1/teams/${team.id}`, { method: 'DELETE', cookie: admin.cookie });
    const entries = (await (await t.request(`/api/v1/audit?entityType=team&entityId=${team.id}`, { cookie: admin.cookie })).json()).data as { action: string; before: unknown; after: unknown }[];
    expect(entries.map((e) => e.action)).toEqual(['team.deleted', 'team.updated', 'team.created']);
    expect(entries[1]).toMatchObject({ before: { name: 'Support', firstResponseMinutes: null }, after: { name: 'Care', firstResponseMinutes: 30 } });
    expect(entries[0]).toMatchObject({ before: { name: 'Care' } });
  });
});
