import { desc, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { waEvents } from '../../db/schema/whatsapp.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { notFound } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv } from '../lib/http.js';
import { listWebhookEvents, replayWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { checkChannel, subscribeChannelApp } from './channels.check.js';

const digits = z.string().regex(/^\d{5,20}$/, 'must be digits');
const channelBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  phoneNumberId: digits,
  wabaId: digits.nullish(),
  displayPhoneNumber: z.string().max(30).nullish(),
  accessToken: z.string().min(10, 'looks too short for a Meta access token').max(4096),
  appSecret: z.string().min(8).max(256),
  verifyToken: z.string().min(8, 'must be at least 8 characters').max(256),
  graphBaseUrl: z.url().nullish(),
  graphVersion: z.string().regex(/^v\d+\.\d+$/, 'must look like v24.0').nullish(),
  throughputPerSecond: z.number().int().min(1).max(1000).optional(),
});
const eventsQuery = z.object({
  state: z.enum(['received', 'processed', 'failed', 'unroutable']).optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const replayBody = z.object({ ids: z.array(z.string().regex(/^\d+$/)).min(1).max(1000).optional(), all: z.literal(true).optional() });

/** Channels (owners/admins), their alerts, and the raw webhook archive with replay. */
export function createChannelsRoutes(deps: AppDeps) {
  const admins = requireRole('owner', 'admin');
  const json = (id: string) => {
    const ch = deps.channels.byId(id);
    if (!ch) throw notFound('channels.not_found', 'No such channel.');
    return deps.channels.toJson(ch, deps.config.publicUrl);
  };

  return new Hono<AppEnv>()
    .get('/channels', admins, (c) => c.json({ data: deps.channels.all().map((ch) => deps.channels.toJson(ch, deps.config.publicUrl)) }))
    .post('/channels', admins, async (c) => {
      const body = await readJson(c, channelBody);
      const ch = deps.channels.create(body);
      recordAudit(deps.db, actorOf(c.get('auth')), { action: 'channel.created', entityType: 'channel', entityId: ch.id, after: { phoneNumberId: ch.phoneNumberId } }, deps.clock.now());
      return c.json({ data: json(ch.id) }, 201);
    })
    .get('/channels/:id', admins, (c) => c.json({ data: json(c.req.param('id')) }))
    .patch('/channels/:id', admins, async (c) => {
      json(c.req.param('id'));
      const body = await readJson(c, channelBody.partial());
      const ch = deps.channels.update(c.req.param('id'), body);
      // Secrets are recorded as changed, never their values.
      const changed = Object.keys(body).map((k) => (['accessToken', 'appSecret', 'verifyToken'].includes(k) ? `${k} (changed)` : k));
      recordAudit(deps.db, actorOf(c.get('auth')), { action: 'channel.updated', entityType: 'channel', entityId: ch.id, after: { fields: changed } }, deps.clock.now());
      return c.json({ data: json(ch.id) });
    })

    /** The setup check: Meta's view of token, number and subscription; Parley's of webhooks and templates. Always 200. */
    .get('/channels/:id/check', admins, async (c) => {
      const ch = deps.channels.byId(c.req.param('id'));
      if (!ch) throw notFound('channels.not_found', 'No such channel.');
      return c.json({ data: await checkChannel(deps, ch) });
    })
    /** Subscribes the app to the channel's WABA (the check's one-click repair); answers the fresh subscription line. */
    .post('/channels/:id/subscribe', admins, async (c) => {
      const ch = deps.channels.byId(c.req.param('id'));
      if (!ch) throw notFound('channels.not_found', 'No such channel.');
      const result = await subscribeChannelApp(deps, ch);
      if (result.subscribed) {
        recordAudit(deps.db, actorOf(c.get('auth')), { action: 'channel.app_subscribed', entityType: 'channel', entityId: ch.id, after: { wabaId: ch.wabaId } }, deps.clock.now());
      }
      return c.json({ data: result.line });
    })

    /** Value-level errors from Meta and webhooks for numbers no channel has. */
    .get('/channel-alerts', admins, (c) => {
      const rows = deps.db.select().from(waEvents).where(inArray(waEvents.kind, ['error', 'unroutable'])).orderBy(desc(waEvents.id)).limit(100).all();
      return c.json({
        data: rows.map((r) => ({ id: String(r.id), kind: r.kind, channelId: r.channelId, wabaId: r.wabaId, field: r.field, summary: r.summary, occurredAt: toIso(r.occurredAt), createdAt: toIso(r.createdAt) })),
      });
    })

    .get('/admin/webhook-events', admins, (c) => {
      const q = readQuery(c, eventsQuery);
      const rows = listWebhookEvents(deps.db, { state: q.state, beforeId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return c.json({ data: items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null });
    })
    .post('/admin/webhook-events/replay', admins, async (c) => {
      const body = await readJson(c, replayBody);
      const count = replayWebhookEvents(deps, body.ids ? body.ids.map(Number) : 'failed');
      return c.json({ data: { queued: count } }, 202);
    });
}
