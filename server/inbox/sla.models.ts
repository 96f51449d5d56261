/** SLA targets in minutes; null = no target. */
export interface SlaTargets {
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
}

export interface SlaClock {
  /** When the first reply is due in this cycle (null: no target). */
  firstResponseDueAt: number | null;
  firstResponseBreached: boolean;
  resolutionDueAt: number | null;
  resolutionBreached: boolean;
}

const MINUTE = 60_000;

/**
 * The SLA clocks of a conversation's current cycle (pure). Both run from `openedAt` — creation, or the
 * customer message that reopened it. First response is met by the business's first reply in the cycle;
 * resolution by resolving. A clock that has not been met is breached once `now` passes its due time.
 */
export function slaClock(
  c: { status: string; openedAt: number | null; createdAt: number; firstResponseAt: number | null; resolvedAt: number | null; waitingSince: number | null },
  targets: SlaTargets,
  now: number,
): SlaClock {
  const start = c.openedAt ?? c.createdAt;
  const frDue = targets.firstResponseMinutes === null ? null : start + targets.firstResponseMinutes * MINUTE;
  const resDue = targets.resolutionMinutes === null ? null : start + targets.resolutionMinutes * MINUTE;
  // No first-response clock until the customer has written (a business-initiated thread waits on them).
  const frApplies = c.firstResponseAt !== null || c.waitingSince !== null;
  const resolvedAt = c.status === 'resolved' ? c.resolvedAt : null;
  return {
    firstResponseDueAt: frApplies ? frDue : null,
    firstResponseBreached: frApplies && frDue !== null && (c.firstResponseAt ?? now) > frDue,
    resolutionDueAt: resDue,
    resolutionBreached: resDue !== null && (resolvedAt ?? now) > resDue,
  };
}
