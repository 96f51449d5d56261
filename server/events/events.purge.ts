import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { purgeInBatches, registerPurgeJob, type PurgeOptions, type PurgeResult } from '../lib/purge.js';
import { DELIVERY_KEEP_DAYS } from '../outbound-webhooks/webhooks.purge.js';

export const EVENTS_PURGE_QUEUE = 'events.purge';
/**
 * Handed-out events are kept as long as the outbound webhooks' delivery log, whose "redeliver" rebuilds
 * the body from the event (and they would otherwise grow by ~300 bytes a message, for ever).
 */
export const EVENT_KEEP_DAYS = DELIVERY_KEEP_DAYS + 2; // a delivery is logged up to a day after its event

/** Once a day at a quiet hour (server time); a missed day is done by the next run. */
export const EVENT_SCHEDULES: readonly Schedule[] = [{ name: 'events.purge', cron: '53 4 * * *', queue: EVENTS_PURGE_QUEUE }];

/**
 * Deletes outbox events older than EVENT_KEEP_DAYS that every consumer has read, oldest first, 500 per
 * transaction. Ids grow with time, so everything before the first event to keep goes (found by walking the
 * primary key over the old ones, once, not by an index on the time or a scan per batch).
 */
export async function purgeOldEvents(deps: Pick<AppDeps, 'db' | 'clock' | 'outbox'>, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const cutoff = deps.clock.now() - EVENT_KEEP_DAYS * 86_400_000;
  const firstYoung = deps.db.$client.prepare('SELECT id FROM domain_events WHERE at >= ? ORDER BY id LIMIT 1').pluck().get(cutoff) as number | undefined;
  const keepFrom = Math.min(firstYoung ?? Number.MAX_SAFE_INTEGER, deps.outbox.readUpTo() + 1);
  return purgeInBatches(deps.db, 'domain_events', 'id < ?', [keepFrom], opts);
}

/** Registers the daily purge of old outbox events. */
export function registerEventPurge(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'outbox' | 'logger'>): void {
  registerPurgeJob(deps, EVENTS_PURGE_QUEUE, 'old outbox events', (opts) => purgeOldEvents(deps, opts));
}
