import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages } from '../../db/schema/inbox.js';
import { media } from '../../db/schema/whatsapp.js';
import type { Channel, ChannelRepository } from '../channels/channels.repository.js';
import type { JobContext } from '../jobs/jobs.worker.js';
import type { Clock } from '../lib/clock.js';
import type { EventBus } from '../lib/event-bus.js';
import type { GraphClient } from '../whatsapp/graph/graph.client.js';
import { classifyGraphError, explainGraphError, GraphError } from '../whatsapp/graph/graph.errors.js';
import { baseMime, INBOUND_MAX_BYTES, sha256Hex, sha256Matches } from './media.models.js';
import type { MediaStorage } from './media.storage.js';
import type { AppMetrics } from '../metrics/metrics.catalog.js';

export interface MediaJobDeps {
  db: Db;
  clock: Clock;
  channels: ChannelRepository;
  storage: MediaStorage;
  bus: EventBus;
  graphFor: (channel: Channel) => GraphClient;
  metrics?: Pick<AppMetrics, 'mediaDownloaded'>;
}

/**
 * `media.download`: ask Graph for a fresh URL (they expire in 5 minutes), download with the token,
 * check the hash Meta sent (base64 or hex), store content-addressed. Transient failures retry; a
 * permanent one, a hash that keeps mismatching or the last attempt leave the media `failed` with the reason.
 */
export async function downloadMediaJob(deps: MediaJobDeps, payload: { mediaId: string }, ctx: JobContext<unknown>): Promise<void> {
  const { db, clock } = deps;
  const row = db.select().from(media).where(eq(media.id, payload.mediaId)).get();
  if (!row || row.state === 'ready' || !row.waMediaId) return;
  const channel = deps.channels.byId(row.channelId);
  if (!channel) return markFailed(deps, row.id, 'The channel this media came from no longer exists.');
  const lastTry = ctx.job.attempts >= ctx.job.maxAttempts;

  try {
    const graph = deps.graphFor(channel);
    const info = await graph.getMedia(row.waMediaId, { signal: ctx.signal });
    // Up to 100 MB: far more than the client's default 15 s; still inside the job's 5-minute lease.
    const { bytes, contentType } = await graph.downloadMedia(info.url, { maxBytes: INBOUND_MAX_BYTES, signal: ctx.signal, timeoutMs: 4 * 60_000 });
    deps.metrics?.mediaDownloaded.inc(bytes.length);
    const expected = row.metaSha256 ?? info.sha256;
    if (expected && !sha256Matches(bytes, expected)) {
      const reason = 'The downloaded file does not match the checksum WhatsApp sent.';
      if (lastTry) return markFailed(deps, row.id, reason);
      throw new Error(reason);
    }
    const hex = sha256Hex(bytes);
    await deps.storage.put(hex, bytes);
    db.update(media)
      .set({ state: 'ready', sha256: hex, size: bytes.length, mimeType: row.mimeType ?? info.mimeType ?? baseMime(contentType), error: null, updatedAt: clock.now() })
      .where(eq(media.id, row.id))
      .run();
    publish(deps, row.id);
  } catch (err) {
    const { retry } = classifyGraphError(err, ctx.job.attempts);
    const isGraph = err instanceof GraphError;
    if ((isGraph && retry === 'permanent') || retry === 'reauth' || lastTry) {
      // A dead token fails every call, not just this one: the channel shows it (as a failed send does).
      if (isGraph && retry === 'reauth') deps.channels.setStatus(channel.id, 'needs_token', explainGraphError(err.code ?? 190));
      const reason = isGraph ? explainGraphError(err.code, err.title) : err instanceof Error ? err.message : String(err);
      return markFailed(deps, row.id, reason);
    }
    throw err;
  }
}

function markFailed(deps: MediaJobDeps, mediaId: string, reason: string) {
  deps.db.update(media).set({ state: 'failed', error: reason, updatedAt: deps.clock.now() }).where(eq(media.id, mediaId)).run();
  publish(deps, mediaId);
}

function publish(deps: MediaJobDeps, mediaId: string) {
  const msg = deps.db.select({ id: messages.id, conversationId: messages.conversationId }).from(messages).where(eq(messages.mediaId, mediaId)).get();
  if (msg) deps.bus.publish({ type: 'message.updated', conversationId: msg.conversationId, data: { id: msg.id } });
}
