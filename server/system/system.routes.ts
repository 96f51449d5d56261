import { Hono } from 'hono';
import { migrationStatus } from '../../db/client.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../lib/http.js';
import { DEMO_LOGIN } from './bootstrap.js';
import { APP_VERSION } from './version.js';

/** Liveness and readiness probes (outside /api so load balancers need no auth). */
export function createProbeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', (c) => {
      const checks: Record<string, string> = {};
      try {
        deps.db.$client.prepare('SELECT 1').get();
        checks.database = 'ok';
        const m = migrationStatus(deps.db);
        checks.migrations = m.applied >= m.expected ? 'ok' : `${m.applied} of ${m.expected} applied`;
      } catch (err) {
        checks.database = err instanceof Error ? err.message : String(err);
        checks.migrations = 'unknown';
      }
      checks.worker = deps.worker.isRunning() ? 'ok' : 'stopped';
      const ready = Object.values(checks).every((v) => v === 'ok');
      return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
    });
}

/** Public facts the sign-in page needs: mode (sandbox banner), version, the demo login in sandbox. */
export function createSystemRoutes(deps: AppDeps) {
  const sandbox = deps.config.mode === 'sandbox';
  return new Hono<AppEnv>().get('/system/status', (c) =>
    c.json({
      data: {
        mode: deps.config.mode,
        version: APP_VERSION,
        webhookUrl: `${deps.config.publicUrl}/webhooks/whatsapp`,
        // Only in sandbox, and only while the demo account exists: there is nothing real behind it.
        demoLogin: sandbox && deps.users.findByEmail(DEMO_LOGIN.email) ? DEMO_LOGIN : null,
        // No user at all: the sign-in page offers to create the owner account instead.
        needsSetup: deps.users.count() === 0,
      },
    }),
  );
}
