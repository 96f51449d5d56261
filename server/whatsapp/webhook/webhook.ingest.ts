import type { Db } from '../../../db/client.js';
import type { JobStore } from '../../jobs/jobs.store.js';
import type { Clock } from '../../lib/clock.js';

export const PROCESS_WEBHOOK_QUEUE = 'whatsapp.process-webhook';

interface Pending {
  signature: string;
  /** Channel ids sharing the app secret that signed the body. */
  signers: string;
  body: Buffer;
  receivedAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export type WebhookIngest = ReturnType<typeof createWebhookIngest>;

/**
 * Durable intake with group commit: requests arriving in the same event-loop turn share one
 * transaction (one fsync), and each is acknowledged only after the commit that holds it.
 * `setImmediate` batches where `queueMicrotask` would not: Node drains microtasks between sockets.
 */
export function createWebhookIngest(deps: { db: Db; jobs: Pick<JobStore, 'enqueue'>; clock: Clock; onCommitted?: (count: number) => void }) {
  const insert = deps.db.$client.prepare(`INSERT INTO webhook_events (received_at, signature, signed_for, body, state) VALUES (?, ?, ?, ?, 'received')`);
  const commit = deps.db.$client.transaction((batch: Pending[]) => {
    for (const p of batch) {
      const id = Number(insert.run(p.receivedAt, p.signature, p.signers, p.body).lastInsertRowid);
      deps.jobs.enqueue(PROCESS_WEBHOOK_QUEUE, { eventId: id }, { maxAttempts: 5 });
    }
  });
  let pending: Pending[] = [];
  let scheduled = false;
  let batches = 0;
  let stored = 0;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      commit(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batches++;
    stored += batch.length;
    for (const p of batch) p.resolve();
    deps.onCommitted?.(batch.length);
  };

  return {
    /** Resolves once the body and its processing job are committed to disk. */
    store(signature: string, body: Buffer, signers: readonly string[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        pending.push({ signature, signers: signers.join(','), body, receivedAt: deps.clock.now(), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    /** Batches and bodies committed so far (metrics, benchmark). */
    stats: () => ({ batches, stored }),
  };
}
