import type { Db } from '../../db/client.js';
import type { Audience } from './campaigns.schemas.js';

const DAY = 24 * 60 * 60 * 1000;

export type SuppressionReason = 'no_whatsapp' | 'opted_out' | 'no_opt_in';
export const SUPPRESSION_REASONS: readonly SuppressionReason[] = ['no_whatsapp', 'opted_out', 'no_opt_in'];

interface Fragment {
  sql: string;
  params: unknown[];
}

const jsonPath = (key: string) => `$."${key}"`;

/**
 * The audience as SQL over `contacts c`: `where` selects who matches the filters, `excluded` is 1 for
 * contacts the exclusions remove, `reason` names why a matching contact cannot be sent to (or is NULL).
 * Opted-out contacts are always suppressed: campaigns are business-initiated marketing by nature.
 */
export function audienceSql(a: Audience, now: number): { where: Fragment; excluded: Fragment; reason: Fragment } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (a.tags?.length) {
    if (a.tagMatch === 'all') {
      for (const tag of new Set(a.tags)) {
        where.push('EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?)');
        params.push(tag);
      }
    } else {
      where.push('EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(a.tags));
    }
  }
  for (const f of a.customFields ?? []) {
    const value = `CAST(json_extract(c.custom_fields, ?) AS TEXT)`;
    params.push(jsonPath(f.key));
    const v = f.value ?? '';
    const numeric = v.trim() !== '' && Number.isFinite(Number(v));
    switch (f.op) {
      case 'eq':
        where.push(`lower(coalesce(${value}, '')) = lower(?)`);
        params.push(v);
        break;
      case 'neq':
        where.push(`lower(coalesce(${value}, '')) != lower(?)`);
        params.push(v);
        break;
      case 'contains':
        where.push(`instr(lower(coalesce(${value}, '')), lower(?)) > 0`);
        params.push(v);
        break;
      case 'gt':
      case 'lt': {
        const op = f.op === 'gt' ? '>' : '<';
        // Numbers compare as numbers; dates (ISO) and text compare as text.
        where.push(numeric ? `${value} IS NOT NULL AND CAST(${value} AS REAL) ${op} ?` : `${value} ${op} ?`);
        if (numeric) params.push(jsonPath(f.key), Number(v));
        else params.push(v);
        break;
      }
      case 'set':
        where.push(`coalesce(${value}, '') != ''`);
        break;
      case 'unset':
        where.push(`coalesce(${value}, '') = ''`);
        break;
    }
  }
  if (a.stageIds?.length) {
    where.push('EXISTS (SELECT 1 FROM deals d WHERE d.contact_id = c.id AND d.stage_id IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(a.stageIds));
  }
  const lastActivity = '(SELECT max(v.last_message_at) FROM conversations v WHERE v.contact_id = c.id)';
  if (a.lastActivity?.withinDays) {
    where.push(`${lastActivity} >= ?`);
    params.push(now - a.lastActivity.withinDays * DAY);
  }
  if (a.lastActivity?.olderThanDays) {
    where.push(`coalesce(${lastActivity}, 0) < ?`);
    params.push(now - a.lastActivity.olderThanDays * DAY);
  }

  const excluded: string[] = [];
  const excludedParams: unknown[] = [];
  if (a.excludeTags?.length) {
    excluded.push('EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag IN (SELECT value FROM json_each(?)))');
    excludedParams.push(JSON.stringify(a.excludeTags));
  }
  if (a.excludeContactIds?.length) {
    excluded.push('c.id IN (SELECT value FROM json_each(?))');
    excludedParams.push(JSON.stringify(a.excludeContactIds));
  }

  return {
    where: { sql: where.length ? where.join(' AND ') : '1', params },
    excluded: { sql: excluded.length ? `(${excluded.join(' OR ')})` : '0', params: excludedParams },
    reason: {
      sql: `CASE WHEN c.wa_id IS NULL AND c.phone IS NULL AND c.user_id IS NULL THEN 'no_whatsapp'
        WHEN c.marketing_opt_out = 1 THEN 'opted_out'
        WHEN ? = 1 AND c.consent_source IS NULL THEN 'no_opt_in'
        ELSE NULL END`,
      params: [a.requireOptIn ? 1 : 0],
    },
  };
}

/** The selection every audience query shares: one row per matching contact with `excluded` and `reason`. */
function audienceRows(a: Audience, now: number): Fragment {
  const q = audienceSql(a, now);
  return {
    sql: `SELECT c.id AS id, c.created_at AS createdAt, ${q.excluded.sql} AS excluded, ${q.reason.sql} AS reason FROM contacts c WHERE ${q.where.sql}`,
    params: [...q.excluded.params, ...q.reason.params, ...q.where.params],
  };
}

export interface AudiencePreview {
  matched: number;
  excluded: number;
  suppressed: Record<SuppressionReason, number>;
  total: number;
}

/** How many contacts a campaign would reach, and how many are excluded or suppressed and why. */
export function previewAudience(db: Db, a: Audience, now: number): AudiencePreview {
  const rows = audienceRows(a, now);
  const counts = db.$client
    .prepare(`SELECT excluded, reason, count(*) AS n FROM (${rows.sql}) GROUP BY excluded, reason`)
    .all(...rows.params) as { excluded: number; reason: SuppressionReason | null; n: number }[];
  const preview: AudiencePreview = { matched: 0, excluded: 0, suppressed: { no_whatsapp: 0, opted_out: 0, no_opt_in: 0 }, total: 0 };
  for (const r of counts) {
    preview.matched += r.n;
    if (r.excluded) preview.excluded += r.n;
    else if (r.reason) preview.suppressed[r.reason] += r.n;
    else preview.total += r.n;
  }
  return preview;
}

/**
 * Writes the recipients of a starting campaign: sendable contacts `pending` in a stable order, suppressed
 * ones `skipped` with their reason (excluded contacts are left out). Run inside the start transaction.
 * Returns how many are pending.
 */
export function materializeAudience(db: Db, campaignId: string, a: Audience, now: number): number {
  const rows = audienceRows(a, now);
  db.$client
    .prepare(
      `INSERT INTO campaign_recipients (campaign_id, contact_id, position, state, reason)
       SELECT ?, id, row_number() OVER (ORDER BY createdAt, id), CASE WHEN reason IS NULL THEN 'pending' ELSE 'skipped' END, reason
       FROM (${rows.sql}) WHERE excluded = 0
       ON CONFLICT (campaign_id, contact_id) DO NOTHING`,
    )
    .run(campaignId, ...rows.params);
  return (db.$client.prepare(`SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND state = 'pending'`).get(campaignId) as { n: number }).n;
}
