import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { wakeSnoozed } from '../inbox/conversations.repository.js';
import { remindTaskJob, TASK_REMINDER_QUEUE } from '../tasks/tasks.usecases.js';
import { notifyUserJob, PUSH_USER_QUEUE, type PushToUser } from '../push/push.usecases.js';
import { indexPendingMessages, SEARCH_INDEX_QUEUE } from '../search/search.repository.js';

const DAY = 24 * 60 * 60 * 1000;
const INDEX_ROUNDS_PER_JOB = 10;

/** Housekeeping on a timer, each run a durable job. */
export const SYSTEM_SCHEDULES: readonly Schedule[] = [
  // Checkpoints off the request path: SQLite's automatic ones stall the committing request.
  { name: 'system.wal-checkpoint', cron: '* * * * *', queue: 'system.wal-checkpoint' },
  { name: 'jobs.purge-done', cron: '7 * * * *', queue: 'jobs.purge-done' },
  { name: 'auth.purge-sessions', cron: '23 3 * * *', queue: 'auth.purge-sessions' },
  { name: 'inbox.wake-snoozed', cron: '* * * * *', queue: 'inbox.wake-snoozed' },
  // Query plans need table statistics; SQLite gathers them only when asked (bounded by analysis_limit).
  { name: 'system.optimize', cron: '37 * * * *', queue: 'system.optimize' },
  // A safety net: processing and sends queue an index run themselves.
  { name: 'search.index', cron: '* * * * *', queue: 'search.index' },
];

/** Registers the handlers of the housekeeping queues. */
export function registerSystemJobs(deps: AppDeps): void {
  deps.worker.register('system.wal-checkpoint', () => {
    deps.db.$client.pragma('wal_checkpoint(PASSIVE)');
  });
  deps.worker.register('system.optimize', () => {
    optimizeDatabase(deps.db);
  });
  deps.worker.register('jobs.purge-done', () => {
    const removed = deps.jobs.purgeDone(deps.clock.now() - DAY);
    if (removed) deps.logger.info('jobs: purged finished jobs', { removed });
  });
  deps.worker.register('auth.purge-sessions', () => {
    deps.sessions.purgeExpired();
  });
  // A batch queue: claim, indexing and completion share one transaction. As a plain job, a process killed
  // while indexing a backlog (the index catching up after a webhook flood) left the job leased to a dead
  // worker for a minute; now the claim rolls back with the work and the next boot indexes at once.
  // Every pending index job is the same request ("index what is new"): one run serves them all.
  deps.worker.registerBatch(
    SEARCH_INDEX_QUEUE,
    () => {
      // A bounded share per job (one transaction); a backlog goes on in the next job, committed apart.
      let left = true;
      for (let round = 0; round < INDEX_ROUNDS_PER_JOB && left; round++) left = indexPendingMessages(deps.db) > 0;
      if (left) {
        deps.jobs.enqueue(SEARCH_INDEX_QUEUE, {}, { idempotencyKey: `more@${deps.clock.now()}`, maxAttempts: 5 });
        deps.notify(SEARCH_INDEX_QUEUE);
      }
      return new Map();
    },
    { concurrency: 20 },
  );
  deps.worker.register<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, (p) => void remindTaskJob(deps, p));
  deps.worker.register<PushToUser>(PUSH_USER_QUEUE, (p) => notifyUserJob(deps, p), { concurrency: 4, leaseMs: 60_000 });
  deps.worker.register('inbox.wake-snoozed', () => {
    for (const id of wakeSnoozed(deps.db, deps.clock.now())) deps.bus.publish({ type: 'conversation.updated', conversationId: id, data: { id } });
  });
}

/**
 * Refreshes the statistics the query planner uses (`sqlite_stat1`) for every table that needs it. Without
 * them SQLite guesses, and on a large inbox some lists pick a worse index. analysis_limit samples each
 * index instead of reading it whole, so this takes milliseconds even with a million messages.
 */
export function optimizeDatabase(db: AppDeps['db']): void {
  db.$client.pragma('analysis_limit = 400');
  db.$client.pragma('optimize = 0x10002');
}
