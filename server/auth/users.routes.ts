import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { requireRole } from './auth.middleware.js';
import { createUserBody } from './auth.schemas.js';
import { userToJson } from './auth.users.js';
import { actorOf, recordAudit } from '../audit/audit.js';

/** Team members. Owners and admins add admins and agents; the owner comes from the first boot. */
export function createUsersRoutes(deps: AppDeps) {
  // Per-route guards: a sub-app's `use()` would cover every path under the shared /api/v1 base.
  const managers = requireRole('owner', 'admin');
  return new Hono<AppEnv>()
    .get('/users', managers, (c) => c.json({ data: deps.users.list().map(userToJson) }))
    .post('/users', managers, async (c) => {
      const body = await readJson(c, createUserBody);
      const user = await deps.users.create(body);
      recordAudit(deps.db, actorOf(c.get('auth')), { action: 'user.created', entityType: 'user', entityId: user.id, after: { email: user.email, role: user.role } }, deps.clock.now());
      return c.json({ data: userToJson(user) }, 201);
    });
}
