import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { migrateDb, openDb, openTestDb } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { CLAIM_SQL, createJobStore } from './jobs.store.js';

function setup() {
  const db = openTestDb();
  const clock = manualClock();
  return { db, clock, store: createJobStore(db, clock) };
}

const stateOf = (store: ReturnType<typeof createJobStore>, id: number) => store.get(id)?.state;

describe('job store', () => {
  it('enqueues inside the caller transaction and rolls back with it', () => {
    const { db, store } = setup();
    expect(() =>
      db.transaction(() => {
        store.enqueue('demo.rollback', { n: 1 });
        throw new Error('the write that caused the job failed');
      }),
    ).toThrow('the write that caused the job failed');
    expect(store.list({ limit: 10 })).toHaveLength(0);

    const id = db.transaction(() => store.enqueue('demo.commit', { n: 2 }));
    expect(id).not.toBeNull();
    expect(store.get(id!)).toMatchObject({ queue: 'demo.commit', state: 'queued', payload: '{"n":2}' });
  });

  it('dedupes on the idempotency key within a queue only', () => {
    const { store } = setup();
    const first = store.enqueue('a', { v: 1 }, { idempotencyKey: 'k1' });
    const again = store.enqueue('a', { v: 2 }, { idempotencyKey: 'k1' });
    const otherQueue = store.enqueue('b', { v: 3 }, { idempotencyKey: 'k1' });
    expect(first).toBeTypeOf('number');
    expect(again).toBeNull();
    expect(otherQueue).toBeTypeOf('number');
    expect(store.list({ queue: 'a', limit: 10 }).map((j) => j.payload)).toEqual(['{"v":1}']);
  });

  it('claims only due jobs, oldest first, and holds them for the lease', () => {
    const { store, clock } = setup();
    const later = store.enqueue('q', 'later', { runAt: clock.now() + 5_000 })!;
    clock.advance(1);
    const first = store.enqueue('q', 'first')!;
    clock.advance(1);
    const second = store.enqueue('q', 'second')!;

    const claimed = store.claim('q', 10, 30_000);
    expect(claimed.map((j) => j.id)).toEqual(expect.arrayContaining([first, second]));
    expect(claimed).toHaveLength(2);
    expect(claimed[0]!.attempts).toBe(1);
    expect(store.claim('q', 10, 30_000)).toEqual([]); // leased, and `later` not yet due

    clock.advance(5_000);
    expect(store.claim('q', 10, 30_000).map((j) => j.id)).toEqual([later]);
  });

  it('re-claims a job whose lease expired, and the old holder can no longer complete it', () => {
    const { store, clock } = setup();
    const id = store.enqueue('q', {})!;
    const [crashed] = store.claim('q', 1, 10_000);
    clock.advance(10_001);
    const [again] = store.claim('q', 1, 10_000);
    expect(again!.id).toBe(id);
    expect(again!.attempts).toBe(2);
    expect(again!.leaseToken).not.toBe(crashed!.leaseToken);
    expect(store.complete(crashed!)).toBe(false);
    expect(store.complete(again!)).toBe(true);
    expect(stateOf(store, id)).toBe('done');
  });

  it('fails to queued with the retry time, then dead after max attempts keeping the last error', () => {
    const { store, clock } = setup();
    const id = store.enqueue('q', {}, { maxAttempts: 2 })!;
    const [run1] = store.claim('q', 1, 1_000);
    expect(store.fail(run1!, 'boom 1', { retryAt: clock.now() + 500 })).toBe('queued');
    expect(store.claim('q', 1, 1_000)).toEqual([]);
    clock.advance(500);
    const [run2] = store.claim('q', 1, 1_000);
    expect(store.fail(run2!, 'boom 2', { retryAt: clock.now() + 500 })).toBe('dead');
    expect(store.get(id)).toMatchObject({ state: 'dead', attempts: 2, lastError: 'boom 2' });
    clock.advance(10_000);
    expect(store.claim('q', 1, 1_000)).toEqual([]);
  });

  it('sends a permanent failure straight to dead, and retryDead revives it', () => {
    const { store } = setup();
    const id = store.enqueue('q', {}, { maxAttempts: 5 })!;
    const [run] = store.claim('q', 1, 1_000);
    expect(store.fail(run!, 'invalid recipient', { permanent: true })).toBe('dead');
    expect(store.retryDead(id)).toBe(true);
    expect(store.get(id)).toMatchObject({ state: 'queued', attempts: 0, lastError: 'invalid recipient' });
    expect(store.retryDead(id)).toBe(false); // not dead any more
    expect(store.claim('q', 1, 1_000)).toHaveLength(1);
  });

  it('gives a job back without counting the run', () => {
    const { store, clock } = setup();
    const id = store.enqueue('q', {})!;
    const [run] = store.claim('q', 1, 1_000);
    expect(store.giveBack(run!, clock.now() + 6_000)).toBe(true);
    expect(store.get(id)).toMatchObject({ state: 'queued', attempts: 0, runAt: clock.now() + 6_000 });
  });

  it('completes a batch in one call and reports lost leases', () => {
    const { store, clock } = setup();
    for (let i = 0; i < 5; i++) store.enqueue('q', { i });
    const batch = store.claim('q', 5, 1_000);
    clock.advance(1_001);
    const stolen = store.claim('q', 1, 1_000); // one lease expired and was taken by someone else
    expect(store.completeMany(batch)).toBe(4);
    expect(store.complete(stolen[0]!)).toBe(true);
    expect(store.counts()).toEqual([{ queue: 'q', state: 'done', count: 5, oldestRunAt: null }]);
  });

  it('purges finished jobs older than the cutoff only', () => {
    const { store, clock } = setup();
    store.enqueue('q', {});
    store.completeMany(store.claim('q', 1, 1_000));
    clock.advance(10_000);
    store.enqueue('q', {});
    expect(store.purgeDone(clock.now() - 5_000)).toBe(1);
    expect(store.list({ limit: 10 })).toHaveLength(1);
  });

  it('claims through the partial index, so finished rows never slow it down', () => {
    const { db } = setup();
    const plan = db.$client
      .prepare(`EXPLAIN QUERY PLAN ${CLAIM_SQL}`)
      .all({ queue: 'q', now: 0, leaseUntil: 0, limit: 1, token: 't' }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX jobs_due_idx/);
  });

  it('never hands one job to two workers claiming at once from separate threads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-jobs-')), 'parley.db');
    const db = openDb(file);
    migrateDb(db);
    const store = createJobStore(db, { now: () => 0 });
    const total = 2_000;
    db.transaction(() => {
      for (let i = 0; i < total; i++) store.enqueue('race', { i });
    });
    db.$client.close();

    // Each thread opens its own connection and runs the store's own claim statement in a loop.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.driver);
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 10000');
      const claim = db.prepare(workerData.sql);
      // All threads start claiming together (one could otherwise drain the queue while another boots).
      const ready = new Int32Array(workerData.ready);
      Atomics.add(ready, 0, 1);
      while (Atomics.load(ready, 0) < workerData.threads) Atomics.wait(ready, 0, Atomics.load(ready, 0), 50);
      const ids = [];
      for (let n = 0; ; n++) {
        const rows = claim.all({ queue: 'race', now: 1, leaseUntil: 1e15, limit: 7, token: 'w' + workerData.w + '.' + n });
        if (rows.length === 0) break;
        for (const r of rows) ids.push(r.id);
        Atomics.wait(ready, 1, 0, 1); // a breath between claims, so the threads really interleave
      }
      db.close();
      parentPort.postMessage(ids);`;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const ready = new SharedArrayBuffer(8);
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        (w) =>
          new Promise<number[]>((resolve, reject) => {
            const t = new Thread(code, { eval: true, workerData: { file, sql: CLAIM_SQL, w, driver, ready, threads: 4 } });
            t.once('message', resolve);
            t.once('error', reject);
          }),
      ),
    );
    const all = results.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(results.filter((r) => r.length > 0).length).toBeGreaterThan(1);
  });
});
