import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { dataDirLayout } from '../system/data-dir.js';
import { runScheduledBackup } from './backup.usecases.js';

export const BACKUP_QUEUE = 'backup.create';

/** Daily at a quiet hour (server time), before retention purges anything; the setting can turn it off. */
export const BACKUP_SCHEDULES: readonly Schedule[] = [{ name: 'backup.daily', cron: '17 3 * * *', queue: BACKUP_QUEUE }];

/** Registers the scheduled backup. The copy runs in small steps between requests, so the lease is long. */
export function registerBackupJobs(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'logger' | 'config'>): void {
  const backupsDir = dataDirLayout(deps.config.dataDir).backups;
  deps.worker.register(
    BACKUP_QUEUE,
    async () => {
      await runScheduledBackup({ db: deps.db, backupsDir, clock: deps.clock, logger: deps.logger });
    },
    { concurrency: 1, leaseMs: 60 * 60_000 },
  );
}
