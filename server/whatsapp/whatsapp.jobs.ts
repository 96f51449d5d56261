import type { AppDeps } from '../deps.js';
import { downloadMediaJob } from '../media/media.jobs.js';
import { MEDIA_DOWNLOAD_QUEUE } from './webhook/webhook.apply.js';
import { PROCESS_WEBHOOK_QUEUE } from './webhook/webhook.ingest.js';
import { processWebhookEvents } from './webhook/webhook.process.js';
import { failUndeliveredMessage, MARK_READ_QUEUE, markReadJob, sendMessageJob } from './outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from './outbound/outbound.usecases.js';
import { SYNC_TEMPLATES_QUEUE, syncTemplatesJob } from '../templates/templates.jobs.js';
import { notifyNewMessageJob, PUSH_NOTIFY_QUEUE } from '../push/push.usecases.js';

/** Registers the channel's queues: webhook processing, sends, read receipts, media downloads. */
export function registerWhatsAppJobs(deps: AppDeps): void {
  // Batches of up to 200 bodies share one transaction: webhook bursts cost one fsync per batch.
  deps.worker.registerBatch<{ eventId: number }>(
    PROCESS_WEBHOOK_QUEUE,
    (jobs) => {
      const failures = processWebhookEvents(deps, jobs.map((j) => j.payload.eventId));
      return new Map(jobs.filter((j) => failures.has(j.payload.eventId)).map((j) => [j.id, failures.get(j.payload.eventId)]));
    },
    { concurrency: 200, leaseMs: 60_000 },
  );
  deps.worker.register<{ messageId: string }>(SEND_MESSAGE_QUEUE, (p, ctx) => sendMessageJob(deps, p, ctx), {
    concurrency: 16,
    leaseMs: 60_000,
    onDead: (p: { messageId: string }, error) => failUndeliveredMessage(deps, p.messageId, error),
  });
  deps.worker.register<{ channelId: string; waMessageId: string }>(MARK_READ_QUEUE, (p, ctx) => markReadJob(deps, p, ctx), { concurrency: 4 });
  deps.worker.register<{ channelId: string }>(SYNC_TEMPLATES_QUEUE, (p, ctx) => syncTemplatesJob(deps, p, ctx.signal), { concurrency: 1 });
  deps.worker.register<{ messageId: string }>(PUSH_NOTIFY_QUEUE, (p) => notifyNewMessageJob(deps, p), { concurrency: 4, leaseMs: 60_000 });
  deps.worker.register<{ mediaId: string }>(MEDIA_DOWNLOAD_QUEUE, (p, ctx) => downloadMediaJob(deps, p, ctx), { concurrency: 4, leaseMs: 5 * 60_000 });
}
