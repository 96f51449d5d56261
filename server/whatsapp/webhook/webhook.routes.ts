import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ChannelRepository } from '../../channels/channels.repository.js';
import { errorBody } from '../../lib/errors.js';
import type { AppEnv } from '../../lib/http.js';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../../lib/clock.js';
import type { AppMetrics } from '../../metrics/metrics.catalog.js';
import type { WebhookIngest } from './webhook.ingest.js';
import { matchWebhookSignature } from './webhook.signature.js';

/** Meta sends up to 3 MB; a little headroom for batching. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export type WebhookDeps = { channels: Pick<ChannelRepository, 'all' | 'markWebhookVerified'>; ingest: WebhookIngest; logger: Logger; clock: Clock; metrics?: Pick<AppMetrics, 'webhookAnswered'> };

/**
 * The intake decision for one POST, shared by the Hono route and the node:http fast path: check the
 * signature over the raw bytes against every channel's app secret, then store the body durably.
 * Resolves once the body is committed (the 200 may be sent) or with the error to answer.
 */
export async function acceptWebhook(deps: WebhookDeps, body: Buffer, signature: string | undefined): Promise<{ status: 200 | 401 | 503; body: string }> {
  const channels = deps.channels.all();
  const matched = matchWebhookSignature(body, signature, channels.map((ch) => ch.appSecret));
  if (matched < 0) {
    return { status: 401, body: JSON.stringify(errorBody('webhooks.bad_signature', 'X-Hub-Signature-256 is missing or does not match any channel app secret.')) };
  }
  // The body may only speak for the channels of the app that signed it (checked when applied).
  const secret = channels[matched]!.appSecret;
  const signers = channels.filter((ch) => ch.appSecret === secret).map((ch) => ch.id);
  try {
    await deps.ingest.store(signature!, body, signers);
  } catch (err) {
    // Disk full (SQLITE_FULL), read-only or locked: not stored, so no 200. A 503 makes Meta retry later
    // (it keeps retrying for days), and the process stays up for the requests that can still be served.
    deps.logger.error('webhook could not be stored; answered 503 so Meta retries', { err });
    return { status: 503, body: NOT_STORED_BODY };
  }
  return { status: 200, body: 'EVENT_RECEIVED' };
}

/** The answer when a signed webhook could not be stored; sent with Retry-After. */
export const NOT_STORED_BODY = JSON.stringify(errorBody('webhooks.unavailable', 'The webhook could not be stored right now (the server may be out of disk space); retry later.'));
/** Seconds a 503 asks Meta to wait (Meta uses its own backoff, but other senders honour it). */
export const NOT_STORED_RETRY_AFTER = '60';

export const TOO_LARGE_BODY = JSON.stringify(errorBody('request.too_large', 'Webhook body over 4 MB.'));

/**
 * `/webhooks/whatsapp`: the verify handshake, and intake that checks the signature over the raw bytes,
 * stores them durably and answers 200. Parsing happens later, in the job (off the hot path).
 */
export function createWebhookRoutes(deps: WebhookDeps) {
  return new Hono<AppEnv>()
    .get('/webhooks/whatsapp', (c) => {
      const mode = c.req.query('hub.mode');
      const token = c.req.query('hub.verify_token') ?? '';
      const challenge = c.req.query('hub.challenge') ?? '';
      const matched = deps.channels.all().filter((ch) => sameText(ch.verifyToken, token));
      if (mode === 'subscribe' && matched.length > 0 && challenge) {
        deps.logger.info('webhook verified by Meta');
        // The setup check reports it: Meta sends this handshake only when the callback URL is saved.
        deps.channels.markWebhookVerified(matched.map((ch) => ch.id), deps.clock.now());
        return c.text(challenge, 200);
      }
      return c.json(errorBody('webhooks.verification_failed', 'hub.mode must be "subscribe" and hub.verify_token must match a channel.'), 403);
    })
    .post(
      '/webhooks/whatsapp',
      async (c, next) => {
        const started = performance.now();
        await next();
        deps.metrics?.webhookAnswered(c.res.status, started);
      },
      // Also bounds chunked bodies, which carry no Content-Length, while they stream in.
      bodyLimit({ maxSize: WEBHOOK_BODY_LIMIT, onError: (c) => c.body(TOO_LARGE_BODY, 413, { 'content-type': 'application/json' }) }),
      async (c) => {
        const result = await acceptWebhook(deps, Buffer.from(await c.req.arrayBuffer()), c.req.header('x-hub-signature-256'));
        const headers: Record<string, string> = { 'content-type': result.status === 200 ? 'text/plain; charset=UTF-8' : 'application/json' };
        if (result.status === 503) headers['retry-after'] = NOT_STORED_RETRY_AFTER;
        return c.body(result.body, result.status, headers);
      },
    );
}
