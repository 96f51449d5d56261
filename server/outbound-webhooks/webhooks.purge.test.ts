import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { DELIVERY_KEEP_DAYS, purgeOldDeliveries, WEBHOOK_SCHEDULES, WEBHOOKS_PURGE_QUEUE } from './webhooks.purge.js';

const DAY = 86_400_000;

describe('webhook delivery log purge', () => {
  it('deletes delivered and given-up deliveries older than 30 days, 500 per transaction; pending and recent ones stay', async () => {
    const t = createTestContext();
    const now = t.clock.now();
    const insert = t.db.$client.prepare(`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, state, attempts, created_at) VALUES (?, ?, 1, 'message.received', ?, 1, ?)`);
    const old = now - DELIVERY_KEEP_DAYS * DAY - 1;
    t.db.$client.transaction(() => {
      insert.run('whd_a_delivered_old', 'whk_a', 'delivered', old);
      insert.run('whd_a_failed_old', 'whk_a', 'failed', old - DAY);
      insert.run('whd_a_pending_old', 'whk_a', 'pending', old - 40 * DAY);
      insert.run('whd_a_delivered_edge', 'whk_a', 'delivered', now - DELIVERY_KEEP_DAYS * DAY); // exactly 30 days: kept
      insert.run('whd_a_failed_recent', 'whk_a', 'failed', now - DAY);
      for (let i = 0; i < 1100; i++) insert.run(`whd_b_${i}`, 'whk_b', i % 2 ? 'delivered' : 'failed', old - i * 60_000);
    })();
    let pauses = 0;
    const r = await purgeOldDeliveries(t.deps, { pause: async () => void pauses++ });
    expect(r).toEqual({ deleted: 1102, interrupted: false });
    expect(pauses).toBe(2); // whk_b: 500 + 500 + 100
    const left = (t.db.$client.prepare('SELECT id FROM webhook_deliveries ORDER BY id').all() as { id: string }[]).map((d) => d.id);
    expect(left).toEqual(['whd_a_delivered_edge', 'whd_a_failed_recent', 'whd_a_pending_old']);
    // A day later the edge one is old enough too.
    t.clock.advance(DAY);
    expect(await purgeOldDeliveries(t.deps)).toEqual({ deleted: 1, interrupted: false });
  });

  it('stops between batches at shutdown, and runs daily as a scheduled job', async () => {
    const t = createTestContext();
    const insert = t.db.$client.prepare(`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, state, attempts, created_at) VALUES (?, 'whk_a', 1, 'ping', 'delivered', 1, ?)`);
    t.db.$client.transaction(() => {
      for (let i = 0; i < 5; i++) insert.run(`whd_${i}`, t.clock.now() - 40 * DAY);
    })();
    const stop = new AbortController();
    const r = await purgeOldDeliveries(t.deps, { batchSize: 2, signal: stop.signal, pause: async () => stop.abort() });
    expect(r).toEqual({ deleted: 2, interrupted: true });
    expect(WEBHOOK_SCHEDULES).toEqual([{ name: 'webhooks.purge-deliveries', cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/), queue: WEBHOOKS_PURGE_QUEUE }]);
  });
});
