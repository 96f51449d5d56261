/** Retry delays: exponential, capped, with "equal jitter" so retries of a burst spread out. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60 * 60_000 };

/**
 * Delay before retry number `attempt` (1 = after the first failure):
 * step = min(max, base·2^(attempt−1)); delay ∈ [step/2, step].
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Shortens an error to what fits in `last_error` and reads well in the dead-job view. */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
}
