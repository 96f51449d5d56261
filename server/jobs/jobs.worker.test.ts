import { afterEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createJobStore } from './jobs.store.js';
import { createWorker, PermanentJobError, RetryLaterError, type Worker } from './jobs.worker.js';

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 50 })));
});

function setup() {
  const db = openTestDb();
  const clock = manualClock();
  const store = createJobStore(db, clock);
  // random() = 1 makes backoff the full step: 1 s, 2 s, 4 s…
  const worker = createWorker({ store, clock, logger: silentLogger, pollMs: 5, random: () => 1 });
  workers.push(worker);
  return { db, clock, store, worker };
}

async function until(check: () => boolean, timeoutMs = 3_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('worker', () => {
  it('runs each queued job once and marks it done', async () => {
    const { store, worker } = setup();
    const seen: number[] = [];
    worker.register<{ n: number }>('demo.count', (p) => void seen.push(p.n), { concurrency: 4 });
    for (let n = 0; n < 50; n++) store.enqueue('demo.count', { n });
    worker.start();
    await until(() => store.counts().some((c) => c.state === 'done' && c.count === 50));
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });

  it('never runs more than the queue concurrency at once', async () => {
    const { store, worker } = setup();
    let running = 0;
    let peak = 0;
    worker.register(
      'demo.slow',
      async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 20; i++) store.enqueue('demo.slow', {});
    worker.start();
    await until(() => store.counts().some((c) => c.state === 'done' && c.count === 20));
    expect(peak).toBe(3);
  });

  it('retries a failing job on the backoff schedule, then succeeds', async () => {
    const { store, worker, clock } = setup();
    let calls = 0;
    worker.register('demo.flaky', () => {
      if (++calls < 3) throw new Error(`transient ${calls}`);
    });
    const id = store.enqueue('demo.flaky', {})!;
    const t0 = clock.now();
    worker.start();
    await until(() => calls === 1 && store.get(id)!.state === 'queued');
    expect(store.get(id)).toMatchObject({ runAt: t0 + 1_000, lastError: 'Error: transient 1' });

    clock.advance(1_000);
    await until(() => calls === 2 && store.get(id)!.state === 'queued');
    expect(store.get(id)!.runAt).toBe(t0 + 1_000 + 2_000);

    clock.advance(2_000);
    await until(() => store.get(id)!.state === 'done');
    expect(calls).toBe(3);
  });

  it('marks a job dead after max attempts, and at once for a permanent error', async () => {
    const { store, worker, clock } = setup();
    worker.register('demo.always', () => {
      throw new Error('still broken');
    });
    worker.register('demo.permanent', () => {
      throw new PermanentJobError('recipient is not on WhatsApp');
    });
    const always = store.enqueue('demo.always', {}, { maxAttempts: 3 })!;
    const permanent = store.enqueue('demo.permanent', {}, { maxAttempts: 3 })!;
    worker.start();
    for (let i = 0; i < 3; i++) {
      await until(() => store.get(always)!.attempts === i + 1 && store.get(always)!.state !== 'running');
      clock.advance(60_000);
      worker.notify();
    }
    expect(store.get(always)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'Error: still broken' });
    expect(store.get(permanent)).toMatchObject({ state: 'dead', attempts: 1, lastError: 'PermanentJobError: recipient is not on WhatsApp' });
  });

  it('waits on RetryLaterError without spending attempts', async () => {
    const { store, worker, clock } = setup();
    let calls = 0;
    worker.register('demo.rate-limited', () => {
      if (++calls === 1) throw new RetryLaterError(6_000);
    });
    const id = store.enqueue('demo.rate-limited', {}, { maxAttempts: 1 })!;
    worker.start();
    await until(() => calls === 1 && store.get(id)!.state === 'queued');
    expect(store.get(id)).toMatchObject({ attempts: 0, runAt: clock.now() + 6_000 });
    clock.advance(6_000);
    await until(() => store.get(id)!.state === 'done');
  });

  it('buries a job whose lease keeps expiring (its worker crashes every time)', async () => {
    const { store, worker, clock } = setup();
    const id = store.enqueue('demo.crashy', {}, { maxAttempts: 2 })!;
    store.claim('demo.crashy', 1, 1_000); // run 1: worker died
    clock.advance(1_001);
    store.claim('demo.crashy', 1, 1_000); // run 2: died again
    clock.advance(1_001);
    let ran = false;
    worker.register('demo.crashy', () => void (ran = true));
    worker.start();
    await until(() => store.get(id)!.state === 'dead');
    expect(ran).toBe(false);
    expect(store.get(id)!.lastError).toMatch(/lease expired/);
  });

  it('drains on shutdown: running jobs finish, nothing new starts', async () => {
    const { store, worker } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started: number[] = [];
    worker.register<{ n: number }>('demo.drain', async (p) => {
      started.push(p.n);
      await gate;
    });
    const first = store.enqueue('demo.drain', { n: 1 })!;
    const second = store.enqueue('demo.drain', { n: 2 })!;
    worker.start();
    await until(() => started.length === 1);
    const stopping = worker.stop({ timeoutMs: 2_000 });
    setTimeout(release, 20);
    await stopping;
    expect(store.get(first)!.state).toBe('done');
    expect(store.get(second)!.state).toBe('queued');
    expect(started).toEqual([1]);
  });

  it('gives unfinished jobs back at the drain deadline so the next start runs them at once', async () => {
    const { store, worker, clock } = setup();
    let aborted = false;
    worker.register('demo.stuck', (_p, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve()))));
    const id = store.enqueue('demo.stuck', {})!;
    worker.start();
    await until(() => store.get(id)!.state === 'running');
    await worker.stop({ timeoutMs: 30 });
    expect(aborted).toBe(true);
    expect(store.get(id)).toMatchObject({ state: 'queued', attempts: 0, runAt: clock.now() });
  });

  it('hands batch queues many jobs at once and retries only the failed ones', async () => {
    const { store, worker } = setup();
    const batches: number[][] = [];
    worker.registerBatch<{ n: number }>(
      'demo.batch',
      (jobs) => {
        batches.push(jobs.map((j) => j.payload.n));
        const bad = jobs.find((j) => j.payload.n === 3 && j.attempts === 1);
        return new Map(bad ? [[bad.id, new Error('n=3 fails once')]] : []);
      },
      { concurrency: 10 },
    );
    const ids = Array.from({ length: 25 }, (_, n) => store.enqueue('demo.batch', { n })!);
    worker.start();
    await until(() => ids.slice(0, 3).concat(ids.slice(4)).every((id) => store.get(id)!.state === 'done'));
    expect(batches[0]).toHaveLength(10);
    expect(batches.flat().filter((n) => n !== 3).sort((a, b) => a - b)).toEqual([...Array(25).keys()].filter((n) => n !== 3));
    expect(store.get(ids[3]!)).toMatchObject({ state: 'queued', attempts: 1, lastError: 'Error: n=3 fails once' });
  });

  it('calls the queue’s onDead hook once when a job goes dead', async () => {
    const db = openTestDb();
    const clock = manualClock();
    const store = createJobStore(db, clock);
    const worker = createWorker({ store, clock, logger: silentLogger, pollMs: 5 });
    workers.push(worker);
    const dead: unknown[] = [];
    worker.register('demo.doomed', () => {
      throw new PermanentJobError('no');
    }, { onDead: (p, error) => dead.push([p, error]) });
    const id = store.enqueue('demo.doomed', { messageId: 'msg_1' })!;
    worker.start();
    await until(() => store.get(id)!.state === 'dead');
    expect(dead).toEqual([[{ messageId: 'msg_1' }, 'PermanentJobError: no']]);
  });
});

