import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { inTransaction, prepared, type Db } from '../../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { hasPushSubscribers, PUSH_NOTIFY_QUEUE } from '../../push/push.usecases.js';
import { requestSearchIndex, SEARCH_INDEX_QUEUE } from '../../search/search.repository.js';
import { webhookEvents } from '../../../db/schema/whatsapp.js';
import { PermanentJobError } from '../../jobs/jobs.worker.js';
import { toIso } from '../../lib/clock.js';
import { applyWebhookEvents, MEDIA_DOWNLOAD_QUEUE } from './webhook.apply.js';
import type { ParsedWebhook } from './webhook.events.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import { EVENTS_PER_JOB, PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from './webhook.ingest.js';
import { parseWebhook } from './webhook.parse.js';

export type ProcessDeps = Pick<AppDeps, 'db' | 'clock' | 'channels' | 'jobs' | 'bus' | 'notify' | 'vapid'> & Partial<Pick<AppDeps, 'outbox' | 'metrics'>>;

/**
 * The `whatsapp.process-webhook` jobs, in batches: parse each stored body (outside the transaction), then
 * apply them all in ONE transaction (one fsync for the batch), each event inside its own savepoint so one
 * bad event rolls back alone. A body that is not JSON is marked failed at once (Meta was told 200 already:
 * retrying cannot help); another error marks the event failed and its job retries. Replays change nothing.
 * Returns the failed event ids with their errors.
 */
