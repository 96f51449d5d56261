import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { pushSubscriptions } from '../../db/schema/push.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';

const subscriptionBody = z.object({
  endpoint: z.url().refine((u) => u.startsWith('https://') || u.startsWith('http://127.0.0.1') || u.startsWith('http://localhost'), 'must be an https URL'),
  keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }),
});
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
      const body = await readJson(c, subscriptionBody);
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
