import type { Logger } from '../lib/logger.js';
import type { BackoffPolicy } from './jobs.models.js';
import type { ClaimedJob } from './jobs.store.js';

/* What a job handler sees and may throw: the contract between queues and the worker. */

/** Thrown by a handler when retrying cannot help: the job goes straight to `dead`. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Thrown by a handler that must wait (a rate limit): re-run after `delayMs`, not counted as an attempt. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(readonly delayMs: number, message = `retry in ${delayMs} ms`) {
    super(message);
  }
}

/** Thrown by a handler that failed but knows when to try again (e.g. Meta's 4^X s pair-limit advice): counts as an attempt. */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  constructor(readonly retryAfterMs: number, message: string) {
    super(message);
  }
}

export interface JobContext<P> {
  job: ClaimedJob<P>;
  /** Aborted when shutdown runs out of patience; long handlers should pass it to fetch. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * Writes the job's outcome in the transaction that marks it done, shared with the other jobs finishing
   * in the same turn (one fsync for all). `write` must be synchronous; `after` runs once committed. If
   * `write` throws, the job is not done and runs again when its lease ends.
   */
  commitWith(write: () => void, after?: () => void): void;
}

/** The fields every log line about one job carries: `{ job: { id, queue, attempt } }` (JSON logs filter on them). */
export function jobLogFields(job: Pick<ClaimedJob, 'id' | 'queue' | 'attempts'>) {
  return { job: { id: job.id, queue: job.queue, attempt: job.attempts } };
}

/** A context for calling a handler outside the worker (tests, scripts): outcomes commit at once. */
export function directJobContext<P>(job: ClaimedJob<P>, logger: Logger, signal = new AbortController().signal): JobContext<P> {
  return {
    job,
    signal,
    logger: logger.child(jobLogFields(job)),
    commitWith(write, after) {
      write();
      after?.();
    },
  };
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext<P>) => unknown;

/**
 * Handles many jobs in one call (e.g. one SQLite transaction for all of them). Returns the jobs that
 * failed with their errors; every other job of the batch counts as done.
 */
export type BatchHandler<P = unknown> = (
  jobs: ClaimedJob<P>[],
  ctx: { signal: AbortSignal; logger: Logger },
) => Map<number, unknown> | Promise<Map<number, unknown>>;

export interface QueueOptions {
  /** Jobs of this queue run at once (default 1). */
  concurrency?: number;
  /** How long a claim holds a job before another worker may take it (default 60 s). */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /** Called once when a job of this queue goes dead (attempts spent, permanent error, crash loop). */
  onDead?: (payload: any, error: string) => void;
}
