import type { Clock } from '../lib/clock.js';

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface LoginLimits {
  perAccount: WindowLimit;
  perIp: WindowLimit;
}

// Ten wrong passwords lock an account for the rest of a 15-minute window; one address gets 30 tries.
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccount: { limit: 10, windowMs: 15 * 60_000 },
  perIp: { limit: 30, windowMs: 15 * 60_000 },
};

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;

/**
 * Counts failed logins per account and per client address in fixed windows (in memory: one process).
 * A restart forgets the counts, which only ever errs toward letting a user in.
 */
export function createLoginLimiter(clock: Clock, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  const failures = new Map<string, { count: number; resetAt: number }>();

  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && entry.resetAt <= clock.now()) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };

  const bump = (key: string, rule: WindowLimit) => {
    const entry = current(key);
    if (entry) entry.count++;
    else failures.set(key, { count: 1, resetAt: clock.now() + rule.windowMs });
    if (failures.size > 50_000) sweep();
  };

  const sweep = () => {
    const now = clock.now();
    for (const [key, entry] of failures) if (entry.resetAt <= now) failures.delete(key);
  };

  const keys = (ip: string, email: string) => ({ account: `a:${email.trim().toLowerCase()}`, ip: `i:${ip}` });

  return {
    /** Milliseconds to wait when this address or account is locked out, else 0. */
    retryAfterMs(ip: string, email: string): number {
      const k = keys(ip, email);
      let wait = 0;
      for (const [key, rule] of [
        [k.account, limits.perAccount],
        [k.ip, limits.perIp],
      ] as const) {
        const entry = current(key);
        if (entry && entry.count >= rule.limit) wait = Math.max(wait, entry.resetAt - clock.now());
      }
      return wait;
    },

    recordFailure(ip: string, email: string): void {
      const k = keys(ip, email);
      bump(k.account, limits.perAccount);
      bump(k.ip, limits.perIp);
    },

    /** A correct password clears the account's count (not the address's). */
    recordSuccess(email: string): void {
      failures.delete(keys('', email).account);
    },
  };
}
