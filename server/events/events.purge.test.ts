import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { EVENT_KEEP_DAYS, purgeOldEvents, registerEventPurge, EVENTS_PURGE_QUEUE } from './events.purge.js';

const DAY = 86_400_000;

function setup() {
  const t = createTestContext();
  const handed: number[] = [];
  let paused = false;
  t.deps.outbox.register({ name: 'test', wants: () => true, handle: (events) => {
    if (paused) throw new Error('consumer down');
    handed.push(...events.map((e) => e.id));
  } });
  const emit = (daysAgo: number) =>
    t.db.$client.transaction(() => t.deps.outbox.emit({ type: 'deal.created', dealId: 'd', data: { note: 'x'.repeat(200) } }, t.clock.now() - daysAgo * DAY))();
  const ids = () => t.db.$client.prepare('SELECT id FROM domain_events ORDER BY id').pluck().all() as number[];
  return { t, handed, emit, ids, pause: (p: boolean) => (paused = p) };
}

describe('outbox event purge', () => {
  it('deletes events older than the delivery log keeps, once every consumer has read them', async () => {
    const { t, emit, ids, pause } = setup();
    for (const age of [90, 45, EVENT_KEEP_DAYS + 1, EVENT_KEEP_DAYS - 1, 2]) emit(age);
    t.deps.outbox.fanOut();
    pause(true);
    emit(60); // old, but not handed out yet (a consumer is failing): kept, and so is all after it
    expect(() => t.deps.outbox.fanOut()).toThrow('consumer down');
    const before = ids();
    expect(await purgeOldEvents(t.deps, { batchSize: 2 })).toEqual({ deleted: 3, interrupted: false });
    expect(ids()).toEqual(before.slice(3));
    pause(false);
    t.deps.outbox.fanOut();
    // Read now; the one 60 days old is still behind a young one, which stays: ids grow with time in practice.
    expect(await purgeOldEvents(t.deps)).toEqual({ deleted: 0, interrupted: false });
    t.clock.advance(EVENT_KEEP_DAYS * DAY);
    expect(await purgeOldEvents(t.deps)).toEqual({ deleted: 3, interrupted: false });
    expect(ids()).toEqual([]);
  });

  it('runs as a registered job the daily schedule enqueues', async () => {
    const { t, emit, ids } = setup();
    emit(40);
    emit(1);
    t.deps.outbox.fanOut();
    registerEventPurge(t.deps);
    const id = t.deps.jobs.enqueue(EVENTS_PURGE_QUEUE, {})!;
    t.deps.worker.start();
    for (let i = 0; i < 200 && t.deps.jobs.get(id)!.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
    await t.deps.worker.stop({ timeoutMs: 100 });
    expect(t.deps.jobs.get(id)!.state).toBe('done');
    expect(ids()).toHaveLength(1);
  });
});
