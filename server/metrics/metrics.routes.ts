import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { authenticate, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../lib/http.js';
import { METRICS_CONTENT_TYPE } from './metrics.registry.js';

type MetricsDeps = Pick<AppDeps, 'config' | 'sessions' | 'apiTokens' | 'metrics' | 'logger'>;

// Digests first: equal lengths for timingSafeEqual, and the token's length does not leak either.
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may scrape: a request carrying `Authorization: Bearer $METRICS_TOKEN`, else an owner or admin
 * (session or API token). 401 without credentials or with a wrong token, 403 for an agent.
 */
function metricsAuth(deps: MetricsDeps): MiddlewareHandler<AppEnv> {
  const expected = deps.config.metricsToken ? digest(deps.config.metricsToken) : null;
  const signedIn = authenticate(deps);
  const admins = requireRole('owner', 'admin');
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (expected && bearer && timingSafeEqual(digest(bearer), expected)) return next();
    return signedIn(c, async () => {
      await admins(c, next);
    });
  };
}

/** `GET /metrics`: Prometheus text format 0.0.4 (outside /api: scrapers expect it at the root). */
export function createMetricsRoutes(deps: MetricsDeps) {
  return new Hono<AppEnv>().get('/metrics', metricsAuth(deps), (c) => {
    const text = deps.metrics.registry.render((err) => deps.logger.warn('metrics: a collector failed', { err }));
    return c.body(text, 200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
  });
}
