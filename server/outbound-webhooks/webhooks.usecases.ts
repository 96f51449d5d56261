import { randomBytes } from 'node:crypto';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { AuthInfo } from '../lib/http.js';
import { attemptDelivery, enqueueDelivery, recordAttempt } from './webhooks.deliver.js';
import { DELIVER_QUEUE, PING_EVENT_ID, PING_TYPE } from './webhooks.models.js';
import {
  deleteSubscription,
  getDelivery,
  getSubscription,
  insertDelivery,
  insertSubscription,
  invalidateSubscriptionCache,
  parseEvents,
  updateDelivery,
  updateSubscription,
  type DeliveryRow,
  type SubscriptionRow,
} from './webhooks.repository.js';
import type { CreateWebhookInput, PatchWebhookInput } from './webhooks.schemas.js';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'box' | 'jobs' | 'notify' | 'fetch'>;

/** A new signing secret: 32 random bytes as hex. */
export const newWebhookSecret = () => randomBytes(32).toString('hex');

/** What the audit log keeps of a subscription (never the secret). */
const audited = (row: SubscriptionRow) => ({ url: row.url, events: parseEvents(row.events), description: row.description, enabled: row.enabled });

/** Adds a subscription; returns it with its secret in plain text (the only time it is shown). */
export function createWebhook(deps: Deps, auth: AuthInfo, input: CreateWebhookInput): { row: SubscriptionRow; secret: string } {
  const { db, clock, box } = deps;
  const now = clock.now();
  const secret = input.secret ?? newWebhookSecret();
  const row: SubscriptionRow = {
    id: newId('whk'),
    url: input.url,
    events: JSON.stringify(input.events),
    description: input.description || null,
    secretEnc: box.seal(secret),
    enabled: true,
    createdBy: auth.user.id,
    createdAt: now,
    updatedAt: now,
  };
  inTransaction(db, () => {
    insertSubscription(db, row);
    recordAudit(db, actorOf(auth), { action: 'webhook.created', entityType: 'webhook', entityId: row.id, after: audited(row) }, now);
  });
  invalidateSubscriptionCache(db);
  return { row, secret };
}

/** Changes a subscription; with `rotateSecret` also returns the new secret (shown once). */
export function editWebhook(deps: Deps, auth: AuthInfo, row: SubscriptionRow, patch: PatchWebhookInput): { row: SubscriptionRow; secret: string | null } {
  const { db, clock, box } = deps;
  const now = clock.now();
  const secret = patch.rotateSecret ? newWebhookSecret() : null;
  const changes: Partial<SubscriptionRow> = {
    ...(patch.url !== undefined && { url: patch.url }),
    ...(patch.events !== undefined && { events: JSON.stringify(patch.events) }),
    ...(patch.description !== undefined && { description: patch.description || null }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled }),
  };
  const next: SubscriptionRow = { ...row, ...changes, ...(secret && { secretEnc: box.seal(secret) }), updatedAt: now };
  inTransaction(db, () => {
    updateSubscription(db, row.id, { ...changes, ...(secret && { secretEnc: next.secretEnc }), updatedAt: now });
    const actor = actorOf(auth);
    if (Object.keys(changes).length) recordAudit(db, actor, { action: 'webhook.updated', entityType: 'webhook', entityId: row.id, before: audited(row), after: audited(next) }, now);
    if (secret) recordAudit(db, actor, { action: 'webhook.secret_rotated', entityType: 'webhook', entityId: row.id }, now);
  });
  invalidateSubscriptionCache(db);
  return { row: getSubscription(db, row.id)!, secret };
}

/** Deletes a subscription and its delivery log; queued attempts end without sending. */
export function removeWebhook(deps: Deps, auth: AuthInfo, row: SubscriptionRow): void {
  const { db, clock } = deps;
  const now = clock.now();
  inTransaction(db, () => {
    deleteSubscription(db, row.id);
    recordAudit(db, actorOf(auth), { action: 'webhook.deleted', entityType: 'webhook', entityId: row.id, before: audited(row) }, now);
  });
  invalidateSubscriptionCache(db);
}

/**
 * Sends a delivery again now, whatever its state: the row goes back to `pending` and a new job (a fresh
 * idempotency key) makes one attempt. A delivery still in its retry schedule keeps that schedule if the
 * extra attempt fails.
 */
export function redeliverWebhook(deps: Deps, delivery: DeliveryRow): DeliveryRow {
  const { db, clock, jobs } = deps;
  const now = clock.now();
  inTransaction(db, () => {
    const keepPending = delivery.state === 'pending';
    updateDelivery(db, delivery.id, { state: 'pending', ...(!keepPending && { nextAttemptAt: now }) });
    enqueueDelivery(jobs, { deliveryId: delivery.id, manual: true, keepPending }, `${delivery.id}:${newId('redeliver')}`, 3);
  });
  deps.notify(DELIVER_QUEUE);
  return getDelivery(db, delivery.id)!;
}

/**
 * Sends a `ping` to the subscription right away (nothing goes into the outbox) through the same signed
 * path, and records it in the delivery log with event id 0. One attempt: the answer shows how it went.
 */
export async function sendTestPing(deps: Deps, sub: SubscriptionRow): Promise<DeliveryRow> {
  const { db, clock } = deps;
  const now = clock.now();
  const id = newId('whd');
  insertDelivery(db, { id, subscriptionId: sub.id, eventId: PING_EVENT_ID, eventType: PING_TYPE, state: 'pending', nextAttemptAt: now, createdAt: now });
  const outcome = await attemptDelivery(deps, getDelivery(db, id)!, sub);
  recordAttempt(db, id, { state: outcome.ok ? 'delivered' : 'failed', outcome, at: clock.now() });
  const row = getDelivery(db, id);
  if (!row) throw notFound('webhooks.not_found', 'The webhook was deleted during the test.');
  return row;
}
