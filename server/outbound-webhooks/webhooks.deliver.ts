import { prepared, type Db } from '../../db/client.js';
import type { AppDeps } from '../deps.js';
import { RetryAfterError, type JobContext } from '../jobs/jobs.handlers.js';
import type { JobStore } from '../jobs/jobs.store.js';
import { MESSAGE_TEXT_EVENTS, withMessageText } from '../inbox/messages.repository.js';
import { postWebhook, type AttemptOutcome } from './webhooks.http.js';
import { DELIVER_QUEUE, DELIVERY_TIMEOUT_MS, eventBody, nextAttemptAt, PING_EVENT_ID, PING_TYPE, pingBody } from './webhooks.models.js';
import { getDelivery, getSubscription, type DeliveryRow, type SubscriptionRow } from './webhooks.repository.js';

export type DeliveryDeps = Pick<AppDeps, 'db' | 'clock' | 'box' | 'fetch'>;

export interface DeliverPayload {
  deliveryId: string;
  /** A redelivery asked for by a person: one attempt, sent even to a disabled subscription. */
  manual?: boolean;
  /** The delivery was still being retried when redelivered: a failed manual attempt leaves it to those retries. */
  keepPending?: boolean;
}

export interface DeliverOptions {
  timeoutMs?: number;
}

/** Plenty for a schedule that gives up after 24 h (about 13 attempts); only a crash loop could spend them. */
export const DELIVERY_MAX_ATTEMPTS = 50;

/** Queues one attempt of a delivery in the caller's transaction (`key` must be new for a new attempt). */
export function enqueueDelivery(jobs: Pick<JobStore, 'enqueue'>, payload: DeliverPayload, key: string, maxAttempts = DELIVERY_MAX_ATTEMPTS): void {
  jobs.enqueue(DELIVER_QUEUE, payload, { idempotencyKey: key, maxAttempts });
}

/**
 * The `webhooks.deliver` job: one signed POST. 2xx → delivered. Anything else is written on the row and
 * retried on the schedule (RetryAfterError) until 24 h after the delivery was created, then `failed`.
 * A delivery whose subscription is gone or disabled is dropped with the reason on the row.
 */
export async function deliverWebhookJob(deps: DeliveryDeps, payload: DeliverPayload, ctx: Pick<JobContext<unknown>, 'job' | 'signal' | 'commitWith'>, opts: DeliverOptions = {}): Promise<void> {
  const { db, clock } = deps;
  const delivery = getDelivery(db, payload.deliveryId);
  if (!delivery) return; // deleted with its subscription
  // Already delivered by a redelivery, or given up: this older job has nothing left to do.
  if (!payload.manual && delivery.state !== 'pending') return;
  const sub = getSubscription(db, delivery.subscriptionId);
  if (!sub || (!sub.enabled && !payload.manual)) {
    recordAttempt(db, delivery.id, { state: 'failed', counted: false, error: sub ? 'dropped: the webhook is disabled' : 'dropped: the webhook was deleted', at: clock.now() });
    return;
  }
  const outcome = await attemptDelivery(deps, delivery, sub, { timeoutMs: opts.timeoutMs, signal: ctx.signal });
  const now = clock.now();
  if (outcome.ok) {
    // Written with the job's completion: one commit for both, and a crash before it re-sends (at least once).
    ctx.commitWith(() => recordAttempt(db, delivery.id, { state: 'delivered', outcome, at: now }));
    return;
  }
  if (payload.manual) {
    recordAttempt(db, delivery.id, { state: payload.keepPending ? 'pending' : 'failed', outcome, at: now, keepNext: payload.keepPending });
    return;
  }
  const next = outcome.gone ? null : nextAttemptAt(delivery.createdAt, ctx.job.attempts, now);
  if (next === null) {
    recordAttempt(db, delivery.id, { state: 'failed', outcome, at: now });
    return;
  }
  recordAttempt(db, delivery.id, { state: 'pending', outcome, at: now, next });
  throw new RetryAfterError(next - now, outcome.error ?? 'delivery failed');
}

/** A dead delivery job (crash loop, or an unexpected error every time) leaves its row failed, not pending. */
export function markDeliveryDead(deps: Pick<AppDeps, 'db' | 'clock'>, payload: DeliverPayload, error: string): void {
  const row = getDelivery(deps.db, payload.deliveryId);
  if (row?.state === 'pending') recordAttempt(deps.db, row.id, { state: 'failed', counted: false, error: `gave up: ${error}`, at: deps.clock.now() });
}

/**
 * Sends one attempt of a delivery (an outbox event, or a ping) to the subscription's URL, signed with its
 * secret. `gone` is set when there is nothing left to send (the event is no longer stored).
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  delivery: DeliveryRow,
  sub: SubscriptionRow,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<AttemptOutcome & { gone?: boolean }> {
  const body = deliveryBody(deps.db, delivery);
  if (body === null) return { ok: false, status: null, error: `event ${delivery.eventId} is no longer stored`, response: null, gone: true };
  return postWebhook(
    deps.fetch,
    { url: sub.url, secret: deps.box.open(sub.secretEnc), body, type: delivery.eventType, deliveryId: delivery.id, nowSeconds: Math.floor(deps.clock.now() / 1000) },
    { timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS, signal: opts.signal },
  );
}

/** The JSON sent for a delivery, rebuilt from the outbox on every attempt (null when the event is gone). */
function deliveryBody(db: Db, delivery: DeliveryRow): string | null {
  if (delivery.eventId === PING_EVENT_ID && delivery.eventType === PING_TYPE) return pingBody(delivery);
  const event = prepared(db, 'webhooks.event', () => db.$client.prepare('SELECT id, type, data, at FROM domain_events WHERE id = ?')).get(delivery.eventId) as
    | { id: number; type: string; data: string; at: number }
    | undefined;
  if (!event) return null;
  // A message event names its message: the body carries the text as it is now (null once erased).
  return eventBody(MESSAGE_TEXT_EVENTS.has(event.type) ? { ...event, data: JSON.stringify(withMessageText(db, event.type, JSON.parse(event.data) as Record<string, unknown>)) } : event);
}

/** Writes the outcome of an attempt (or of a drop) on the delivery row. */
export function recordAttempt(
  db: Db,
  id: string,
  r: { state: DeliveryRow['state']; at: number; outcome?: AttemptOutcome; error?: string; counted?: boolean; next?: number; keepNext?: boolean },
): void {
  const stmt = prepared(db, 'webhooks.record-attempt', () =>
    db.$client.prepare(
      `UPDATE webhook_deliveries SET
         state = @state,
         attempts = attempts + @counted,
         last_status = CASE WHEN @counted = 1 THEN @status ELSE last_status END,
         last_error = @error,
         last_response = CASE WHEN @counted = 1 THEN @response ELSE last_response END,
         last_attempt_at = CASE WHEN @counted = 1 THEN @at ELSE last_attempt_at END,
         next_attempt_at = CASE WHEN @keepNext = 1 THEN next_attempt_at ELSE @next END,
         delivered_at = CASE WHEN @state = 'delivered' THEN @at ELSE delivered_at END
       WHERE id = @id`,
    ),
  );
  stmt.run({
    id,
    state: r.state,
    at: r.at,
    counted: r.counted === false ? 0 : 1,
    status: r.outcome?.status ?? null,
    error: r.error ?? r.outcome?.error ?? null,
    response: r.outcome?.response ?? null,
    next: r.next ?? null,
    keepNext: r.keepNext ? 1 : 0,
  });
}
