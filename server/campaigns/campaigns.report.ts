import type { Db } from '../../db/client.js';
import { toIso } from '../lib/clock.js';
import { toCsv } from '../contacts/contacts.csv.js';
import { explainGraphError } from '../whatsapp/graph/graph.errors.js';
import type { CampaignRow } from './campaigns.repository.js';

const DAY = 24 * 60 * 60 * 1000;

/** One recipient with everything that happened to them; the report is a sum over exactly these rows. */
export interface RecipientLog {
  contactId: string;
  name: string | null;
  phone: string | null;
  position: number;
  state: 'pending' | 'skipped' | 'queued' | 'failed';
  /** The recipient's state, or once released, its message's delivery status. */
  status: string;
  reason: string | null;
  language: string | null;
  messageId: string | null;
  releasedAt: number | null;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  failedAt: number | null;
  repliedAt: number | null;
  optedOutAt: number | null;
  convertedAt: number | null;
  /** Won value when converted (minor units) and its currency. */
  wonMinor: number | null;
  wonCurrency: string | null;
  errorCode: number | null;
  errorTitle: string | null;
}

// One join per status (the table's key is (wamid, status)): each is looked up once per row.
const STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;
const statusAt = (status: (typeof STATUSES)[number]) => `s_${status}.timestamp`;
const STATUS_JOINS = STATUSES.map((st) => `LEFT JOIN message_status_events s_${st} ON s_${st}.wa_message_id = m.wa_message_id AND s_${st}.status = '${st}'`).join('\n  ');
// The deal won soonest after the send, within the attribution window.
const WON = `FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id
  WHERE d.contact_id = r.contact_id AND s.outcome = 'won' AND d.closed_at > r.released_at AND d.closed_at <= r.released_at + @window`;

const LOG_SQL = `SELECT r.contact_id AS contactId, c.name AS name, c.phone AS phone, r.position AS position, r.state AS state, r.reason AS reason,
    r.language AS language, r.message_id AS messageId, r.released_at AS releasedAt,
    CASE WHEN r.state = 'queued' THEN coalesce(m.status, 'queued') ELSE r.state END AS status,
    m.error_code AS errorCode, m.error_title AS errorTitle,
    CASE WHEN m.status IN ('sent', 'delivered', 'read', 'played') THEN coalesce(${statusAt('sent')}, ${statusAt('delivered')}, ${statusAt('read')}, m.updated_at) END AS sentAt,
    CASE WHEN m.status IN ('delivered', 'read', 'played') THEN coalesce(${statusAt('delivered')}, ${statusAt('read')}, m.updated_at) END AS deliveredAt,
    CASE WHEN m.status IN ('read', 'played') THEN coalesce(${statusAt('read')}, ${statusAt('played')}, m.updated_at) END AS readAt,
    CASE WHEN m.status = 'failed' THEN coalesce(${statusAt('failed')}, m.updated_at) WHEN r.state = 'failed' THEN r.released_at END AS failedAt,
    (SELECT min(i.timestamp) FROM messages i WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound'
       AND i.timestamp > r.released_at AND i.timestamp <= r.released_at + @window) AS repliedAt,
    (SELECT min(ce.at) FROM consent_events ce WHERE ce.contact_id = r.contact_id AND ce.status = 'opted_out' AND ce.at > r.released_at) AS optedOutAt,
    (SELECT min(d.closed_at) ${WON}) AS convertedAt,
    (SELECT d.amount_minor ${WON} ORDER BY d.closed_at LIMIT 1) AS wonMinor,
    (SELECT d.currency ${WON} ORDER BY d.closed_at LIMIT 1) AS wonCurrency
  FROM campaign_recipients r
  LEFT JOIN contacts c ON c.id = r.contact_id
  LEFT JOIN messages m ON m.id = r.message_id
  ${STATUS_JOINS}
  WHERE r.campaign_id = @id`;

const STATUS_FILTERS: Record<string, string> = {
  pending: `status = 'pending'`,
  skipped: `status = 'skipped'`,
  queued: `status = 'queued'`,
  sending: `status = 'sending'`,
  sent: `status IN ('sent', 'delivered', 'read', 'played')`,
  delivered: `status IN ('delivered', 'read', 'played')`,
  read: `status IN ('read', 'played')`,
  failed: `status = 'failed'`,
  replied: `repliedAt IS NOT NULL`,
};

/** The per-recipient log in release order, filtered and paged by position. */
export function recipientLog(db: Db, c: CampaignRow, f: { state?: string; status?: string; afterPosition?: number; limit?: number } = {}): RecipientLog[] {
  const where: string[] = [];
  if (f.state) where.push(`state = @state`);
  if (f.status) where.push(STATUS_FILTERS[f.status] ?? '0');
  if (f.afterPosition !== undefined) where.push('position > @after');
  const sql = `SELECT * FROM (${LOG_SQL}) ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY position ${f.limit ? 'LIMIT @limit' : ''}`;
  return db.$client.prepare(sql).all({ id: c.id, window: c.attributionDays * DAY, state: f.state ?? null, after: f.afterPosition ?? 0, limit: f.limit ?? -1 }) as RecipientLog[];
}

