import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { DELETE_FILES_QUEUE, deletePurgedFiles, runRetention, type DeleteFilesPayload } from './retention.usecases.js';

export const RETENTION_QUEUE = 'system.retention';

/** Once a day at a quiet hour (server time); a missed day is simply done by the next run. */
export const RETENTION_SCHEDULES: readonly Schedule[] = [{ name: 'system.retention', cron: '41 3 * * *', queue: RETENTION_QUEUE }];

/** Registers the retention job. It yields between batches, so a long first run never starves requests. */
export function registerRetentionJobs(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'storage' | 'logger' | 'jobs'>): void {
  deps.worker.register(
    RETENTION_QUEUE,
    async (_payload, ctx) => {
      await runRetention(deps, { signal: ctx.signal });
    },
    // A first run over years of media may take a while: a long lease, and never two at once.
    { concurrency: 1, leaseMs: 30 * 60_000 },
  );
  // The purge's durable second chance at deleting files (crash or storage failure in between).
  deps.worker.register(DELETE_FILES_QUEUE, async (payload) => {
    await deletePurgedFiles(deps, (payload as DeleteFilesPayload).keys);
  });
}
