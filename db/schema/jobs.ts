import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const JOB_STATES = ['queued', 'running', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * The durable job table. `run_at` doubles as the lease: a claim moves it to the lease's end,
 * so a job whose worker died becomes due again by itself (as in goqite).
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    queue: text('queue').notNull(),
    payload: text('payload').notNull(),
    state: text('state', { enum: JOB_STATES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: integer('run_at').notNull(),
    leaseToken: text('lease_token'),
    idempotencyKey: text('idempotency_key'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Partial indexes keep the hot path light: a keyless enqueue touches only the table and jobs_due_idx,
    // and finished rows leave the claim index, so the claim stays a short seek however many pile up.
    uniqueIndex('jobs_queue_idempotency_unique').on(t.queue, t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
    index('jobs_due_idx').on(t.queue, t.runAt).where(sql`state IN ('queued', 'running')`),
    index('jobs_dead_idx').on(t.updatedAt).where(sql`state = 'dead'`),
  ],
);