describe('worker: shared commits', () => {
  it('writes a job outcome in the transaction that completes the job, and runs `after` once committed', async () => {
    const { db, store, worker } = setup();
    db.$client.exec('CREATE TABLE outcome (job INTEGER PRIMARY KEY, note TEXT)');
    const insert = db.$client.prepare('INSERT INTO outcome (job, note) VALUES (?, ?)');
    const after: number[] = [];
    worker.register<{ n: number }>(
      'demo.outcome',
      async (p, ctx) => {
        await new Promise((r) => setTimeout(r, 1));
        ctx.commitWith(
          () => {
            if (p.n === 3) throw new Error('this write fails');
            insert.run(ctx.job.id, `n=${p.n}`);
          },
          () => after.push(p.n),
        );
      },
      { concurrency: 5, leaseMs: 60_000 },
    );
    for (let n = 0; n < 5; n++) store.enqueue('demo.outcome', { n });
    worker.start();
    await until(() => after.length === 4);
    const rows = db.$client.prepare(`SELECT j.state, o.note FROM jobs j LEFT JOIN outcome o ON o.job = j.id ORDER BY j.id`).all();
    // Job 3's write failed: it is not done (it runs again when its lease ends), and nothing of it was kept.
    expect(rows).toEqual([
      { state: 'done', note: 'n=0' },
      { state: 'done', note: 'n=1' },
      { state: 'done', note: 'n=2' },
      { state: 'running', note: null },
      { state: 'done', note: 'n=4' },
    ]);
    expect(after.sort()).toEqual([0, 1, 2, 4]);
  });

  it('a synchronous batch handler claims, works and completes in one transaction', async () => {
    const { db, store, worker } = setup();
    db.$client.exec('CREATE TABLE work (n INTEGER)');
    const insert = db.$client.prepare('INSERT INTO work (n) VALUES (?)');
    const inTransaction: boolean[] = [];
    worker.registerBatch<{ n: number }>(
      'demo.batch',
      (jobs) => {
        inTransaction.push(db.$client.inTransaction);
        for (const j of jobs) insert.run(j.payload.n);
        return new Map(jobs.filter((j) => j.payload.n === 2).map((j) => [j.id, new Error('retry me')]));
      },
      { concurrency: 10 },
    );
    for (let n = 0; n < 4; n++) store.enqueue('demo.batch', { n });
    worker.start();
    await until(() => store.counts().some((c) => c.state === 'done' && c.count === 3));
    expect(inTransaction[0]).toBe(true);
    const states = db.$client.prepare(`SELECT state, last_error AS error FROM jobs ORDER BY id`).all();
    expect(states).toEqual([
      { state: 'done', error: null },
      { state: 'done', error: null },
      { state: 'queued', error: expect.stringContaining('retry me') },
      { state: 'done', error: null },
    ]);
  });

  it('looks again for a job given back for less than the poll interval at that time, not at the next poll', async () => {
    const db = openTestDb();
    const store = createJobStore(db, { now: () => Date.now() });
    const worker = createWorker({ store, clock: { now: () => Date.now() }, logger: silentLogger, pollMs: 10_000 });
    workers.push(worker);
    const runs: number[] = [];
    worker.register('demo.pace', () => {
      runs.push(Date.now());
      if (runs.length < 3) throw new RetryLaterError(30);
    });
    store.enqueue('demo.pace', {});
    worker.start();
    await until(() => runs.length === 3, 2_000);
    expect(runs[2]! - runs[0]!).toBeLessThan(1_000);
  });
});
