import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns, type CampaignStatus } from '../../db/schema/campaigns.js';
import { toIso } from '../lib/clock.js';
import { parseMapping } from '../templates/templates.mapping.js';
import { audienceSchema, type Audience } from './campaigns.schemas.js';

export type CampaignRow = typeof campaigns.$inferSelect;

export function getCampaign(db: Db, id: string): CampaignRow | undefined {
  return db.select().from(campaigns).where(eq(campaigns.id, id)).get();
}

export function listCampaigns(db: Db, limit = 200): CampaignRow[] {
  return db.select().from(campaigns).orderBy(desc(campaigns.createdAt), desc(campaigns.id)).limit(limit).all();
}

export function updateCampaign(db: Db, id: string, patch: Partial<CampaignRow>): void {
  db.update(campaigns).set(patch).where(eq(campaigns.id, id)).run();
}

/** Moves a campaign from one of `from` to `to`; false when it was in another state (a concurrent change). */
export function transitionCampaign(db: Db, id: string, from: readonly CampaignStatus[], patch: Partial<CampaignRow> & { status: CampaignStatus }): boolean {
  const placeholders = from.map(() => '?').join(', ');
  const row = db.$client.prepare(`SELECT status FROM campaigns WHERE id = ? AND status IN (${placeholders})`).get(id, ...from);
  if (!row) return false;
  updateCampaign(db, id, patch);
  return true;
}

export function campaignAudience(c: CampaignRow): Audience {
  const parsed = audienceSchema.safeParse(JSON.parse(c.audience || '{}'));
  return parsed.success ? parsed.data : audienceSchema.parse({});
}

export const campaignLanguages = (c: CampaignRow): string[] => [c.language, ...(JSON.parse(c.variantLanguages) as string[]).filter((l) => l !== c.language)];

export interface RecipientCounts {
  recipients: number;
  pending: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
}

/**
 * Headline numbers for lists: recipient states and the delivery state of released messages, by the
 * furthest status each reached (a read message was also sent and delivered).
 */
export function recipientCounts(db: Db, campaignId: string): RecipientCounts {
  const rows = db.$client
    .prepare(
      `SELECT r.state AS state, m.status AS status, count(*) AS n FROM campaign_recipients r
       LEFT JOIN messages m ON m.id = r.message_id WHERE r.campaign_id = ? GROUP BY r.state, m.status`,
    )
    .all(campaignId) as { state: string; status: string | null; n: number }[];
  const c: RecipientCounts = { recipients: 0, pending: 0, skipped: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
  for (const r of rows) {
    c.recipients += r.n;
    if (r.state === 'pending') c.pending += r.n;
    else if (r.state === 'skipped') c.skipped += r.n;
    else if (r.state === 'failed' || r.status === 'failed') c.failed += r.n;
    else {
      c.queued += r.n;
      const rank = r.status === 'read' || r.status === 'played' ? 3 : r.status === 'delivered' ? 2 : r.status === 'sent' ? 1 : 0;
      if (rank >= 1) c.sent += r.n;
      if (rank >= 2) c.delivered += r.n;
      if (rank >= 3) c.read += r.n;
    }
  }
  return c;
}

// Lists show every campaign's numbers; a finished one changes slowly (late statuses, replies), so its
// counts are reused for a while instead of re-reading all its recipients on every page load.
const settledCounts = new WeakMap<Db, Map<string, { at: number; counts: RecipientCounts }>>();
const SETTLED_TTL_MS = 60_000;

export function listedCounts(db: Db, c: CampaignRow, now: number): RecipientCounts {
  if (c.status !== 'finished' && c.status !== 'cancelled') return recipientCounts(db, c.id);
  let cache = settledCounts.get(db);
  if (!cache) settledCounts.set(db, (cache = new Map()));
  const hit = cache.get(c.id);
  if (hit && now - hit.at < SETTLED_TTL_MS) return hit.counts;
  const counts = recipientCounts(db, c.id);
  cache.set(c.id, { at: now, counts });
  return counts;
}

export function campaignToJson(db: Db, c: CampaignRow, templateId: string | null, counts: RecipientCounts = recipientCounts(db, c.id)) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    channelId: c.channelId,
    templateId,
    templateName: c.templateName,
    language: c.language,
    variantLanguages: JSON.parse(c.variantLanguages) as string[],
    mapping: parseMapping(c.mapping),
    audience: campaignAudience(c),
    ratePerSecond: c.ratePerSecond,
    attributionDays: c.attributionDays,
    scheduledAt: toIso(c.scheduledAt),
    startedAt: toIso(c.startedAt),
    pausedAt: toIso(c.pausedAt),
    finishedAt: toIso(c.finishedAt),
    testSentAt: toIso(c.testSentAt),
    waitingUntil: toIso(c.waitingUntil),
    waitingReason: c.waitingReason,
    createdBy: c.createdBy,
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
    counts,
  };
}
