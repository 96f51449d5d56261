import type { AppDeps } from '../deps.js';
import { PermanentJobError } from '../jobs/jobs.worker.js';
import { downloadMediaJob } from '../media/media.jobs.js';
import { MEDIA_DOWNLOAD_QUEUE } from './webhook/webhook.apply.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from './webhook/webhook.ingest.js';
import { processWebhookEvents } from './webhook/webhook.process.js';
import { failUndeliveredMessage, MARK_READ_QUEUE, markReadJob, sendMessageJob } from './outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from './outbound/outbound.usecases.js';
import { SYNC_TEMPLATES_QUEUE, syncTemplatesJob } from '../templates/templates.jobs.js';
import { notifyNewMessageJob, PUSH_NOTIFY_QUEUE } from '../push/push.usecases.js';

/** Registers the channel's queues: webhook processing, sends, read receipts, media downloads. */
export function registerWhatsAppJobs(deps: AppDeps): void {
  // Each job holds the bodies of one intake commit (≤ 100); up to 4 jobs share one transaction, so a
  // webhook burst costs one fsync per batch. A job fails (and is retried: processing is idempotent) if
  // one of its bodies failed for a reason that may pass; an unreadable body is marked failed on its
  // event row (listed and replayable there) and does not hold back the rest.
  deps.worker.registerBatch<ProcessWebhookPayload>(
    PROCESS_WEBHOOK_QUEUE,
    (jobs) => {
      const failures = processWebhookEvents(deps, jobs.flatMap((j) => j.payload.eventIds));
      const failed = new Map<number, unknown>();
      for (const j of jobs) {
        const id = j.payload.eventIds.find((e) => failures.has(e) && !(failures.get(e) instanceof PermanentJobError));
        if (id !== undefined) failed.set(j.id, failures.get(id));
      }
      return failed;
    },
    { concurrency: 4, leaseMs: 60_000 },
  );
  deps.worker.register<{ messageId: string }>(SEND_MESSAGE_QUEUE, (p, ctx) => sendMessageJob(deps, p, ctx), {
    concurrency: 16,
    // Above the Graph timeout (15 s); short enough that sends held by a crashed process go on soon.
    leaseMs: 20_000,
    onDead: (p: { messageId: string }, error) => failUndeliveredMessage(deps, p.messageId, error),
  });
  deps.worker.register<{ channelId: string; waMessageId: string }>(MARK_READ_QUEUE, (p, ctx) => markReadJob(deps, p, ctx), { concurrency: 4 });
  deps.worker.register<{ channelId: string }>(SYNC_TEMPLATES_QUEUE, (p, ctx) => syncTemplatesJob(deps, p, ctx.signal), { concurrency: 1 });
  deps.worker.register<{ messageId: string }>(PUSH_NOTIFY_QUEUE, (p) => notifyNewMessageJob(deps, p), { concurrency: 4, leaseMs: 60_000 });
  deps.worker.register<{ mediaId: string }>(MEDIA_DOWNLOAD_QUEUE, (p, ctx) => downloadMediaJob(deps, p, ctx), { concurrency: 4, leaseMs: 5 * 60_000 });
}
