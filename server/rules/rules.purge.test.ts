import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { purgeOldRuleRuns, RULE_SCHEDULES, RULES_PURGE_QUEUE, RUN_KEEP_DAYS } from './rules.purge.js';

const DAY = 86_400_000;
const MIN = 60_000;

describe('rule run log purge', () => {
  it('deletes finished runs older than 90 days but keeps each rule’s newest 1000 and every unfinished run', async () => {
    const t = createTestContext();
    const now = t.clock.now();
    const old = now - RUN_KEEP_DAYS * DAY - 1;
    const insert = t.db.$client.prepare(`INSERT INTO rule_runs (id, rule_id, event_key, event_type, event, state, created_at, updated_at) VALUES (?, ?, ?, 'message.received', '{}', ?, ?, ?)`);
    const add = (rule: string, i: number, state: string, at: number) => insert.run(`run_${rule}_${i}`, rule, `e${i}`, state, at, at);
    const states = ['done', 'skipped', 'failed', 'cancelled'];
    t.db.$client.transaction(() => {
      // Busy and old: the 200 oldest finished go; a parked (waiting) and a pending one stay whatever their age.
      for (let i = 0; i < 1200; i++) add('rule_busy', i, states[i % 4]!, old - (1200 - i) * MIN);
      add('rule_busy', 5000, 'waiting', old - 300 * DAY);
      add('rule_busy', 5001, 'pending', old - 300 * DAY);
      // Rare: all old, but fewer than 1000, so all stay.
      for (let i = 0; i < 50; i++) add('rule_rare', i, 'done', old - i * DAY);
      // Mixed: 600 recent + 500 old; the newest 1000 reach 400 into the old ones, the other 100 go.
      for (let i = 0; i < 600; i++) add('rule_mixed', i, 'done', now - 10 * DAY + i * MIN);
      for (let i = 600; i < 1100; i++) add('rule_mixed', i, 'done', old - i * MIN);
      // Lots, all recent: nothing is old enough.
      for (let i = 0; i < 1500; i++) add('rule_recent', i, 'skipped', now - DAY + i);
    })();
    const count = (rule: string) => (t.db.$client.prepare('SELECT count(*) AS n FROM rule_runs WHERE rule_id = ?').get(rule) as { n: number }).n;
    let pauses = 0;
    const r = await purgeOldRuleRuns(t.deps, { pause: async () => void pauses++ });
    expect(r).toEqual({ deleted: 300, interrupted: false });
    expect([count('rule_busy'), count('rule_rare'), count('rule_mixed'), count('rule_recent')]).toEqual([1002, 50, 1000, 1500]);
    // The ones kept are the newest: the oldest finished run left is number 200.
    const oldest = t.db.$client.prepare(`SELECT id FROM rule_runs WHERE rule_id = 'rule_busy' AND state NOT IN ('waiting', 'pending') ORDER BY created_at LIMIT 1`).get();
    expect(oldest).toEqual({ id: 'run_rule_busy_200' });
    expect(t.db.$client.prepare(`SELECT count(*) AS n FROM rule_runs WHERE state IN ('waiting', 'pending')`).get()).toEqual({ n: 2 });
    expect(pauses).toBe(0); // 200 and 100: one batch each
    expect(await purgeOldRuleRuns(t.deps)).toEqual({ deleted: 0, interrupted: false }); // nothing more until time passes

    // 90 days later the recent rule's runs are old too: it keeps its newest 1000. The others have 1000 or fewer left.
    t.clock.advance(90 * DAY);
    const again = await purgeOldRuleRuns(t.deps);
    expect(count('rule_recent')).toBe(1000);
    expect(again.deleted).toBe(500);
    expect([count('rule_busy'), count('rule_rare'), count('rule_mixed')]).toEqual([1002, 50, 1000]);
    expect(RULE_SCHEDULES).toEqual([expect.objectContaining({ queue: RULES_PURGE_QUEUE })]);
  });
});
