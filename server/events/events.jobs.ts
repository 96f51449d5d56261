import type { AppDeps } from '../deps.js';
import { EVENTS_FANOUT_QUEUE } from './events.outbox.js';

/** Registers the outbox fan-out: one job at a time reads every consumer's new events. */
export function registerEventJobs(deps: Pick<AppDeps, 'worker' | 'outbox' | 'notify'>): void {
  deps.worker.register(
    EVENTS_FANOUT_QUEUE,
    () => {
      if (deps.outbox.fanOut() > 0) for (const q of deps.outbox.wakes()) deps.notify(q);
    },
    { concurrency: 1 },
  );
}
