import type { AppDeps } from '../deps.js';
import { EVENTS_FANOUT_QUEUE, JOB_BATCHES } from './events.outbox.js';

/**
 * Registers the outbox fan-out: one job at a time reads every consumer's new events. It runs as a batch
 * handler so the claim, the consumers' work and the completion commit together (one fsync per round, not
 * three); each consumer's batch is its own savepoint inside, so one that throws keeps its cursor.
 */
export function registerEventJobs(deps: Pick<AppDeps, 'worker' | 'outbox' | 'notify' | 'jobs'>): void {
  deps.worker.registerBatch(
    EVENTS_FANOUT_QUEUE,
    () => {
      // The wake-ups run on a later tick, after this transaction has committed.
      if (deps.outbox.fanOut(JOB_BATCHES) > 0) for (const q of deps.outbox.wakes()) deps.notify(q);
      // A backlog goes on in the next job (its own commit), not in one transaction that grows without end.
      if (!deps.outbox.drained() && deps.jobs.enqueueUnlessQueued(EVENTS_FANOUT_QUEUE, {}, { maxAttempts: 10 })) deps.notify(EVENTS_FANOUT_QUEUE);
      return new Map();
    },
    { concurrency: 1 },
  );
}
