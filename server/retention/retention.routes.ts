import { Hono } from 'hono';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { retentionBody } from './retention.models.js';
import { lastRetentionRun, readRetention, saveRetention } from './retention.usecases.js';

/** `GET/PUT /settings/retention` (owners and admins): how long raw webhooks and media are kept. */
export function createRetentionRoutes(deps: Pick<AppDeps, 'db' | 'clock'>) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const view = () => {
    const last = lastRetentionRun(db);
    return { ...readRetention(db), lastRun: last && { ...last, at: toIso(last.at) } };
  };
  return new Hono<AppEnv>()
    .get('/settings/retention', admins, (c) => c.json({ data: view() }))
    .put('/settings/retention', admins, async (c) => {
      const body = await readJson(c, retentionBody);
      const before = readRetention(db);
      inTransaction(db, () => {
        saveRetention(db, body);
        recordAudit(db, actorOf(c.get('auth')), { action: 'settings.updated', entityType: 'settings', entityId: 'retention', before, after: body }, clock.now());
      });
      return c.json({ data: view() });
    });
}
