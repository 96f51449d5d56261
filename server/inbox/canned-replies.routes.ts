import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { cannedReplies } from '../../db/schema/inbox.js';
import { currentAuth, requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { conflict, notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';

const body = z.object({
  shortcut: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1–32 letters, digits, - or _'),
  body: z.string().trim().min(1, 'is required').max(4096),
});
const toJson = (r: typeof cannedReplies.$inferSelect) => ({ id: r.id, shortcut: r.shortcut, body: r.body, createdAt: toIso(r.createdAt) });

/** Canned replies: everyone uses them, owners and admins manage them. */
export function createCannedRepliesRoutes(deps: AppDeps) {
  const admins = requireRole('owner', 'admin');
  return new Hono<AppEnv>()
    .get('/canned-replies', requireAuth, (c) => c.json({ data: deps.db.select().from(cannedReplies).orderBy(asc(cannedReplies.shortcut)).all().map(toJson) }))
    .post('/canned-replies', admins, async (c) => {
      const input = await readJson(c, body);
      const row = { id: newId('cr'), ...input, createdBy: currentAuth(c).user.id, createdAt: deps.clock.now() };
      if (deps.db.insert(cannedReplies).values(row).onConflictDoNothing().run().changes === 0) {
        throw conflict('canned_replies.exists', `/${input.shortcut} already exists.`);
      }
      return c.json({ data: toJson(row) }, 201);
    })
    .delete('/canned-replies/:id', admins, (c) => {
      if (deps.db.delete(cannedReplies).where(eq(cannedReplies.id, c.req.param('id'))).run().changes === 0) throw notFound('canned_replies.not_found', 'No such canned reply.');
      return c.body(null, 204);
    });
}
