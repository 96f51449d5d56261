import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { JobState } from '../../db/schema/jobs.js';
import type { Clock } from '../lib/clock.js';

export interface EnqueueOptions {
  /** Absolute time (epoch ms) before which the job is not run. */
  runAt?: number;
  /** Unique per queue: a second enqueue with the same key is a no-op. */
  idempotencyKey?: string;
  maxAttempts?: number;
}

export interface ClaimedJob<P = unknown> {
  id: number;
  queue: string;
  payload: P;
  /** 1 on the first run; counts runs whose lease expired too. */
  attempts: number;
  maxAttempts: number;
  leaseToken: string;
  createdAt: number;
}

export interface JobRow {
  id: number;
  queue: string;
  payload: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  idempotencyKey: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

const COLUMNS = `id, queue, payload, state, attempts, max_attempts AS maxAttempts, run_at AS runAt,
  idempotency_key AS idempotencyKey, last_error AS lastError, created_at AS createdAt, updated_at AS updatedAt`;

/**
 * The claim: one statement takes up to @limit due jobs, moves `run_at` to the lease's end and stamps a
 * fresh lease token. SQLite runs it atomically, so two workers (threads or processes) never get one job.
 * A `running` job whose lease has passed is due again: that is how a crashed worker's jobs come back.
 */
export const CLAIM_SQL = `UPDATE jobs
  SET state = 'running', lease_token = @token, run_at = @leaseUntil, attempts = attempts + 1, updated_at = @now
  WHERE id IN (
    SELECT id FROM jobs
    WHERE queue = @queue AND state IN ('queued', 'running') AND run_at <= @now
    ORDER BY run_at LIMIT @limit)
  RETURNING id, queue, payload, attempts, max_attempts AS maxAttempts, lease_token AS leaseToken, created_at AS createdAt`;

export type JobStore = ReturnType<typeof createJobStore>;

/**
 * The job table's operations, on prepared statements (this is a hot path).
 * `enqueue` runs on the one connection, so called inside `db.transaction(…)` it commits or rolls back
 * with the caller's writes.
 */
export function createJobStore(db: Db, clock: Clock) {
  const sqlite = db.$client;
  const nonce = randomBytes(6).toString('hex');
  let counter = 0;

  const insert = sqlite.prepare(
    `INSERT INTO jobs (queue, payload, state, attempts, max_attempts, run_at, idempotency_key, created_at, updated_at)
     VALUES (?, ?, 'queued', 0, ?, ?, ?, ?, ?)
     ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
  );
  const insertUnlessQueued = sqlite.prepare(
    `INSERT INTO jobs (queue, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
     SELECT ?, ?, 'queued', 0, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE queue = ? AND state IN ('queued', 'running') AND state = 'queued')`,
    // (the IN repeats jobs_due_idx's condition so SQLite uses that partial index instead of scanning)
  );
  const dropQueued = sqlite.prepare(`DELETE FROM jobs WHERE queue = ? AND state IN ('queued', 'running') AND state = 'queued'`);
  const claim = sqlite.prepare(CLAIM_SQL);
  const complete = sqlite.prepare(
    `UPDATE jobs SET state = 'done', lease_token = NULL, updated_at = ?
     WHERE id = ? AND lease_token = ? AND state = 'running'`,
  );
  const fail = sqlite.prepare(
    `UPDATE jobs SET
       state = CASE WHEN @permanent = 1 OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
       run_at = @retryAt, lease_token = NULL, last_error = @error, updated_at = @now
     WHERE id = @id AND lease_token = @token AND state = 'running'
     RETURNING state`,
  );
  // Give a job back without counting the run: shutdown, or a handler asking to wait (rate limits).
  const giveBack = sqlite.prepare(
    `UPDATE jobs SET state = 'queued', run_at = @runAt, lease_token = NULL,
       attempts = max(attempts - 1, 0), updated_at = @now
     WHERE id = @id AND lease_token = @token AND state = 'running'`,
  );
  const retryDead = sqlite.prepare(
    `UPDATE jobs SET state = 'queued', attempts = 0, run_at = @now, updated_at = @now
     WHERE id = @id AND state = 'dead'`,
  );
  const getById = sqlite.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
  // Old finished rows sit at the low ids, so scanning by id from the start finds them at once.
  const purgeDone = sqlite.prepare(`DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND updated_at < ? ORDER BY id LIMIT 5000)`);
  const counts = sqlite.prepare(
    `SELECT queue, state, count(*) AS count, min(CASE WHEN state = 'queued' THEN run_at END) AS oldestRunAt
     FROM jobs GROUP BY queue, state ORDER BY queue, state`,
  );

  const completeBatch = sqlite.transaction(
    (batch: readonly Pick<ClaimedJob, 'id' | 'leaseToken'>[], now: number, before?: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>) => boolean) => {
      let done = 0;
      for (const job of batch) if (!before || before(job)) done += complete.run(now, job.id, job.leaseToken).changes;
      return done;
    },
  );
  const atomically = sqlite.transaction((fn: () => unknown) => fn());

  return {
    /** Adds a job; returns its id, or null when the idempotency key already exists in this queue. */
    enqueue(queue: string, payload: unknown, opts: EnqueueOptions = {}): number | null {
      const now = clock.now();
      const result = insert.run(
        queue,
        JSON.stringify(payload ?? null),
        opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        opts.runAt ?? now,
        opts.idempotencyKey ?? null,
        now,
        now,
      );
      return result.changes === 1 ? Number(result.lastInsertRowid) : null;
    },

    /**
     * Adds a job unless one of this queue is already waiting to run (a running one does not count: it may
     * have read its input already). For "something changed, look again" queues. Returns whether it added one.
     */
    enqueueUnlessQueued(queue: string, payload: unknown, opts: { maxAttempts?: number } = {}): boolean {
      const now = clock.now();
      return insertUnlessQueued.run(queue, JSON.stringify(payload ?? null), opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, now, now, now, queue).changes === 1;
    },

    /** Removes the waiting (not running) jobs of a "look again" queue once their work was done otherwise. */
    dropQueued(queue: string): number {
      return dropQueued.run(queue).changes;
    },

    /** Leases up to `limit` due jobs of one queue for `leaseMs`. */
    claim<P = unknown>(queue: string, limit: number, leaseMs: number): ClaimedJob<P>[] {
      const now = clock.now();
      const token = `${nonce}.${(counter++).toString(36)}`;
      const rows = claim.all({ queue, limit, now, leaseUntil: now + leaseMs, token }) as ClaimedJob<P>[];
      // Parse in place: this runs for every job, and the row objects are ours.
      for (const r of rows) r.payload = JSON.parse(r.payload as unknown as string) as P;
      return rows;
    },

    /** Marks one job done if we still hold its lease; false means the lease was lost. */
    complete(job: Pick<ClaimedJob, 'id' | 'leaseToken'>): boolean {
      return complete.run(clock.now(), job.id, job.leaseToken).changes === 1;
    },

    /**
     * Marks many jobs done in one transaction (one fsync); returns how many were still ours. `before` runs
     * in that transaction for each job (its own last writes) and may return false to leave it undone.
     */
    completeMany(batch: readonly Pick<ClaimedJob, 'id' | 'leaseToken'>[], before?: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>) => boolean): number {
      return batch.length === 0 ? 0 : completeBatch.immediate(batch, clock.now(), before);
    },

    /** Runs `fn` in one write transaction (a savepoint when already in one): many small writes, one fsync. */
    atomically<T>(fn: () => T): T {
      return atomically.immediate(fn) as T;
    },

    /**
     * Records a failed run: back to `queued` at `retryAt`, or `dead` when attempts are spent or the
     * failure is permanent. Returns the new state, or null if the lease was lost meanwhile.
     */
    fail(job: Pick<ClaimedJob, 'id' | 'leaseToken'>, error: string, opts: { retryAt?: number; permanent?: boolean } = {}) {
      const now = clock.now();
      const row = fail.get({
        id: job.id,
        token: job.leaseToken,
        error,
        permanent: opts.permanent ? 1 : 0,
        retryAt: opts.retryAt ?? now,
        now,
      }) as { state: 'queued' | 'dead' } | undefined;
      return row?.state ?? null;
    },

    /** Returns a claimed job to the queue at `runAt` without counting the run. */
    giveBack(job: Pick<ClaimedJob, 'id' | 'leaseToken'>, runAt = clock.now()): boolean {
      return giveBack.run({ id: job.id, token: job.leaseToken, runAt, now: clock.now() }).changes === 1;
    },

    /** Puts a dead job back in its queue with a fresh attempt budget; false if it is not dead. */
    retryDead(id: number): boolean {
      return retryDead.run({ id, now: clock.now() }).changes === 1;
    },

    get(id: number): JobRow | null {
      return (getById.get(id) as JobRow | undefined) ?? null;
    },

    /** Jobs newest first, filtered by state and queue, paged by id. */
    list(filter: { state?: JobState; queue?: string; beforeId?: number; limit: number }): JobRow[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.state) (where.push('state = ?'), params.push(filter.state));
      if (filter.queue) (where.push('queue = ?'), params.push(filter.queue));
      if (filter.beforeId) (where.push('id < ?'), params.push(filter.beforeId));
      const sql = `SELECT ${COLUMNS} FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      return sqlite.prepare(sql).all(...params, filter.limit) as JobRow[];
    },

    /** Deletes finished jobs last touched before `before`; returns how many. */
    purgeDone(before: number): number {
      let total = 0;
      for (let n = -1; n !== 0; total += n) n = purgeDone.run(before).changes;
      return total;
    },

    /** Rows per (queue, state), with the oldest due time of queued jobs. */
    counts() {
      return counts.all() as { queue: string; state: JobState; count: number; oldestRunAt: number | null }[];
    },
  };
}