export function processWebhookEvents(deps: ProcessDeps, eventIds: readonly number[]): Map<number, unknown> {
  const { db, clock } = deps;
  const failures = new Map<number, unknown>();
  if (eventIds.length === 0) return failures;
  const rows = db.select({ id: webhookEvents.id, body: webhookEvents.body, signedFor: webhookEvents.signedFor }).from(webhookEvents).where(inArray(webhookEvents.id, [...eventIds])).all();
  const parsed: { id: number; result: ParsedWebhook; signedFor: Set<string> }[] = [];
  const invalid: { id: number; error: string }[] = [];
  for (const row of rows) {
    try {
      parsed.push({ id: row.id, result: parseWebhook(JSON.parse(row.body.toString('utf8'))), signedFor: new Set(row.signedFor.split(',').filter(Boolean)) });
    } catch (err) {
      invalid.push({ id: row.id, error: `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
      failures.set(row.id, new PermanentJobError(`webhook event ${row.id}: body is not valid JSON`));
    }
  }

  const push = deps.vapid !== null && hasPushSubscribers(db);
  const live: LiveEvent[] = [];
  const channelIds = new Set<string>();
  let mediaJobs = 0;
  let duplicates = 0;
  const tally = { processed: 0, failed: 0, unroutable: 0 };
  let indexRequested = false;
  let handedOut = false;
  // Inside the worker's batch transaction already: no savepoint around the batch. A second level under
  // the per-body savepoints makes SQLite journal every changed page once more (measured: ~12 % slower).
  const atomically = db.$client.inTransaction ? (fn: () => void) => fn() : (fn: () => void) => inTransaction(db, fn);
  // Events recorded by the bodies are handed out at the end of the batch; the fan-out job is queued once,
  // and only if something is left then.
  const holdFanOut = deps.outbox ? <T>(fn: () => T) => deps.outbox!.holdFanOutJob(fn) : <T>(fn: () => T) => fn();
  atomically(() => holdFanOut(() => {
    const now = clock.now();
    const update = prepared(db, 'webhookEvents.setState', () =>
      db.$client.prepare(`UPDATE webhook_events SET state = ?, error = ?, event_count = ?, processed_at = ? WHERE id = ?`),
    );
    // A savepoint per body, on statements prepared once (a transaction wrapper per body costs more).
    const sp = prepared(db, 'webhookEvents.savepoint', () => ({
      begin: db.$client.prepare('SAVEPOINT webhook_event'),
      release: db.$client.prepare('RELEASE webhook_event'),
      rollback: db.$client.prepare('ROLLBACK TO webhook_event'),
    }));
    const setState = (id: number, v: { state: 'processed' | 'failed' | 'unroutable'; error: string | null; eventCount?: number }) => {
      tally[v.state]++;
      update.run(v.state, v.error, v.eventCount ?? null, now, id);
    };
    for (const bad of invalid) setState(bad.id, { state: 'failed', error: bad.error });
    // Committed with the batch: the new messages become searchable shortly after.
    const indexAfter = () => indexRequested && requestSearchIndex(deps.jobs, now);
    for (const { id, result, signedFor } of parsed) {
      sp.begin.run();
      let applied: ReturnType<typeof applyWebhookEvents>;
      try {
        // This body's writes roll back alone if it throws.
        applied = applyWebhookEvents({ db, channels: deps.channels, jobs: deps.jobs, now, webhookEventId: id, signedFor, push, outbox: deps.outbox }, result.events);
        sp.release.run();
      } catch (err) {
        sp.rollback.run();
        sp.release.run();
        setState(id, { state: 'failed', error: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000) });
        failures.set(id, err);
        continue;
      }
      const state = result.problems.length && result.events.length === 0 ? 'failed' : applied.unroutable > 0 ? 'unroutable' : 'processed';
      setState(id, { state, error: result.problems.join('; ').slice(0, 2000) || null, eventCount: result.events.length });
      if (applied.live.length) indexRequested = true;
      live.push(...applied.live);
      for (const ch of applied.channelIds) channelIds.add(ch);
      mediaJobs += applied.mediaJobs;
      duplicates += applied.duplicates;
    }
    indexAfter();
    // In the batch's transaction: a separate write would cost its own fsync.
    if (channelIds.size) deps.channels.touchWebhook(channelIds, clock.now());
    // Rules and outbound webhooks take the new messages in this same commit (no fan-out round of its own).
    handedOut = deps.outbox?.fanOutInline() ?? false;
  }));
  if (handedOut) for (const q of deps.outbox!.wakes()) deps.notify(q);
  if (mediaJobs) deps.notify(MEDIA_DOWNLOAD_QUEUE);
  if (push) deps.notify(PUSH_NOTIFY_QUEUE);
  if (indexRequested) deps.notify(SEARCH_INDEX_QUEUE);
  deps.bus.publish(live);
  if (deps.metrics) countProcessed(deps.metrics, tally, duplicates, live);
  return failures;
}

function countProcessed(m: NonNullable<ProcessDeps['metrics']>, tally: Record<'processed' | 'failed' | 'unroutable', number>, duplicates: number, live: readonly LiveEvent[]) {
  m.webhookEvents.processed.inc(tally.processed);
  m.webhookEvents.failed.inc(tally.failed);
  m.webhookEvents.unroutable.inc(tally.unroutable);
  m.duplicates.inc(duplicates);
  for (const e of live) {
    if (e.type === 'message.created') m.messagesIn.inc();
    // `sent` is counted when Meta accepts the send call; its webhook only confirms it.
    else if (e.type === 'message.status') {
      const status = (e.data as { status?: string }).status;
      if (status && status !== 'sent') m.sendReached(status);
    }
  }
}

/** One event (tests, tools): throws what the batch would report. */
export function processWebhookEvent(deps: ProcessDeps, eventId: number): void {
  const failure = processWebhookEvents(deps, [eventId]).get(eventId);
  if (failure) throw failure;
}

/** Puts stored events back through processing (all failed ones, or the given ids). Returns how many. */
export function replayWebhookEvents(deps: Pick<ProcessDeps, 'db' | 'jobs' | 'clock' | 'notify'>, ids: number[] | 'failed'): number {
  const rows =
    ids === 'failed'
      ? deps.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.state, ['failed', 'unroutable'])).all()
      : deps.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, ids)).all();
  const stamp = deps.clock.now();
  inTransaction(deps.db, () => {
    for (let i = 0; i < rows.length; i += EVENTS_PER_JOB) {
      const eventIds = rows.slice(i, i + EVENTS_PER_JOB).map((r) => r.id);
      deps.jobs.enqueue(PROCESS_WEBHOOK_QUEUE, { eventIds } satisfies ProcessWebhookPayload, { idempotencyKey: `replay:${eventIds[0]}-${eventIds.length}:${stamp}`, maxAttempts: 5 });
    }
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
