import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { normalizeBusinessHours } from './teams.hours.models.js';

const LISBON = { timezone: 'Europe/Lisbon', week: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']] }, holidays: ['2026-12-25'] };

async function setup() {
  const t = createTestContext();
  const owner = await t.signIn('owner');
  const agent = await t.signIn('agent');
  const api = (path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) => t.request(`/api/v1${path}`, { cookie: owner.cookie, ...init });
  const team = (await (await api('/teams', { body: { name: 'Sales' } })).json()).data as { id: string };
  const audit = () => t.db.$client.prepare(`SELECT action, entity_type AS entityType, entity_id AS entityId, before, after FROM audit_log WHERE action LIKE '%business_hours%' OR entity_id = 'businessHours' ORDER BY id`).all() as { action: string; entityId: string; before: string | null; after: string | null }[];
  return { t, owner, agent, api, team, audit };
}

describe('business hours API', () => {
  const withWeek = (week: unknown) => ({ timezone: 'Europe/Lisbon', week });
  it.each([
    ['an unknown time zone', { timezone: 'Mars/Olympus', week: {} }, /^timezone: is not an IANA time zone/],
    ['no time zone', { week: {} }, /^timezone: is required/],
    ['25:00', withWeek({ mon: [['09:00', '25:00']] }), /^week\.mon\.0\.1: must be a time HH:MM/],
    ['9:00 without its leading zero', withWeek({ tue: [['9:00', '17:00']] }), /^week\.tue\.0\.0: must be a time HH:MM/],
    ['a range ending before it starts', withWeek({ wed: [['17:00', '09:00']] }), /^week\.wed\.0: must start before it ends/],
    ['an empty range (from = to)', withWeek({ wed: [['09:00', '09:00']] }), /^week\.wed\.0: must start before it ends/],
    ['overlapping ranges', withWeek({ thu: [['13:00', '18:00'], ['09:00', '13:30']] }), /^week\.thu\.0: 13:00–18:00 overlaps 09:00–13:30/],
    ['an unknown weekday', withWeek({ monday: [['09:00', '17:00']] }), /^week: unknown day monday/],
    ['a holiday that is not a date', { ...withWeek({}), holidays: ['25/12/2026'] }, /^holidays\.0: must be a date YYYY-MM-DD/],
    ['a holiday that does not exist', { ...withWeek({}), holidays: ['2026-12-25', '2026-02-30'] }, /^holidays\.1: is not a real date/],
    ['an unknown field', { ...withWeek({}), openNow: true }, /openNow/],
  ])('refuses %s with a 400 naming the field', async (_name, body, message) => {
    const { api } = await setup();
    for (const path of ['/settings/business-hours']) {
      const res = await api(path, { method: 'PUT', body });
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('request.invalid');
      expect(json.error.message).toMatch(message);
    }
  });

  it('validates a team override the same way', async () => {
    const { api, team } = await setup();
    const res = await api(`/teams/${team.id}/business-hours`, { method: 'PUT', body: withWeek({ fri: [['08:00', '24:01']] }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^week\.fri\.0\.1: /);
  });

  it('saves the workspace hours normalised, shows whether they are open now, and audits the change', async () => {
    const { t, api, audit } = await setup();
    expect((await (await api('/settings/business-hours')).json()).data).toEqual({ hours: null, openNow: true }); // none set: always open
    const body = {
      timezone: 'europe/lisbon',
      week: { mon: [['14:00', '18:00'], ['09:00', '12:30']], sat: [['10:00', '24:00']], sun: [] },
      holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
    };
    const res = await api('/settings/business-hours', { method: 'PUT', body });
    expect(res.status).toBe(200);
    const saved = (await res.json()).data;
    expect(saved.hours).toEqual({
      timezone: 'Europe/Lisbon',
      week: { mon: [['09:00', '12:30'], ['14:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [['10:00', '24:00']], sun: [] },
      holidays: ['2026-01-01', '2026-12-25'],
    });
    expect(saved.openNow).toBe(true); // Monday 23 Nov 2026, 09:00 in Lisbon
    t.clock.advance(4 * 3_600_000); // 13:00: lunch
    expect((await (await api('/settings/business-hours')).json()).data).toEqual({ hours: saved.hours, openNow: false });
    const [entry] = audit();
    expect(entry).toMatchObject({ action: 'settings.updated', entityId: 'businessHours', before: null });
    expect(JSON.parse(entry!.after!)).toEqual(saved.hours);
  });

  it('a team override replaces the workspace hours for that team; DELETE makes it follow the workspace again', async () => {
    const { t, api, team, audit } = await setup();
    await api('/settings/business-hours', { method: 'PUT', body: LISBON });
    let view = (await (await api(`/teams/${team.id}/business-hours`)).json()).data;
    expect(view).toMatchObject({ teamId: team.id, followsWorkspace: true, hours: null, effective: { hours: { timezone: 'Europe/Lisbon' }, openNow: true } });

    const night = { timezone: 'America/Sao_Paulo', week: { mon: [['00:00', '06:00']] } };
    const put = await api(`/teams/${team.id}/business-hours`, { method: 'PUT', body: night });
    expect(put.status).toBe(200);
    view = (await put.json()).data;
    expect(view).toMatchObject({ followsWorkspace: false, hours: { timezone: 'America/Sao_Paulo', holidays: [] }, openNow: false, effective: { openNow: false } }); // 09:00 UTC is 06:00 in São Paulo: just closed
    t.clock.advance(-30 * 60_000); // 05:30 in São Paulo: open
    expect((await (await api(`/teams/${team.id}/business-hours`)).json()).data.effective.openNow).toBe(true);
    expect((await (await api('/settings/business-hours')).json()).data.openNow).toBe(false); // 08:30 in Lisbon

    const del = await api(`/teams/${team.id}/business-hours`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await del.json()).data).toMatchObject({ followsWorkspace: true, hours: null, effective: { hours: { timezone: 'Europe/Lisbon' }, openNow: false } });
    expect(audit().map((a) => [a.action, a.entityId])).toEqual([
      ['settings.updated', 'businessHours'],
      ['team.business_hours_set', team.id],
      ['team.business_hours_cleared', team.id],
    ]);
  });

  it('deleting a team deletes its override; an unknown team is a 404; agents may not read or change hours', async () => {
    const { t, api, team, agent } = await setup();
    await api(`/teams/${team.id}/business-hours`, { method: 'PUT', body: LISBON });
    expect((await api(`/teams/${team.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM settings WHERE key LIKE 'businessHours%'`).get()).toEqual({ n: 0 });
    expect((await api(`/teams/${team.id}/business-hours`)).status).toBe(404);
    expect((await api('/teams/team_nope/business-hours', { method: 'PUT', body: LISBON })).status).toBe(404);
    expect((await api('/settings/business-hours', { cookie: agent.cookie })).status).toBe(403);
    expect((await api('/settings/business-hours', { method: 'PUT', body: LISBON, cookie: agent.cookie })).status).toBe(403);
  });
});

describe('business hours models', () => {
  it('normalises: every weekday listed, ranges in order, holidays sorted once', () => {
    expect(normalizeBusinessHours({ timezone: 'UTC', week: { fri: [['13:00', '17:00'], ['08:00', '12:00']] }, holidays: ['2027-01-01', '2026-12-31', '2027-01-01'] })).toEqual({
      timezone: 'UTC',
      week: { mon: [], tue: [], wed: [], thu: [], fri: [['08:00', '12:00'], ['13:00', '17:00']], sat: [], sun: [] },
      holidays: ['2026-12-31', '2027-01-01'],
    });
  });
});
