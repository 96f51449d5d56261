import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { purgeInBatches, registerPurgeJob, type PurgeOptions, type PurgeResult } from '../lib/purge.js';

export const WEBHOOKS_PURGE_QUEUE = 'webhooks.purge-deliveries';
/** Finished deliveries (delivered, or given up after 24 h) are kept this long for the delivery log. */
export const DELIVERY_KEEP_DAYS = 30;

/** Once a day at a quiet hour (server time); a missed day is done by the next run. */
export const WEBHOOK_SCHEDULES: readonly Schedule[] = [{ name: 'webhooks.purge-deliveries', cron: '29 4 * * *', queue: WEBHOOKS_PURGE_QUEUE }];

/**
 * Deletes delivered and given-up (`failed`) deliveries created over DELIVERY_KEEP_DAYS ago; pending ones
 * stay whatever their age. Walks one subscription at a time so each batch is found through the
 * `(subscription_id, created_at)` index, 500 rows per transaction.
 */
export async function purgeOldDeliveries(deps: Pick<AppDeps, 'db' | 'clock'>, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const cutoff = deps.clock.now() - DELIVERY_KEEP_DAYS * 86_400_000;
  const subscriptions = deps.db.$client.prepare('SELECT DISTINCT subscription_id AS id FROM webhook_deliveries').all() as { id: string }[];
  let deleted = 0;
  for (const { id } of subscriptions) {
    const r = await purgeInBatches(deps.db, 'webhook_deliveries', `subscription_id = ? AND created_at < ? AND state IN ('delivered', 'failed')`, [id, cutoff], opts);
    deleted += r.deleted;
    if (r.interrupted) return { deleted, interrupted: true };
  }
  return { deleted, interrupted: false };
}

/** Registers the daily purge of the delivery log. */
export function registerWebhookPurge(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'logger'>): void {
  registerPurgeJob(deps, WEBHOOKS_PURGE_QUEUE, 'old webhook deliveries', (opts) => purgeOldDeliveries(deps, opts));
}
