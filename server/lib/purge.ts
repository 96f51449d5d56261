import type { Db } from '../../db/client.js';
import type { Worker } from '../jobs/jobs.worker.js';
import type { Logger } from './logger.js';

export interface PurgeOptions {
  /** Rows per write transaction: small, so the one write lock is never held for long. */
  batchSize?: number;
  /** Shutdown: stop between batches (what is done stays done; the next run goes on). */
  signal?: AbortSignal;
  /** Runs between batches so requests and other jobs get the lock and the event loop; default: one turn. */
  pause?: () => Promise<void>;
}

export interface PurgeResult {
  deleted: number;
  interrupted: boolean;
}

export const PURGE_BATCH = 500;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes the rows of `table` matching `where` (SQL with `?` params; callers pass constants, never user
 * input), at most `batchSize` per IMMEDIATE transaction, yielding between batches. `where` should be
 * served by an index, or each batch scans the table again.
 */
export async function purgeInBatches(db: Db, table: string, where: string, params: readonly unknown[], opts: PurgeOptions = {}): Promise<PurgeResult> {
  const batchSize = opts.batchSize ?? PURGE_BATCH;
  const remove = db.$client.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?)`);
  const batch = db.$client.transaction(() => remove.run(...params, batchSize).changes);
  let deleted = 0;
  for (;;) {
    if (opts.signal?.aborted) return { deleted, interrupted: true };
    const n = batch.immediate();
    deleted += n;
    if (n < batchSize) return { deleted, interrupted: false };
    await (opts.pause ?? nextTurn)();
  }
}

/**
 * Registers a daily purge as a job: one run at a time, a lease long enough for a first run over years of
 * rows, stopped between batches at shutdown, and one log line saying what went.
 */
export function registerPurgeJob(deps: { worker: Pick<Worker, 'register'>; logger: Logger }, queue: string, what: string, purge: (opts: PurgeOptions) => Promise<PurgeResult>): void {
  deps.worker.register(
    queue,
    async (_payload, ctx) => {
      const r = await purge({ signal: ctx.signal });
      if (r.deleted) deps.logger.info(`purged ${what}`, { queue, ...r });
    },
    { concurrency: 1, leaseMs: 30 * 60_000 },
  );
}
