import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { webhookEvents } from '../../../db/schema/whatsapp.js';
import type { ChannelRepository } from '../../channels/channels.repository.js';
import type { JobStore } from '../../jobs/jobs.store.js';
import { PermanentJobError } from '../../jobs/jobs.worker.js';
import type { Clock } from '../../lib/clock.js';
import { toIso } from '../../lib/clock.js';
import type { EventBus } from '../../lib/event-bus.js';
import { applyWebhookEvents } from './webhook.apply.js';
import { PROCESS_WEBHOOK_QUEUE } from './webhook.ingest.js';
import { parseWebhook } from './webhook.parse.js';

export interface ProcessDeps {
  db: Db;
  clock: Clock;
  channels: ChannelRepository;
  jobs: JobStore;
  bus: EventBus;
  notify: (queue: string) => void;
}

/**
 * The `whatsapp.process-webhook` job: parse a stored body and apply it in one transaction. A body that
 * is not JSON is marked failed at once (Meta was already told 200: retrying cannot help); any other error
 * marks it failed and lets the job retry. Replaying a processed event changes nothing.
 */
export function processWebhookEvent(deps: ProcessDeps, eventId: number): void {
  const { db, clock } = deps;
  const row = db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId)).get();
  if (!row) return;
  const markFailed = (error: string) =>
    db.update(webhookEvents).set({ state: 'failed', error: error.slice(0, 2000), processedAt: clock.now() }).where(eq(webhookEvents.id, eventId)).run();

  let payload: unknown;
  try {
    payload = JSON.parse(row.body.toString('utf8'));
  } catch (err) {
    markFailed(`body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    throw new PermanentJobError(`webhook event ${eventId}: body is not valid JSON`);
  }
  const parsed = parseWebhook(payload);
  try {
    const result = db.transaction((tx) => {
      const now = clock.now();
      const applied = applyWebhookEvents({ db: tx, channels: deps.channels, jobs: deps.jobs, now, webhookEventId: eventId }, parsed.events);
      const state = parsed.problems.length && parsed.events.length === 0 ? 'failed' : applied.unroutable > 0 ? 'unroutable' : 'processed';
      tx.update(webhookEvents)
        .set({ state, error: parsed.problems.join('; ') || null, eventCount: parsed.events.length, processedAt: now })
        .where(eq(webhookEvents.id, eventId))
        .run();
      return applied;
    });
    if (result.channelIds.size) deps.channels.touchWebhook(result.channelIds, clock.now());
    if (result.mediaJobs) deps.notify('media.download');
    deps.bus.publish(result.live);
  } catch (err) {
    markFailed(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    throw err;
  }
}

/** Puts stored events back through processing (all failed ones, or the given ids). Returns how many. */
export function replayWebhookEvents(deps: Pick<ProcessDeps, 'db' | 'jobs' | 'clock' | 'notify'>, ids: number[] | 'failed'): number {
  const rows =
    ids === 'failed'
      ? deps.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.state, ['failed', 'unroutable'])).all()
      : deps.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, ids)).all();
  const stamp = deps.clock.now();
  deps.db.transaction(() => {
    for (const r of rows) deps.jobs.enqueue(PROCESS_WEBHOOK_QUEUE, { eventId: r.id }, { idempotencyKey: `replay:${r.id}:${stamp}`, maxAttempts: 5 });
  });
  deps.notify(PROCESS_WEBHOOK_QUEUE);
  return rows.length;
}

/** Stored webhook events, newest first, for the admin view. */
export function listWebhookEvents(db: Db, f: { state?: (typeof webhookEvents.$inferSelect)['state']; beforeId?: number; limit: number }) {
  const where = [];
  if (f.state) where.push(eq(webhookEvents.state, f.state));
  if (f.beforeId) where.push(lt(webhookEvents.id, f.beforeId));
  return db
    .select({ id: webhookEvents.id, receivedAt: webhookEvents.receivedAt, state: webhookEvents.state, error: webhookEvents.error, eventCount: webhookEvents.eventCount, processedAt: webhookEvents.processedAt, body: webhookEvents.body })
    .from(webhookEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(webhookEvents.id))
    .limit(f.limit)
    .all()
    .map((r) => ({
      id: String(r.id),
      receivedAt: toIso(r.receivedAt),
      state: r.state,
      error: r.error,
      eventCount: r.eventCount,
      processedAt: toIso(r.processedAt),
      size: r.body.length,
      preview: r.body.subarray(0, 500).toString('utf8'),
    }));
}
