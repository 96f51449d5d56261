import type { AppDeps } from '../deps.js';
import type { EventConsumer } from '../events/events.outbox.js';
import { newId } from '../lib/ids.js';
import { deliverWebhookJob, enqueueDelivery, markDeliveryDead, type DeliverOptions, type DeliverPayload } from './webhooks.deliver.js';
import { DELIVER_QUEUE, DELIVERY_TIMEOUT_MS, patternsMatch } from './webhooks.models.js';
import { activeSubscriptions, insertDelivery, invalidateSubscriptionCache, subscriptionsWant } from './webhooks.repository.js';

export const WEBHOOKS_CONSUMER = 'webhooks';

export type WebhookConsumer = EventConsumer & {
  /** Forgets the cached subscription patterns (the routes call it after every change). */
  invalidate(): void;
};

/**
 * The outbox consumer of outbound webhooks. `wants` answers from memory (it runs on every message's write
 * path); `handle` runs in the fan-out's transaction and writes one delivery row plus its job for each
 * event and matching enabled subscription that existed when the event happened.
 */
export function createWebhookConsumer(deps: Pick<AppDeps, 'db' | 'jobs' | 'clock'>): WebhookConsumer {
  const { db, jobs, clock } = deps;
  return {
    name: WEBHOOKS_CONSUMER,
    wants: (type) => subscriptionsWant(db, type),
    handle(events) {
      const subs = activeSubscriptions(db);
      if (subs.length === 0) return;
      const now = clock.now();
      for (const event of events) {
        for (const sub of subs) {
          // A webhook added after the event was not listening yet.
          if (sub.createdAt > event.at || !patternsMatch(sub.events, event.type)) continue;
          const id = newId('whd');
          insertDelivery(db, { id, subscriptionId: sub.id, eventId: event.id, eventType: event.type, state: 'pending', nextAttemptAt: now, createdAt: now });
          enqueueDelivery(jobs, { deliveryId: id }, id);
        }
      }
    },
    wakes: [DELIVER_QUEUE],
    invalidate: () => invalidateSubscriptionCache(db),
  };
}

/**
 * Wires outbound webhooks at boot: the outbox consumer and the `webhooks.deliver` queue. Deliveries have
 * their own queue with several at once and a timeout per attempt, so a slow or dead endpoint delays only
 * its own deliveries. The lease outlasts the timeout, so a running attempt is never claimed twice.
 */
export function registerOutboundWebhooks(deps: Pick<AppDeps, 'db' | 'jobs' | 'clock' | 'box' | 'fetch' | 'outbox' | 'worker'>, opts: DeliverOptions = {}): WebhookConsumer {
  const consumer = createWebhookConsumer(deps);
  deps.outbox.register(consumer);
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  deps.worker.register<DeliverPayload>(DELIVER_QUEUE, (payload, ctx) => deliverWebhookJob(deps, payload, ctx, { timeoutMs }), {
    concurrency: 8,
    leaseMs: timeoutMs + 30_000,
    onDead: (payload: DeliverPayload, error) => markDeliveryDead(deps, payload, error),
  });
  return consumer;
}
