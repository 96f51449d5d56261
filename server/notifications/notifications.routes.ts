import { Hono } from 'hono';
import { z } from 'zod';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { decodeCursor, page, readJson, readQuery, type AppEnv } from '../lib/http.js';
import { listNotifications, markNotificationsRead, notificationToJson, unreadCount } from './notifications.usecases.js';

const listQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
});
const readBody = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1, 'give at least one id').max(500) }),
  z.strictObject({ all: z.literal(true) }),
], { error: 'give {"ids": [...]} or {"all": true}' });

/**
 * The signed-in teammate's own notifications: `GET /notifications` (newest first, with the unread count)
 * and `POST /notifications/read` (`{ids}` or `{all: true}`). Everyone sees only their own.
 */
export function createNotificationsRoutes(deps: Pick<AppDeps, 'db' | 'bus' | 'clock'>) {
  const { db, clock } = deps;
  return new Hono<AppEnv>()
    .get('/notifications', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      const userId = currentAuth(c).user.id;
      const rows = listNotifications(db, userId, { limit: q.limit + 1, before: decodeCursor(q.cursor), unreadOnly: q.unread === '1' || q.unread === 'true' });
      const body = page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), (items) => items.map(notificationToJson));
      return c.json({ ...body, unreadCount: unreadCount(db, userId) });
    })
    .post('/notifications/read', requireAuth, async (c) => {
      const body = await readJson(c, readBody);
      const result = markNotificationsRead(deps, currentAuth(c).user.id, 'all' in body ? 'all' : body.ids, clock.now());
      return c.json({ data: result });
    });
}