export function recipientToJson(r: RecipientLog) {
  return {
    contactId: r.contactId,
    name: r.name,
    phone: r.phone,
    state: r.state,
    status: r.status,
    reason: r.reason,
    language: r.language,
    messageId: r.messageId,
    releasedAt: toIso(r.releasedAt),
    sentAt: toIso(r.sentAt),
    deliveredAt: toIso(r.deliveredAt),
    readAt: toIso(r.readAt),
    failedAt: toIso(r.failedAt),
    repliedAt: toIso(r.repliedAt),
    optedOutAt: toIso(r.optedOutAt),
    convertedAt: toIso(r.convertedAt),
    errorCode: r.errorCode,
    errorTitle: r.errorCode !== null || r.errorTitle ? explainGraphError(r.errorCode, r.errorTitle) : null,
  };
}

/** Buckets that keep a timeline readable: 5 minutes up to 6 h, hours up to 4 days, then days. */
export function bucketSize(spanMs: number): number {
  if (spanMs <= 6 * 3600_000) return 5 * 60_000;
  if (spanMs <= 4 * DAY) return 3600_000;
  return DAY;
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : 0);

/** Counts, rates, a timeline, failures and skips by reason, conversions: all summed from the recipient log. */
export function campaignReport(db: Db, c: CampaignRow, now: number) {
  const log = recipientLog(db, c);
  const counts = { recipients: log.length, pending: 0, skipped: 0, queued: 0, failed: 0, sent: 0, delivered: 0, read: 0, replied: 0, optedOut: 0, converted: 0 };
  const failures = new Map<string, { code: number | null; reason: string; count: number }>();
  const skipped = new Map<string, number>();
  const won = new Map<string, number>();
  for (const r of log) {
    if (r.status === 'pending') counts.pending++;
    else if (r.status === 'skipped') {
      counts.skipped++;
      skipped.set(r.reason ?? 'unknown', (skipped.get(r.reason ?? 'unknown') ?? 0) + 1);
    } else if (r.status === 'failed') {
      counts.failed++;
      const reason = r.state === 'failed' ? (r.reason ?? 'Not sent') : explainGraphError(r.errorCode, r.errorTitle ?? 'Failed');
      const key = `${r.errorCode ?? ''}|${reason}`;
      const f = failures.get(key) ?? { code: r.errorCode, reason, count: 0 };
      f.count++;
      failures.set(key, f);
    } else if (r.status === 'queued' || r.status === 'sending') counts.queued++;
    if (r.sentAt !== null) counts.sent++;
    if (r.deliveredAt !== null) counts.delivered++;
    if (r.readAt !== null) counts.read++;
    if (r.repliedAt !== null) counts.replied++;
    if (r.optedOutAt !== null) counts.optedOut++;
    if (r.convertedAt !== null) {
      counts.converted++;
      if (r.wonMinor !== null && r.wonCurrency) won.set(r.wonCurrency, (won.get(r.wonCurrency) ?? 0) + r.wonMinor);
    }
  }
  return {
    counts,
    rates: { delivered: rate(counts.delivered, counts.sent), read: rate(counts.read, counts.sent), replied: rate(counts.replied, counts.sent), converted: rate(counts.converted, counts.sent) },
    timeline: timeline(log, c.startedAt ?? c.createdAt, c.finishedAt ?? now),
    failures: [...failures.values()].sort((a, b) => b.count - a.count),
    skipped: [...skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    conversions: { deals: counts.converted, value: [...won].map(([currency, amountMinor]) => ({ currency, amountMinor })) },
  };
}

function timeline(log: RecipientLog[], from: number, to: number) {
  const times = log.flatMap((r) => [r.sentAt, r.deliveredAt, r.readAt, r.repliedAt]).filter((t): t is number => t !== null);
  const end = times.reduce((a, b) => Math.max(a, b), Math.max(from, to));
  const bucketMs = bucketSize(end - from);
  const start = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.min(500, Math.floor((end - start) / bucketMs) + 1);
  const points = Array.from({ length: n }, (_, i) => ({ at: toIso(start + i * bucketMs)!, sent: 0, delivered: 0, read: 0, replied: 0 }));
  const add = (t: number | null, key: 'sent' | 'delivered' | 'read' | 'replied') => {
    if (t === null) return;
    const i = Math.floor((t - start) / bucketMs);
    if (i >= 0 && i < n) points[i]![key]++;
  };
  for (const r of log) {
    add(r.sentAt, 'sent');
    add(r.deliveredAt, 'delivered');
    add(r.readAt, 'read');
    add(r.repliedAt, 'replied');
  }
  return { bucketMs, points };
}

/** The recipient log as CSV (formula-safe cells). */
export function recipientsCsv(db: Db, c: CampaignRow): string {
  const header = ['contact_id', 'name', 'phone', 'status', 'reason', 'language', 'sent_at', 'delivered_at', 'read_at', 'failed_at', 'replied_at', 'opted_out_at', 'converted_at', 'error_code', 'error'];
  const rows = recipientLog(db, c).map((r) => {
    const j = recipientToJson(r);
    return [j.contactId, j.name, j.phone, j.status, j.reason, j.language, j.sentAt, j.deliveredAt, j.readAt, j.failedAt, j.repliedAt, j.optedOutAt, j.convertedAt, j.errorCode, j.errorTitle];
  });
  return toCsv([header, ...rows]);
}
