/**
 * Helpers for outbound webhook tests: a test context with the consumer and queue registered, the routes
 * served with the real auth middleware, a recording fetch, and a way to run due delivery jobs the way the
 * worker settles them (so retries follow the injected clock).
 */
import { Hono } from 'hono';
import { inTransaction } from '../../db/client.js';
import { authenticate, csrfGuard } from '../auth/auth.middleware.js';
import type { EventType } from '../events/events.outbox.js';
import { directJobContext, PermanentJobError, RetryAfterError } from '../jobs/jobs.worker.js';
import { backoffDelay, describeError } from '../jobs/jobs.models.js';
import { AppError, errorBody } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { silentLogger } from '../lib/logger.js';
import { createTestContext, type JsonResponse } from '../testing.js';
import { registerOutboundWebhooks } from './webhooks.consumer.js';
import { deliverWebhookJob, markDeliveryDead, type DeliverPayload } from './webhooks.deliver.js';
import { DELIVER_QUEUE } from './webhooks.models.js';
import { createWebhooksRoutes } from './webhooks.routes.js';

/** One request a fetch stand-in received. */
export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records each request and answers with `respond(n, request)` (n = 0-based call count). */
export function recordingFetch(respond: (n: number, req: SentRequest, init: RequestInit) => Response | Promise<Response> = () => new Response('ok')) {
  const sent: SentRequest[] = [];
  const fetchFn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const req = { url: String(input), headers: Object.fromEntries(new Headers(init.headers).entries()), body: String(init.body) };
    sent.push(req);
    return respond(sent.length - 1, req, init);
  }) as typeof fetch;
  return { fetch: fetchFn, sent };
}

/** A fetch that never answers: it rejects only when its signal aborts (the timeout). */
export const hangingFetch = (_input: string | URL | Request, init: RequestInit = {}) =>
  new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)));

export async function createWebhooksTest(opts: { fetch?: typeof fetch; timeoutMs?: number } = {}) {
  const t = createTestContext({ fetch: opts.fetch });
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const consumer = registerOutboundWebhooks(t.deps, { timeoutMs });

  // The routes behind the real session and CSRF middleware, as app.ts mounts them under /api/v1.
  const api = new Hono<AppEnv>();
  api.use(csrfGuard(t.config.publicUrl));
  api.use(authenticate(t.deps));
  api.route('/', createWebhooksRoutes(t.deps));
  const app = new Hono<AppEnv>().route('/api/v1', api);
  app.onError((err, c) => (err instanceof AppError ? c.json(errorBody(err.code, err.message), err.status) : c.json(errorBody('internal.error', String(err)), 500)));

  const owner = await t.signIn('owner');
  /** A request to the webhook routes (as the owner unless another cookie is given). */
  const request = (path: string, init: { method?: string; body?: unknown; cookie?: string | null } = {}) => {
    const headers: Record<string, string> = { origin: t.origin };
    const cookie = init.cookie === undefined ? owner.cookie : init.cookie;
    if (cookie) headers.cookie = cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    return app.request(`${t.origin}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }) as Promise<JsonResponse>;
  };

  /** Creates a subscription through the API; returns it with its secret. */
  const subscribe = async (body: { url?: string; events: string[]; secret?: string; description?: string }) => {
    const res = await request('/webhooks', { body: { url: 'https://hooks.example.com/parley', ...body } });
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${await res.text()}`);
    return (await res.json()).data as { id: string; secret: string; url: string; events: string[] };
  };

  /** Emits an event in a transaction (as a change would) at the clock's time. */
  const emit = (type: EventType, data: Record<string, unknown>, extra: { dealId?: string; contactId?: string } = {}) =>
    inTransaction(t.db, () => t.deps.outbox.emit({ type, data, ...extra }, t.clock.now()));

  /**
   * Runs every due `webhooks.deliver` job once, settling failures as the worker does (RetryAfterError at
   * its delay, other errors with the default backoff, dead → onDead). Returns how many ran.
   */
  const runDue = async () => {
    const jobs = t.deps.jobs.claim<DeliverPayload>(DELIVER_QUEUE, 100, timeoutMs + 30_000);
    for (const job of jobs) {
      try {
        await deliverWebhookJob(t.deps, job.payload, directJobContext(job, silentLogger), { timeoutMs });
        t.deps.jobs.complete(job);
      } catch (err) {
        const delay = err instanceof RetryAfterError ? err.retryAfterMs : backoffDelay(job.attempts);
        const state = t.deps.jobs.fail(job, describeError(err), { retryAt: t.clock.now() + delay, permanent: err instanceof PermanentJobError });
        if (state === 'dead') markDeliveryDead(t.deps, job.payload, describeError(err));
      }
    }
    return jobs.length;
  };

  /** Delivery rows, oldest first, straight from the table. */
  const deliveries = () =>
    t.db.$client.prepare('SELECT * FROM webhook_deliveries ORDER BY created_at, rowid').all() as {
      id: string;
      subscription_id: string;
      event_id: number;
      event_type: string;
      state: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      last_response: string | null;
      last_attempt_at: number | null;
      next_attempt_at: number | null;
      delivered_at: number | null;
      created_at: number;
    }[];

  /** The queued delivery jobs with their run times. */
  const queued = () => t.db.$client.prepare(`SELECT id, state, run_at AS runAt, attempts, idempotency_key AS key FROM jobs WHERE queue = ? AND state = 'queued'`).all(DELIVER_QUEUE) as { id: number; runAt: number; key: string }[];

  return { t, consumer, request, subscribe, emit, runDue, deliveries, queued, owner: owner.cookie };
}
