import { and, desc, eq } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema/events.js';
import { toIso } from '../lib/clock.js';
import { patternsMatch } from './webhooks.models.js';
import { olderThan } from '../lib/keyset.js';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryState = DeliveryRow['state'];

/** An enabled subscription as the outbox consumer needs it. */
export interface ActiveSubscription {
  id: string;
  events: string[];
  createdAt: number;
}

export const parseEvents = (json: string): string[] => JSON.parse(json) as string[];

export function getSubscription(db: Db, id: string): SubscriptionRow | undefined {
  return db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).get();
}

export function listSubscriptions(db: Db): SubscriptionRow[] {
  return db.select().from(webhookSubscriptions).orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id)).all();
}

export function insertSubscription(db: Db, row: SubscriptionRow): void {
  db.insert(webhookSubscriptions).values(row).run();
}

export function updateSubscription(db: Db, id: string, patch: Partial<SubscriptionRow>): void {
  db.update(webhookSubscriptions).set(patch).where(eq(webhookSubscriptions.id, id)).run();
}

/** Deletes a subscription and its delivery log (their queued jobs then find nothing and end). */
export function deleteSubscription(db: Db, id: string): void {
  db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)).run();
  db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).run();
}

/** Enabled subscriptions with their patterns (read by the consumer once per fan-out batch). */
export function activeSubscriptions(db: Db): ActiveSubscription[] {
  const rows = prepared(db, 'webhooks.active', () =>
    db.$client.prepare('SELECT id, events, created_at AS createdAt FROM webhook_subscriptions WHERE enabled = 1 ORDER BY created_at, id'),
  ).all() as { id: string; events: string; createdAt: number }[];
  return rows.map((r) => ({ id: r.id, events: parseEvents(r.events), createdAt: r.createdAt }));
}

interface PatternCache {
  patterns: string[] | null;
  answers: Map<string, boolean>;
}
// Per database, like prepared statements: the consumer (registered at boot) and the routes (built with
// the app) share it without a module-wide singleton.
const caches = new WeakMap<Db, PatternCache>();
const cacheOf = (db: Db): PatternCache => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { patterns: null, answers: new Map() }));
  return cache;
};

/**
 * Whether an enabled subscription wants this event type. Asked on the write path of every message, so it
 * answers from memory: the patterns are read once after each change of the subscriptions.
 */
export function subscriptionsWant(db: Db, type: string): boolean {
  const cache = cacheOf(db);
  let answer = cache.answers.get(type);
  if (answer === undefined) {
    cache.patterns ??= [...new Set(activeSubscriptions(db).flatMap((s) => s.events))];
    answer = patternsMatch(cache.patterns, type);
    cache.answers.set(type, answer);
  }
  return answer;
}

/** Forgets the cached patterns; call after any change of subscriptions (the next question reads them again). */
export function invalidateSubscriptionCache(db: Db): void {
  const cache = cacheOf(db);
  cache.patterns = null;
  cache.answers.clear();
}

export function insertDelivery(db: Db, row: Omit<DeliveryRow, 'lastStatus' | 'lastError' | 'lastResponse' | 'lastAttemptAt' | 'deliveredAt' | 'attempts'>): void {
  prepared(db, 'webhooks.insert-delivery', () =>
    db.$client.prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, state, attempts, next_attempt_at, created_at)
       VALUES (@id, @subscriptionId, @eventId, @eventType, @state, 0, @nextAttemptAt, @createdAt)`,
    ),
  ).run(row);
}

export function getDelivery(db: Db, id: string): DeliveryRow | undefined {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
}

export function updateDelivery(db: Db, id: string, patch: Partial<DeliveryRow>): void {
  db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id)).run();
}

/** A subscription's deliveries, newest first, after a `(createdAt, id)` cursor. */
export function listDeliveries(db: Db, subscriptionId: string, opts: { state?: DeliveryState; before?: { at: number; id: string }; limit: number }): DeliveryRow[] {
  const d = webhookDeliveries;
  const where = and(
    eq(d.subscriptionId, subscriptionId),
    opts.state ? eq(d.state, opts.state) : undefined,
    opts.before ? olderThan(d.createdAt, d.id, opts.before) : undefined,
  );
  return db.select().from(d).where(where).orderBy(desc(d.createdAt), desc(d.id)).limit(opts.limit).all();
}

/** The newest delivery of a subscription (the list's "last delivery"). */
export function lastDelivery(db: Db, subscriptionId: string): DeliveryRow | undefined {
  return listDeliveries(db, subscriptionId, { limit: 1 })[0];
}

/** A delivery as the API shows it. */
export function deliveryToJson(row: DeliveryRow) {
  return {
    id: row.id,
    webhookId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    lastResponse: row.lastResponse,
    lastAttemptAt: toIso(row.lastAttemptAt),
    nextAttemptAt: toIso(row.nextAttemptAt),
    deliveredAt: toIso(row.deliveredAt),
    createdAt: toIso(row.createdAt),
  };
}

/** A subscription as the API shows it: never its secret. */
export function subscriptionToJson(row: SubscriptionRow, last: DeliveryRow | undefined) {
  return {
    id: row.id,
    url: row.url,
    events: parseEvents(row.events),
    description: row.description,
    enabled: row.enabled,
    createdBy: row.createdBy,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    lastDelivery: last
      ? { id: last.id, eventType: last.eventType, state: last.state, attempts: last.attempts, lastStatus: last.lastStatus, lastError: last.lastError, at: toIso(last.lastAttemptAt ?? last.createdAt) }
      : null,
  };
}
