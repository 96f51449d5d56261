import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { pushSubscriptions } from '../../db/schema/push.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';

const decodedLength = (b64url: string) => Buffer.from(b64url, 'base64url').length;
const keys = z.object({
  // An uncompressed P-256 point (65 bytes) and a 16-byte secret, as browsers create them.
  p256dh: z.string().max(200).refine((k) => decodedLength(k) === 65, 'must be a 65-byte P-256 public key (base64url)'),
  auth: z.string().max(100).refine((k) => decodedLength(k) === 16, 'must be a 16-byte secret (base64url)'),
});

/**
 * Push services are public https hosts (FCM, Mozilla, Apple). Anything else would let a signed-in user
 * make the server POST to an address of their choosing, so IP literals and local names are refused —
 * except loopback in sandbox mode, where the tests stand up their own push service.
 */
export function acceptablePushEndpoint(raw: string, sandbox: boolean): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  if (loopback) return sandbox;
  const ipLiteral = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
  return url.protocol === 'https:' && !ipLiteral && host.includes('.') && !host.endsWith('.local') && !host.endsWith('.internal');
}
const unsubscribeBody = z.object({ endpoint: z.string().min(1) });

/** Web Push: the public VAPID key, and the current user's device subscriptions. */
export function createPushRoutes(deps: AppDeps) {
  const available = () => {
    if (!deps.vapid) throw new AppError(503, 'push.unavailable', 'Push notifications are not configured on this server.');
    return deps.vapid;
  };
  return new Hono<AppEnv>()
    .get('/push/key', requireAuth, (c) => c.json({ data: { publicKey: available().publicKey } }))
    .post('/push/subscriptions', requireAuth, async (c) => {
      available();
      const body = await readJson(c, z.object({ endpoint: z.string().max(2048), keys }));
      if (!acceptablePushEndpoint(body.endpoint, deps.config.mode === 'sandbox')) {
        throw new AppError(400, 'request.invalid', 'endpoint: must be the https URL of a public push service');
      }
      const userId = currentAuth(c).user.id;
      deps.db
        .insert(pushSubscriptions)
        .values({ id: newId('psub'), userId, endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, createdAt: deps.clock.now() })
        .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: body.keys.p256dh, auth: body.keys.auth } })
        .run();
      return c.json({ data: { subscribed: true } }, 201);
    })
    .delete('/push/subscriptions', requireAuth, async (c) => {
      const { endpoint } = await readJson(c, unsubscribeBody);
      deps.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, currentAuth(c).user.id))).run();
      return c.body(null, 204);
    });
}
