import type { MessageStatus } from '../../db/schema/inbox.js';

// Meta delivers statuses concurrently and out of order; the lattice makes the final state independent of arrival order.
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, played: 5 };

/**
 * The status an outbound message moves to when `incoming` arrives, or null to keep `current`.
 * Never downgrades (a late `sent` after `read` is ignored). `failed` wins over sent/sending/queued and
 * is terminal, except that a later `delivered`/`read`/`played` proves delivery and wins over it.
 */
export function nextStatus(current: MessageStatus, incoming: string): MessageStatus | null {
  if (incoming === 'failed') return current in RANK && RANK[current]! < RANK.delivered! ? 'failed' : null;
  const rank = RANK[incoming];
  if (rank === undefined) return null; // deleted, warning… are logged, not states
  if (current === 'failed') return rank >= RANK.delivered! ? (incoming as MessageStatus) : null;
  const now = RANK[current];
  return now === undefined || rank > now ? (incoming as MessageStatus) : null;
}
