import type { Db } from '../../db/client.js';

const DAY = 86_400_000;

export interface AdRow {
  sourceId: string;
  sourceType: string | null;
  headline: string | null;
  sourceUrl: string | null;
  /** Contacts who first wrote from this ad in the period. */
  contacts: number;
  conversations: number;
  /** Of those, answered by the business within the attribution window. */
  replied: number;
  /** Deals won by those contacts within the window after they came from the ad. */
  dealsWon: number;
  wonValue: { currency: string; amountMinor: number }[];
}

/**
 * Click-to-WhatsApp attribution: each contact's first message from an ad (`referral.source_id`) in the
 * period, whether the business answered and whether a deal was won within `windowDays` after it.
 */
export function adsReport(db: Db, f: { since: number; windowDays: number }): AdRow[] {
  const window = f.windowDays * DAY;
  const touches = db.$client
    .prepare(
      `SELECT coalesce(json_extract(referral, '$.sourceId'), '(unknown ad)') AS sourceId,
         max(json_extract(referral, '$.sourceType')) AS sourceType, max(json_extract(referral, '$.headline')) AS headline,
         max(json_extract(referral, '$.sourceUrl')) AS sourceUrl, contact_id AS contactId, conversation_id AS conversationId, min(timestamp) AS at
       FROM messages WHERE referral IS NOT NULL AND timestamp >= ? AND direction = 'inbound'
       GROUP BY 1, contact_id`,
    )
    .all(f.since) as { sourceId: string; sourceType: string | null; headline: string | null; sourceUrl: string | null; contactId: string; conversationId: string; at: number }[];
  const answered = db.$client.prepare(`SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND timestamp > ? AND timestamp <= ? LIMIT 1`);
  const won = db.$client.prepare(
    `SELECT d.amount_minor AS amountMinor, d.currency AS currency FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id
     WHERE d.contact_id = ? AND s.outcome = 'won' AND d.closed_at > ? AND d.closed_at <= ?`,
  );
  const ads = new Map<string, AdRow & { conv: Set<string>; value: Map<string, number> }>();
  for (const t of touches) {
    let ad = ads.get(t.sourceId);
    if (!ad) {
      ad = { sourceId: t.sourceId, sourceType: t.sourceType, headline: t.headline, sourceUrl: t.sourceUrl, contacts: 0, conversations: 0, replied: 0, dealsWon: 0, wonValue: [], conv: new Set(), value: new Map() };
      ads.set(t.sourceId, ad);
    }
    ad.contacts++;
    ad.conv.add(t.conversationId);
    if (answered.get(t.conversationId, t.at, t.at + window)) ad.replied++;
    for (const d of won.all(t.contactId, t.at, t.at + window) as { amountMinor: number | null; currency: string | null }[]) {
      ad.dealsWon++;
      if (d.amountMinor !== null && d.currency) ad.value.set(d.currency, (ad.value.get(d.currency) ?? 0) + d.amountMinor);
    }
  }
  return [...ads.values()]
    .map(({ conv, value, ...ad }) => ({ ...ad, conversations: conv.size, wonValue: [...value].map(([currency, amountMinor]) => ({ currency, amountMinor })) }))
    .sort((a, b) => b.contacts - a.contacts);
}
