import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { backoffDelay, DEFAULT_BACKOFF, describeError, type BackoffPolicy } from './jobs.models.js';
import type { ClaimedJob, JobStore } from './jobs.store.js';
import { jobLogFields, RetryAfterError, RetryLaterError, PermanentJobError, type BatchHandler, type JobContext, type JobHandler, type QueueOptions } from './jobs.handlers.js';

export * from './jobs.handlers.js';

interface QueueState {
  name: string;
  handler: JobHandler<any> | null;
  batchHandler: BatchHandler<any> | null;
  concurrency: number;
  leaseMs: number;
  backoff: BackoffPolicy;
  onDead: ((payload: any, error: string) => void) | null;
  inflight: Map<number, { job: ClaimedJob; done: Promise<void> }>;
  timer: NodeJS.Timeout | null;
  /** A wake-up for a job given back to run soon (sooner than the next poll). */
  wake: { timer: NodeJS.Timeout; at: number } | null;
}

export interface WorkerDeps {
  store: JobStore;
  clock: Clock;
  logger: Logger;
  /** How often an idle queue looks for due jobs (enqueues also wake it through `notify`). */
  pollMs?: number;
  random?: () => number;
}

export type Worker = ReturnType<typeof createWorker>;

/**
 * Runs registered queues in this process. Claims come in batches up to the free concurrency;
 * completions are collected and written in one transaction per event-loop turn (one fsync for many jobs).
 */
