/**
 * Meta's webhook sender, simulated: bodies serialised Meta-style (ASCII, lowercase \u escapes, "\/"),
 * signed over those exact bytes, POSTed with optional delay and duplicates, retried on non-200 answers.
 * Every pending timer and delivery is tracked so tests can wait for quiet (`idle`) or cancel (`stop`).
 */
import { serializeMetaStyle, signWebhookBody } from '../webhook/webhook.signature.js';

/** Tracks background work: cancellable sleeps and in-flight promises. */
export function createTaskTracker() {
  const pending = new Set<Promise<unknown>>();
  const sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  const abort = new AbortController();
  let stopped = false;

  /** Registers a promise as pending until it settles; returns it unchanged. */
  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** setTimeout as a promise; resolves at once when stopped, so callers just check `stopped` after. */
  function sleep(ms: number): Promise<void> {
    if (stopped || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          sleepers.delete(entry);
          resolve();
        }, ms),
      };
      sleepers.add(entry);
    });
  }

  /** Resolves once nothing is pending, including work scheduled by work that was pending. */
  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  function stop(): void {
    stopped = true;
    abort.abort();
    for (const s of sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    sleepers.clear();
  }

  return {
    track,
    sleep,
    idle,
    stop,
    signal: abort.signal,
    get stopped() {
      return stopped;
    },
  };
}

export type TaskTracker = ReturnType<typeof createTaskTracker>;

/** The knobs the sender reads on every POST. */
export interface WebhookFaults {
  duplicateWebhooks: number;
  webhookDelayMs: number;
}

export interface WebhookSenderOptions {
  webhookUrl: string | (() => string);
  appSecret: string;
  fetch?: typeof fetch;
  faults: WebhookFaults;
  /** Waits between attempts after a non-200 answer; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Per-POST timeout; Meta's is undocumented, a few seconds is what third parties observe. */
  timeoutMs?: number;
}

/** Builds `deliver(payload)`: serialise, sign, POST (+ duplicates), retry non-200 like Meta. */
export function createWebhookSender(opts: WebhookSenderOptions, tasks: TaskTracker) {
  const doFetch = opts.fetch ?? globalThis.fetch;

  /** One POST; the HTTP status, or 0 when the request could not be made or timed out. */
  async function postOnce(body: string, signature: string): Promise<number> {
    try {
      const url = typeof opts.webhookUrl === 'function' ? opts.webhookUrl() : opts.webhookUrl;
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signature,
          'user-agent': 'facebookexternalua',
        },
        body,
        signal: AbortSignal.any([tasks.signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]),
      });
      // Drain the answer so keep-alive sockets are released.
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch {
      return 0;
    }
  }

  async function postWithRetries(body: string, signature: string, statuses: number[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (opts.faults.webhookDelayMs > 0) await tasks.sleep(opts.faults.webhookDelayMs);
      if (tasks.stopped) return;
      const status = await postOnce(body, signature);
      statuses.push(status);
      // Only exactly 200 counts as acknowledged (CLOUD-API.md §1.3).
      if (status === 200 || attempt >= opts.retryDelaysMs.length) return;
      await tasks.sleep(opts.retryDelaysMs[attempt] ?? 0);
      if (tasks.stopped) return;
    }
  }

  /** Serialises Meta-style, signs, POSTs the body 1 + duplicateWebhooks times; resolves with every attempt's status. */
  function deliver(payload: unknown): Promise<number[]> {
    return tasks.track(
      (async () => {
        const body = serializeMetaStyle(payload);
        const signature = signWebhookBody(body, opts.appSecret);
        const statuses: number[] = [];
        const copies = 1 + Math.max(0, Math.floor(opts.faults.duplicateWebhooks));
        // Copies are identical bytes and signature: at-least-once delivery as Meta does it.
        for (let i = 0; i < copies && !tasks.stopped; i++) await postWithRetries(body, signature, statuses);
        return statuses;
      })(),
    );
  }

  return { deliver };
}
