import { Cron } from 'croner';
import type { Logger } from '../lib/logger.js';
import type { JobStore } from './jobs.store.js';

/** A recurring job, declared as data. croner only decides *when*; the work runs as a durable job. */
export interface Schedule {
  /** Unique; part of the idempotency key. */
  name: string;
  /** Cron pattern (seconds optional), evaluated in `timezone` (default: the server's). */
  cron: string;
  queue: string;
  payload?: unknown;
  timezone?: string;
}

/**
 * Enqueues the run of `schedule` due at `at`. The key is name + scheduled time, so a restart or a second
 * timer firing for the same moment adds nothing. Returns the job id, or null when already enqueued.
 */
export function enqueueScheduledRun(store: JobStore, schedule: Schedule, at: Date): number | null {
  const slot = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
  return store.enqueue(schedule.queue, schedule.payload ?? {}, { idempotencyKey: `${schedule.name}@${slot}`, maxAttempts: 3 });
}

/** Starts a timer per schedule; `onEnqueued` lets the worker wake the queue at once. */
export function startSchedules(
  schedules: readonly Schedule[],
  deps: { store: JobStore; logger: Logger; onEnqueued?: (queue: string) => void },
) {
  const timers = schedules.map(
    (s) =>
      new Cron(s.cron, { timezone: s.timezone, protect: true }, (self: Cron) => {
        try {
          const id = enqueueScheduledRun(deps.store, s, self.currentRun() ?? new Date());
          if (id !== null) deps.onEnqueued?.(s.queue);
        } catch (err) {
          deps.logger.error('schedule: enqueue failed', { schedule: s.name, err });
        }
      }),
  );
  return {
    stop() {
      for (const t of timers) t.stop();
    },
    /** Next run of each schedule, for the admin view. */
    nextRuns() {
      return timers.map((t, i) => ({ name: schedules[i]!.name, cron: schedules[i]!.cron, nextRun: t.nextRun() }));
    },
  };
}

