import { prepared, type Db } from '../../db/client.js';
import { getSetting } from '../teams/teams.repository.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Meta's messaging-limit tiers (unique users reached by business-initiated messages per rolling 24 h; null = unlimited). */
export const MESSAGING_LIMIT_TIERS = [250, 2_000, 10_000, 100_000, null] as const;
export type MessagingLimit = (typeof MESSAGING_LIMIT_TIERS)[number];
/** New business portfolios start at 250 (CLOUD-API.md §6.3). */
export const DEFAULT_MESSAGING_LIMIT: MessagingLimit = 250;

export const messagingLimit = (db: Db): MessagingLimit => getSetting<MessagingLimit>(db, 'messagingLimit', DEFAULT_MESSAGING_LIMIT);

/**
 * Unique contacts sent a template in the 24 h before `now`, and the oldest such send. Counts every
 * template send, inside a customer-service window or not: erring on the safe side of Meta's limit.
 */
export function templateReach(db: Db, now: number): { contacts: number; oldestAt: number | null } {
  const stmt = prepared(db, 'campaigns.templateReach', () =>
    db.$client.prepare(
      `SELECT count(DISTINCT contact_id) AS contacts, min(timestamp) AS oldestAt FROM messages
       WHERE timestamp > ? AND direction = 'outbound' AND type = 'template' AND status != 'failed'`,
    ),
  );
  return stmt.get(now - DAY_MS) as { contacts: number; oldestAt: number | null };
}

/**
 * How many more unique recipients the daily limit allows now. The count is re-read every few seconds
 * and advanced by what this process released meanwhile, so pacing ticks do not scan the window.
 */
export function createDailyAllowance(db: Db, refreshMs = 15_000) {
  let cached: { at: number; contacts: number; oldestAt: number | null } | null = null;
  return {
    remaining(now: number): { remaining: number; retryAt: number | null } {
      const limit = messagingLimit(db);
      if (limit === null) return { remaining: Number.POSITIVE_INFINITY, retryAt: null };
      if (!cached || now - cached.at >= refreshMs) cached = { at: now, ...templateReach(db, now) };
      const remaining = Math.max(0, limit - cached.contacts);
      return { remaining, retryAt: remaining > 0 ? null : (cached.oldestAt ?? now) + DAY_MS };
    },
    consumed(n: number) {
      if (cached) cached.contacts += n;
    },
    reset() {
      cached = null;
    },
  };
}
