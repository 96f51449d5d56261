import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { ChannelRepository } from '../../channels/channels.repository.js';
import { errorBody } from '../../lib/errors.js';
import type { AppEnv } from '../../lib/http.js';
import type { Logger } from '../../lib/logger.js';
import type { WebhookIngest } from './webhook.ingest.js';
import { matchWebhookSignature } from './webhook.signature.js';

/** Meta sends up to 3 MB; a little headroom for batching. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `/webhooks/whatsapp`: the verify handshake, and intake that checks the signature over the raw bytes,
 * stores them durably and answers 200. Parsing happens later, in the job (off the hot path).
 */
export function createWebhookRoutes(deps: { channels: Pick<ChannelRepository, 'all'>; ingest: WebhookIngest; logger: Logger }) {
  return new Hono<AppEnv>()
    .get('/webhooks/whatsapp', (c) => {
      const mode = c.req.query('hub.mode');
      const token = c.req.query('hub.verify_token') ?? '';
      const challenge = c.req.query('hub.challenge') ?? '';
      const known = deps.channels.all().some((ch) => sameText(ch.verifyToken, token));
      if (mode === 'subscribe' && known && challenge) {
        deps.logger.info('webhook verified by Meta');
        return c.text(challenge, 200);
      }
      return c.json(errorBody('webhooks.verification_failed', 'hub.mode must be "subscribe" and hub.verify_token must match a channel.'), 403);
    })
    .post('/webhooks/whatsapp', async (c) => {
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > WEBHOOK_BODY_LIMIT) return c.json(errorBody('request.too_large', 'Webhook body over 4 MB.'), 413);
      const body = Buffer.from(await c.req.arrayBuffer());
      if (body.length > WEBHOOK_BODY_LIMIT) return c.json(errorBody('request.too_large', 'Webhook body over 4 MB.'), 413);
      const signature = c.req.header('x-hub-signature-256');
      const secrets = deps.channels.all().map((ch) => ch.appSecret);
      if (matchWebhookSignature(body, signature, secrets) < 0) {
        return c.json(errorBody('webhooks.bad_signature', 'X-Hub-Signature-256 is missing or does not match any channel app secret.'), 401);
      }
      await deps.ingest.store(signature!, body);
      return c.text('EVENT_RECEIVED', 200);
    });
}
