import { Hono, type Context } from 'hono';
import { currentAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { EVENT_TYPES } from '../events/events.outbox.js';
import { notFound } from '../lib/errors.js';
import { decodeCursor, page, readJson, readQuery, type AppEnv } from '../lib/http.js';
import { deliveryToJson, getDelivery, getSubscription, lastDelivery, listDeliveries, listSubscriptions, subscriptionToJson, type SubscriptionRow } from './webhooks.repository.js';
import { createWebhookBody, deliveriesQuery, patchWebhookBody } from './webhooks.schemas.js';
import { createWebhook, editWebhook, redeliverWebhook, removeWebhook, sendTestPing } from './webhooks.usecases.js';

/**
 * Outbound webhooks (owners and admins): subscriptions, their delivery log, redelivery and a test ping.
 * A secret is shown once, when created or rotated; no answer ever includes it again.
 */
export function createWebhooksRoutes(deps: AppDeps) {
  const { db } = deps;
  const admins = requireRole('owner', 'admin');
  const find = (c: Context<AppEnv>): SubscriptionRow => {
    const row = getSubscription(db, c.req.param('id')!);
    if (!row) throw notFound('webhooks.not_found', 'No webhook with this id.');
    return row;
  };
  const json = (row: SubscriptionRow) => subscriptionToJson(row, lastDelivery(db, row.id));

  return new Hono<AppEnv>()
    .get('/webhooks', admins, (c) => c.json({ data: listSubscriptions(db).map(json) }))

    /** The event types a subscription can choose (the web app builds its checkboxes from these). */
    .get('/webhooks/event-types', admins, (c) => c.json({ data: EVENT_TYPES }))

    .post('/webhooks', admins, async (c) => {
      const body = await readJson(c, createWebhookBody);
      const { row, secret } = createWebhook(deps, currentAuth(c), body);
      return c.json({ data: { ...json(row), secret } }, 201);
    })

    .get('/webhooks/:id', admins, (c) => c.json({ data: json(find(c)) }))

    .patch('/webhooks/:id', admins, async (c) => {
      const row = find(c);
      const body = await readJson(c, patchWebhookBody);
      const { row: updated, secret } = editWebhook(deps, currentAuth(c), row, body);
      return c.json({ data: { ...json(updated), ...(secret && { secret }) } });
    })

    .delete('/webhooks/:id', admins, (c) => {
      removeWebhook(deps, currentAuth(c), find(c));
      return c.body(null, 204);
    })

    .get('/webhooks/:id/deliveries', admins, (c) => {
      const row = find(c);
      const q = readQuery(c, deliveriesQuery);
      const rows = listDeliveries(db, row.id, { state: q.state, before: decodeCursor(q.cursor), limit: q.limit + 1 });
      return c.json(page(rows, q.limit, (d) => ({ at: d.createdAt, id: d.id }), (items) => items.map(deliveryToJson)));
    })

    .post('/webhooks/:id/deliveries/:deliveryId/redeliver', admins, (c) => {
      const row = find(c);
      const delivery = getDelivery(db, c.req.param('deliveryId'));
      if (!delivery || delivery.subscriptionId !== row.id) throw notFound('webhooks.delivery_not_found', 'No delivery with this id for this webhook.');
      return c.json({ data: deliveryToJson(redeliverWebhook(deps, delivery)) }, 202);
    })

    .post('/webhooks/:id/test', admins, async (c) => c.json({ data: deliveryToJson(await sendTestPing(deps, find(c))) }));
}
