import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditLog } from '../../db/schema/audit.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { readQuery, type AppEnv } from '../lib/http.js';

const listQuery = z.object({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The audit log for owners and admins, newest first, filterable. */
export function createAuditRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/audit', requireRole('owner', 'admin'), (c) => {
    const q = readQuery(c, listQuery);
    const where: SQL[] = [];
    if (q.entityType) where.push(eq(auditLog.entityType, q.entityType));
    if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
    if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
    if (q.action) where.push(eq(auditLog.action, q.action));
    if (q.cursor) where.push(lt(auditLog.id, Number(q.cursor)));
    const rows = deps.db.select().from(auditLog).where(where.length ? and(...where) : undefined).orderBy(desc(auditLog.id)).limit(q.limit + 1).all();
    const items = rows.slice(0, q.limit);
    return c.json({
      data: items.map((r) => ({
        id: String(r.id),
        at: toIso(r.at),
        actor: { kind: r.actorKind, id: r.actorId },
        action: r.action,
        entityType: r.entityType,
        entityId: r.entityId,
        before: r.before ? (JSON.parse(r.before) as unknown) : null,
        after: r.after ? (JSON.parse(r.after) as unknown) : null,
      })),
      nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.id) : null,
    });
  });
}
