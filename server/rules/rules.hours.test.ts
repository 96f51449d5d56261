import { describe, expect, it } from 'vitest';
import { seedBuiltInRules } from './rules.defaults.js';
import { rulesSetup } from './rules.testkit.js';

const HOUR = 3_600_000;
const OUT_OF_HOURS = 'rule_builtin_out_of_hours';

describe('business hours in rules, from the saved settings', () => {
  it('the built-in out-of-hours reply answers only when the workspace is closed (evenings, holidays); a team override counts for its team', async () => {
    const k = await rulesSetup();
    seedBuiltInRules(k.t.db, k.t.clock.now());
    expect((await k.api(`/rules/${OUT_OF_HOURS}`, { method: 'PATCH', body: { enabled: true } })).status).toBe(200);
    const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]]));
    // Tuesday 24 Nov 2026 is a holiday; the clock starts on Monday 23 Nov, 09:00 in Lisbon.
    expect((await k.api('/settings/business-hours', { method: 'PUT', body: { timezone: 'Europe/Lisbon', week: weekdays, holidays: ['2026-11-24'] } })).status).toBe(200);
    const team = (await (await k.api('/teams', { body: { name: 'Night shift' } })).json()).data as { id: string };
    const teamOpen = await k.createRule({
      name: 'Night shift is open',
      trigger: { type: 'message_received' },
      conditions: { match: 'all', items: [{ field: 'businessHours', op: 'in_hours', value: team.id }] },
      actions: [{ type: 'add_tag', tag: 'night-open' }],
    });
    const replies = () => (k.t.db.$client.prepare(`SELECT text FROM messages WHERE direction = 'outbound' ORDER BY created_at`).all() as { text: string }[]).map((m) => m.text);

    await k.says('351912400001', 'Good morning'); // Monday 09:00: open
    k.pump();
    expect(replies()).toEqual([]);
    expect((await k.runs(OUT_OF_HOURS))[0]).toMatchObject({ state: 'skipped', error: 'conditions not met' });
    expect(k.tagsOf(k.conversationOf('351912400001').contact_id)).toEqual(['night-open']); // the team follows the workspace: open

    k.t.clock.advance(10 * HOUR); // Monday 19:00: closed
    await k.says('351912400001', 'Still there?');
    k.pump();
    expect(replies()).toEqual(['Thanks for writing! We are closed right now and will reply when we open.']);

    k.t.clock.advance(15 * HOUR); // Tuesday 10:00, a holiday: closed all day
    await k.says('351912400002', 'Hello?');
    k.pump();
    expect(replies()).toHaveLength(2);
    // The team has no hours of its own: it follows the workspace's, so it is closed today too.
    const contact = k.conversationOf('351912400002').contact_id;
    expect(k.tagsOf(contact)).toEqual([]);

    // The team's own hours (no holidays, open all Tuesday) count for the team condition, not the workspace's.
    expect((await k.api(`/teams/${team.id}/business-hours`, { method: 'PUT', body: { timezone: 'Europe/Lisbon', week: { tue: [['00:00', '24:00']] } } })).status).toBe(200);
    await k.says('351912400002', 'Anyone?');
    k.pump();
    expect(k.tagsOf(contact)).toEqual(['night-open']);
    expect(replies()).toHaveLength(3); // the workspace is still closed

    // Back to following the workspace: closed again.
    expect((await k.api(`/teams/${team.id}/business-hours`, { method: 'DELETE' })).status).toBe(200);
    await k.says('351912400003', 'Hi');
    k.pump();
    expect(k.tagsOf(k.conversationOf('351912400003').contact_id)).toEqual([]);
    expect((await k.runs(teamOpen.id)).map((r) => r.state).sort()).toEqual(['done', 'done', 'skipped', 'skipped', 'skipped']);
  });

  it('with no hours saved, the workspace counts as always open (the out-of-hours reply stays quiet)', async () => {
    const k = await rulesSetup();
    seedBuiltInRules(k.t.db, k.t.clock.now());
    await k.api(`/rules/${OUT_OF_HOURS}`, { method: 'PATCH', body: { enabled: true } });
    k.t.clock.advance(14 * HOUR); // 23:00
    await k.says('351912400010', 'Late question');
    k.pump();
    expect((await k.runs(OUT_OF_HOURS)).map((r) => r.state)).toEqual(['skipped']);
  });
});
