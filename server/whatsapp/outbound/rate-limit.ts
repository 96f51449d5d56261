import type { Clock } from '../../lib/clock.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets: `rate` tokens per second up to `burst`. `take` returns 0 when a token was taken, or the
 * milliseconds until one will be there (the caller waits and asks again; nothing is reserved).
 */
export function createTokenBuckets(clock: Clock, opts: { maxKeys?: number } = {}) {
  const buckets = new Map<string, Bucket>();
  const maxKeys = opts.maxKeys ?? 100_000;
  return {
    take(key: string, rate: number, burst: number): number {
      const now = clock.now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) buckets.clear(); // forgetting only ever lets one more message through
        b = { tokens: burst, at: now };
        buckets.set(key, b);
      }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / rate) * 1000);
    },
    /** Gives back a token taken by mistake (the send could not go out after all). */
    refund(key: string, burst: number): void {
      const b = buckets.get(key);
      if (b) b.tokens = Math.min(burst, b.tokens + 1);
    },
    reset: () => buckets.clear(),
  };
}

/** Meta's pair limit: about one message per 6 s to the same user, bursts borrowed from later. */
export const PAIR_RATE_PER_SECOND = 1 / 6;
export const PAIR_BURST = 20;
