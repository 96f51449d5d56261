import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { readQuery, type AppEnv } from '../lib/http.js';
import { enqueueTemplateSync } from './templates.jobs.js';
import { listTemplates, templateToJson } from './templates.repository.js';

const listQuery = z.object({ channelId: z.string().optional(), status: z.string().toUpperCase().optional() });

/** Message templates as synced from Meta; sync on demand (owners/admins). */
export function createTemplatesRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/templates', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      const wabaId = q.channelId ? (deps.channels.byId(q.channelId)?.wabaId ?? '-') : undefined;
      return c.json({ data: listTemplates(deps.db, { wabaId, status: q.status }).map(templateToJson) });
    })
    .post('/templates/sync', requireRole('owner', 'admin'), (c) => c.json({ data: { queued: enqueueTemplateSync(deps) } }, 202));
}