export function createWorker({ store, clock, logger, pollMs = 500, random = Math.random }: WorkerDeps) {
  const queues = new Map<string, QueueState>();
  let running = false;
  let stopped = false;
  let tickScheduled = false;
  const wanting = new Set<QueueState>();
  let completed: ClaimedJob[] = [];
  // Last writes of finishing jobs, run in the completion transaction (see JobContext.commitWith).
  const outcomes = new Map<number, { write: () => void; after?: () => void }>();
  // One signal for every job: it only ever fires when shutdown runs out of patience.
  let shutdownSignal = new AbortController();

  function scheduleTick(q?: QueueState) {
    if (q) wanting.add(q);
    if (tickScheduled) return;
    tickScheduled = true;
    setImmediate(tick);
  }

  function tick() {
    tickScheduled = false;
    flushCompleted();
    if (!running) return;
    const due = [...wanting];
    wanting.clear();
    for (const q of due) pump(q);
  }

  function flushCompleted() {
    if (completed.length === 0 || stopped) return;
    const batch = completed;
    completed = [];
    const committed: (() => void)[] = [];
    const written: number[] = [];
    try {
      const kept = store.completeMany(batch, (job) => {
        const outcome = outcomes.get(job.id);
        if (!outcome) return true;
        try {
          store.atomically(outcome.write); // a savepoint: a failing write undoes only itself
        } catch (err) {
          outcomes.delete(job.id);
          logger.error('jobs: could not record a job outcome; it will run again', { job: { id: job.id }, err });
          return false;
        }
        written.push(job.id);
        if (outcome.after) committed.push(outcome.after);
        return true;
      });
      if (kept < batch.length) logger.warn('jobs: lease lost before completion', { lost: batch.length - kept });
    } catch (err) {
      // Nothing was committed: keep the jobs and their outcomes (a send's result must not be lost) and try
      // again shortly; if the process dies first, the jobs re-run when their leases end.
      logger.error('jobs: could not record completions; retrying', { err, count: batch.length });
      completed = batch.concat(completed);
      setTimeout(() => scheduleTick(), 100).unref();
      return;
    }
    for (const id of written) outcomes.delete(id);
    runAfter(committed);
  }

  function runAfter(hooks: (() => void)[]) {
    for (const after of hooks) {
      try {
        after();
      } catch (err) {
        logger.error('jobs: after-commit hook failed', { err });
      }
    }
  }

  /** A job that finished after shutdown began: its outcome is written at once (it will not be completed). */
  function writeOutcomeNow(job: ClaimedJob) {
    const outcome = outcomes.get(job.id);
    if (!outcome) return;
    outcomes.delete(job.id);
    try {
      store.atomically(outcome.write);
      runAfter(outcome.after ? [outcome.after] : []);
    } catch (err) {
      logger.error('jobs: could not record a job outcome at shutdown', { ...jobLogFields(job), err });
    }
  }

  function pump(q: QueueState) {
    if (q.batchHandler) return pumpBatch(q, q.batchHandler);
    const free = q.concurrency - q.inflight.size;
    if (free <= 0) return;
    let claimed: ClaimedJob[];
    try {
      claimed = store.claim(q.name, free, q.leaseMs);
    } catch (err) {
      logger.error('jobs: claim failed', { queue: q.name, err });
      claimed = [];
    }
    // The handlers' first synchronous writes (e.g. "sending") share one transaction: one fsync per claim.
    if (claimed.length > 1) {
      try {
        store.atomically(() => {
          for (const job of claimed) start(q, job);
        });
      } catch (err) {
        // Only the commit can fail here; the handlers already run and write again when they finish.
        logger.error('jobs: could not commit the start of claimed jobs', { queue: q.name, err });
      }
    } else for (const job of claimed) start(q, job);
    if (claimed.length < free) armPoll(q);
  }

  function armPoll(q: QueueState) {
    if (q.timer || !running) return;
    q.timer = setTimeout(() => {
      q.timer = null;
      scheduleTick(q);
    }, pollMs);
    q.timer.unref();
  }

  // Pacing and rate waits give jobs back for a few milliseconds: look again then, not at the next poll.
  function wakeIn(q: QueueState, delayMs: number) {
    if (!running) return;
    const at = performance.now() + delayMs;
    if (q.wake && q.wake.at <= at) return;
    if (q.wake) clearTimeout(q.wake.timer);
    const fire = () => {
      // Timers count from the loop's cached time, which lags a busy turn: wait out the rest, not the poll.
      const early = at - performance.now();
      if (early > 0) return void (q.wake!.timer = setTimeout(fire, Math.ceil(early))).unref();
      q.wake = null;
      scheduleTick(q);
    };
    const timer = setTimeout(fire, delayMs);
    timer.unref();
    q.wake = { timer, at };
  }

  /**
   * One batch at a time: claim up to `concurrency` jobs and hand them over together. A synchronous
   * handler runs inside the claim's transaction and its finished jobs are completed there too: claim,
   * work and completion cost one commit. An async handler's jobs complete like single jobs.
   */
  function pumpBatch(q: QueueState, handler: BatchHandler<any>) {
    if (q.inflight.size > 0) return;
    let claimed: ClaimedJob[] = [];
    let outcome: { sync: Map<number, unknown> } | { async: Promise<Map<number, unknown>> } | { threw: unknown } | null = null;
    const log = () => logger.child({ queue: q.name, batch: claimed.length });
    try {
      store.atomically(() => {
        claimed = store.claim(q.name, q.concurrency, q.leaseMs).filter((job) => !buryIfCrashLooping(q, job));
        if (claimed.length === 0) return;
        let result: ReturnType<BatchHandler<any>>;
        try {
          result = handler(claimed, { signal: shutdownSignal.signal, logger: log() });
        } catch (err) {
          outcome = { threw: err }; // the claim stands; the failures are recorded below
          return;
        }
        if (result instanceof Promise) {
          outcome = { async: result };
          return;
        }
        const failures = result;
        store.completeMany(claimed.filter((job) => !failures.has(job.id)));
        outcome = { sync: failures };
      });
    } catch (err) {
      // Nothing of the batch was committed: its jobs are due again as they were.
      logger.error('jobs: batch failed to commit', { queue: q.name, err });
      claimed = [];
      outcome = null;
    }
    if (claimed.length === 0 || outcome === null) return armPoll(q);
    const settle = (failures: Map<number, unknown> | null, err?: unknown) => {
      const l = log();
      for (const job of claimed) {
        if (!failures) settleFailure(q, job, err, l.child(jobLogFields(job)));
        else if (failures.has(job.id)) settleFailure(q, job, failures.get(job.id), l.child(jobLogFields(job)));
      }
    };
    const o = outcome as { sync: Map<number, unknown> } | { async: Promise<Map<number, unknown>> } | { threw: unknown };
    if ('sync' in o || 'threw' in o) {
      if ('sync' in o) settle(o.sync);
      else settle(null, o.threw);
      scheduleTick(q);
      return;
    }
    const run = async () => {
      try {
        const failures = await o.async;
        for (const job of claimed) if (!failures.has(job.id)) completed.push(job);
        settle(failures);
      } catch (err) {
        settle(null, err);
      } finally {
        for (const job of claimed) q.inflight.delete(job.id);
        scheduleTick(q);
      }
    };
    const done = run();
    for (const job of claimed) q.inflight.set(job.id, { job, done });
  }

  // A job whose lease expired on every run: a worker died or hung each time. Stop the loop here.
  function buryIfCrashLooping(q: QueueState, job: ClaimedJob): boolean {
    if (job.attempts <= job.maxAttempts) return false;
    const error = `lease expired on each of ${job.maxAttempts} attempts (worker crashed or hung)`;
    if (store.fail(job, error, { permanent: true }) === 'dead') notifyDead(q, job, error);
    return true;
  }

  function notifyDead(q: QueueState, job: ClaimedJob, error: string) {
    try {
      q.onDead?.(job.payload, error);
    } catch (err) {
      logger.error('jobs: onDead hook failed', { ...jobLogFields(job), err });
    }
  }

  function start(q: QueueState, job: ClaimedJob) {
    if (buryIfCrashLooping(q, job)) return;
    // Our own earlier run outlived its lease and we re-claimed the job: hand the new lease to that run
    // (it completes with this token) instead of starting a second copy.
    const running = q.inflight.get(job.id);
    if (running) {
      running.job.leaseToken = job.leaseToken;
      return;
    }
    let log: Logger | undefined;
    // Built on first use: most jobs never log, and this is the hot path.
    const jobLogger = () => (log ??= logger.child(jobLogFields(job)));
    const ctx: JobContext<unknown> = {
      job,
      signal: shutdownSignal.signal,
      get logger() {
        return jobLogger();
      },
      commitWith(write, after) {
        outcomes.set(job.id, { write, after });
      },
    };
    const run = async () => {
      try {
        await q.handler!(job.payload, ctx);
        if (stopped) writeOutcomeNow(job);
        else completed.push(job);
      } catch (err) {
        outcomes.delete(job.id);
        settleFailure(q, job, err, jobLogger());
      } finally {
        if (q.inflight.get(job.id) === entry) q.inflight.delete(job.id);
        scheduleTick(q);
      }
    };
    // Registered before the handler starts: a handler that throws synchronously still leaves the map.
    const entry = { job, done: Promise.resolve() };
    q.inflight.set(job.id, entry);
    entry.done = run();
  }

  function settleFailure(q: QueueState, job: ClaimedJob, err: unknown, log: Logger) {
    if (stopped) return;
    try {
      if (err instanceof RetryLaterError) {
        store.giveBack(job, clock.now() + err.delayMs);
        if (err.delayMs < pollMs) wakeIn(q, err.delayMs);
        return;
      }
      const permanent = err instanceof PermanentJobError;
      const delay = err instanceof RetryAfterError ? err.retryAfterMs : backoffDelay(job.attempts, q.backoff, random);
      const retryAt = clock.now() + delay;
      const state = store.fail(job, describeError(err), { retryAt, permanent });
      if (state === 'dead') {
        log.error('job dead', { err });
        notifyDead(q, job, describeError(err));
      }
      else log.warn('job failed, will retry', { err, retryAt: new Date(retryAt).toISOString() });
    } catch (dbErr) {
      log.error('jobs: could not record failure', { err: dbErr });
    }
  }

  function addQueue(name: string, handler: JobHandler<any> | null, batchHandler: BatchHandler<any> | null, opts: QueueOptions) {
    if (queues.has(name)) throw new Error(`queue ${name} registered twice`);
    queues.set(name, {
      name,
      handler,
      batchHandler,
      concurrency: Math.max(1, opts.concurrency ?? 1),
      leaseMs: opts.leaseMs ?? 60_000,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      onDead: opts.onDead ?? null,
      inflight: new Map(),
      timer: null,
      wake: null,
    });
  }

  return {
    /** Declares the handler of a queue; only registered queues are claimed. */
    register<P>(name: string, handler: JobHandler<P>, opts: QueueOptions = {}) {
      addQueue(name, handler, null, opts);
    },

    /** Declares a queue whose jobs are handled in batches of up to `concurrency` (one batch at a time). */
    registerBatch<P>(name: string, handler: BatchHandler<P>, opts: QueueOptions = {}) {
      addQueue(name, null, handler, opts);
    },

    start() {
      if (running) return;
      running = true;
      stopped = false;
      if (shutdownSignal.signal.aborted) shutdownSignal = new AbortController();
      for (const q of queues.values()) scheduleTick(q);
    },

    /** Wakes a queue (or all) now instead of at the next poll; call after committing an enqueue. */
    notify(queue?: string) {
      if (!running) return;
      if (queue === undefined) for (const q of queues.values()) scheduleTick(q);
      else {
        const q = queues.get(queue);
        if (q) scheduleTick(q);
      }
    },

    isRunning: () => running,

    /** Jobs running right now, per queue. */
    inflight(): Record<string, number> {
      return Object.fromEntries([...queues.values()].map((q) => [q.name, q.inflight.size]));
    },

    /**
     * Graceful drain: claim nothing more, let running jobs finish for up to `timeoutMs`, then abort the
     * rest and give their leases back so the next start runs them at once.
     */
    async stop({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}) {
      running = false;
      for (const q of queues.values()) {
        if (q.timer) clearTimeout(q.timer);
        if (q.wake) clearTimeout(q.wake.timer);
        q.timer = null;
        q.wake = null;
      }
      const all = () => [...queues.values()].flatMap((q) => [...q.inflight.values()]);
      let timer: NodeJS.Timeout | undefined;
      const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.allSettled(all().map((r) => r.done)), patience]);
      clearTimeout(timer);
      flushCompleted();
      const leftovers = all();
      stopped = true;
      if (leftovers.length) shutdownSignal.abort(new Error('shutting down'));
      for (const r of leftovers) store.giveBack(r.job);
      if (leftovers.length) logger.warn('jobs: gave back unfinished jobs at shutdown', { count: leftovers.length });
    },
  };
}
