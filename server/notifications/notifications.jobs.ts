import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { registerPurgeJob } from '../lib/purge.js';
import { purgeOldNotifications } from './notifications.usecases.js';

export const NOTIFICATIONS_PURGE_QUEUE = 'notifications.purge';

/** Once a day at a quiet hour (server time). */
export const NOTIFICATION_SCHEDULES: readonly Schedule[] = [{ name: 'notifications.purge', cron: '17 4 * * *', queue: NOTIFICATIONS_PURGE_QUEUE }];

/** Registers the daily purge of old notifications (batches of 500, yielding between them). */
export function registerNotificationJobs(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'logger'>): void {
  registerPurgeJob(deps, NOTIFICATIONS_PURGE_QUEUE, 'old notifications', (opts) => purgeOldNotifications(deps, opts));
}
