import { prepared, type Db } from '../../db/client.js';
import { transitionCampaign } from './campaigns.repository.js';

/**
 * What the send job needs to know about campaign messages (their idempotency key is
 * `campaign:<campaign id>:<contact id>`): they are sent at most once, re-checked just before they go,
 * and an error about the account or the template stops the whole campaign.
 */
export function campaignOfMessage(m: { idempotencyKey: string | null }): string | null {
  const match = m.idempotencyKey ? /^campaign:([^:]+):/.exec(m.idempotencyKey) : null;
  return match ? match[1]! : null;
}

/**
 * Meta errors about the sender, not the recipient: policy block (368), locked account (131031), payment
 * problem (131042), template missing, paused or disabled (132001, 132015, 132016).
 */
export const CAMPAIGN_HALT_CODES: ReadonlySet<number> = new Set([368, 131031, 131042, 132001, 132015, 132016]);

/** Why a released campaign message must not go out now (cancelled, opted out since), or null. */
export function campaignSendBlocker(db: Db, campaignId: string, contactId: string): string | null {
  const row = prepared(db, 'campaigns.sendCheck', () =>
    db.$client.prepare(`SELECT (SELECT status FROM campaigns WHERE id = ?) AS status, (SELECT marketing_opt_out FROM contacts WHERE id = ?) AS optOut`),
  ).get(campaignId, contactId) as { status: string | null; optOut: number | null };
  if (row.status === 'cancelled') return 'Not sent: the campaign was cancelled before this message went out.';
  if (row.optOut === 1) return 'Not sent: the customer opted out of marketing before this message went out.';
  return null;
}

/** Pauses a sending campaign because of an error that would fail every other recipient too. */
export function haltCampaign(db: Db, campaignId: string, reason: string, now: number): boolean {
  return transitionCampaign(db, campaignId, ['sending'], { status: 'paused', pausedAt: now, waitingReason: reason.slice(0, 300), updatedAt: now });
}
