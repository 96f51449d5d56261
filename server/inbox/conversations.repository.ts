import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { conversations, CONVERSATION_STATUSES } from '../../db/schema/inbox.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { slaClock, type SlaTargets } from './sla.models.js';
import { olderThan } from '../lib/keyset.js';

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** WhatsApp's customer-service window: 24 h after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The (contact, channel) thread, created on first message. Runs in the caller's transaction. */
export function getOrCreateConversation(db: Db, contactId: string, channelId: string, now: number): ConversationRow {
  const find = prepared(db, 'conversations.byContactChannel', () =>
    db
      .select()
      .from(conversations)
      .where(and(eq(conversations.contactId, sql.placeholder('contactId')), eq(conversations.channelId, sql.placeholder('channelId'))))
      .prepare(),
  );
  const found = find.get({ contactId, channelId });
  if (found) return found;
  const row: ConversationRow = {
    id: newId('cv'),
    contactId,
    channelId,
    status: 'open',
    assigneeId: null,
    teamId: null,
    priority: 'normal',
    // Never null, so lists order on the index alone (a customer's first message moves it on at once).
    lastMessageAt: now,
    lastInboundAt: null,
    lastOutboundAt: null,
    windowExpiresAt: null,
    unreadCount: 0,
    snoozedUntil: null,
    resolvedAt: null,
    flagged: false,
    openedAt: now,
    waitingSince: null,
    firstResponseAt: null,
    createdAt: now,
    updatedAt: now,
  };
  db.insert(conversations).values(row).run();
  return row;
}

/**
 * A customer message arrived (at `at`, Meta's timestamp): the window restarts from the latest one,
 * and a resolved, snoozed or waiting conversation is open again. Reopening a resolved one starts a new
 * SLA cycle; the customer now waits on the business from their earliest unanswered message.
 * (Every SET expression reads the row as it was before the update.)
 */
export function noteInbound(db: Db, conversationId: string, at: number, now: number): void {
  const update = prepared(db, 'conversations.noteInbound', () => {
    const atP = sql.placeholder('at');
    return db
      .update(conversations)
      .set({
        lastInboundAt: sql`max(coalesce(${conversations.lastInboundAt}, 0), ${atP})`,
        windowExpiresAt: sql`max(coalesce(${conversations.lastInboundAt}, 0), ${atP}) + ${SERVICE_WINDOW_MS}`,
        lastMessageAt: sql`max(coalesce(${conversations.lastMessageAt}, 0), ${atP})`,
        unreadCount: sql`${conversations.unreadCount} + 1`,
        status: 'open',
        snoozedUntil: null,
        resolvedAt: null,
        openedAt: sql`CASE WHEN ${conversations.status} = 'resolved' OR ${conversations.openedAt} IS NULL THEN ${atP} ELSE ${conversations.openedAt} END`,
        firstResponseAt: sql`CASE WHEN ${conversations.status} = 'resolved' THEN NULL ELSE ${conversations.firstResponseAt} END`,
        // A message older than the business's last reply (a late webhook) was already answered.
        waitingSince: sql`CASE WHEN ${conversations.status} = 'resolved' THEN ${atP} WHEN ${atP} <= coalesce(${conversations.lastOutboundAt}, 0) THEN ${conversations.waitingSince} ELSE coalesce(${conversations.waitingSince}, ${atP}) END`,
        updatedAt: sql`${sql.placeholder('now')}`,
      })
      .where(eq(conversations.id, sql.placeholder('id')))
      .prepare();
  });
  update.run({ at, now, id: conversationId });
}

/** The business wrote (at `at`): a waiting customer got an answer (the cycle's first response, if it is). */
export function noteOutbound(db: Db, conversationId: string, at: number): void {
  db.update(conversations)
    .set({
      lastOutboundAt: sql`max(coalesce(${conversations.lastOutboundAt}, 0), ${at})`,
      lastMessageAt: sql`max(coalesce(${conversations.lastMessageAt}, 0), ${at})`,
      firstResponseAt: sql`coalesce(${conversations.firstResponseAt}, CASE WHEN ${conversations.waitingSince} IS NOT NULL THEN ${at} END)`,
      waitingSince: null,
      updatedAt: at,
    })
    .where(eq(conversations.id, conversationId))
    .run();
}

export function getConversation(db: Db, id: string): ConversationRow | undefined {
  const find = prepared(db, 'conversations.byId', () => db.select().from(conversations).where(eq(conversations.id, sql.placeholder('id'))).prepare());
  return find.get({ id });
}

/** Since when the customer has waited for an answer (null: not waiting, or no such conversation). */
export function waitingSinceOf(db: Db, id: string): number | null {
  const row = prepared(db, 'conversations.waitingSince', () => db.$client.prepare(`SELECT waiting_since FROM conversations WHERE id = ?`).pluck()).get(id) as number | null | undefined;
  return row ?? null;
}

export function markConversationRead(db: Db, id: string, now: number): void {
  db.update(conversations).set({ unreadCount: 0, updatedAt: now }).where(eq(conversations.id, id)).run();
}

/**
 * Records the closing SLA cycle of a conversation being resolved now (no-op if it is already resolved).
 * Call inside the transaction that resolves it, before the update.
 */
export function closeConversationCycle(db: Db, id: string, now: number): void {
  const insert = prepared(db, 'conversations.closeCycle', () =>
    db.$client.prepare(
      `INSERT INTO conversation_cycles (conversation_id, team_id, assignee_id, opened_at, first_response_at, resolved_at)
       SELECT id, team_id, assignee_id, coalesce(opened_at, created_at), first_response_at, ? FROM conversations WHERE id = ? AND status != 'resolved'`,
    ),
  );
  insert.run(now, id);
}

/** Changes the status; resolving closes the SLA cycle (kept for reports). Run inside a transaction. */
export function setConversationStatus(db: Db, id: string, status: ConversationStatus, now: number, snoozedUntil: number | null = null): void {
  if (status === 'resolved') closeConversationCycle(db, id, now);
  db.update(conversations)
    .set({ status, snoozedUntil: status === 'snoozed' ? snoozedUntil : null, resolvedAt: status === 'resolved' ? now : null, ...(status === 'resolved' ? { waitingSince: null } : {}), updatedAt: now })
    .where(eq(conversations.id, id))
    .run();
}

export const MANAGER_VIEWS = ['unassigned', 'waiting_first_response', 'waiting_on_business', 'waiting_on_customer', 'escalated', 'sla_breached'] as const;
export type ManagerView = (typeof MANAGER_VIEWS)[number];

/**
 * The condition of a manager view (open work only):
 * - unassigned: nobody owns it;
 * - waiting_first_response: the customer wrote, nobody answered yet this cycle, for longer than N minutes;
 * - waiting_on_business / waiting_on_customer: whose turn it is;
 * - escalated: urgent priority or flagged by hand;
 * - sla_breached: a first-response or resolution target (the team's, else the workspace's) has passed.
 */
export function managerViewCondition(view: ManagerView, now: number, opts: ManagerViewOptions): SQL {
  // Written exactly as the partial indexes' WHERE clauses (0008_manager_views) so SQLite walks open work
  // newest first; a unary + on the other columns keeps the planner off indexes that would need a sort.
  const unresolved = sql.raw(`status != 'resolved'`);
  switch (view) {
    case 'unassigned':
      return sql`${unresolved} AND +assignee_id IS NULL`;
    case 'waiting_first_response':
      return sql`${unresolved} AND +status = 'open' AND +first_response_at IS NULL AND +waiting_since <= ${now - opts.waitingMinutes * 60_000}`;
    case 'waiting_on_business':
      return sql`${unresolved} AND +status = 'open' AND +waiting_since IS NOT NULL`;
    case 'waiting_on_customer':
      return sql`${unresolved} AND +status != 'snoozed' AND +waiting_since IS NULL AND +last_outbound_at IS NOT NULL`;
    case 'escalated':
      return sql.raw(`status != 'resolved' AND (priority = 'urgent' OR flagged = 1)`);
    case 'sla_breached': {
      const start = sql.raw('coalesce(+opened_at, created_at)');
      const fr = targetCase(opts, 'firstResponseMinutes');
      const res = targetCase(opts, 'resolutionMinutes');
      return sql`${unresolved} AND (
        (+waiting_since IS NOT NULL OR +first_response_at IS NOT NULL) AND ${fr} IS NOT NULL AND coalesce(+first_response_at, ${now}) > ${start} + ${fr} * 60000
        OR ${res} IS NOT NULL AND ${now} > ${start} + ${res} * 60000)`;
    }
  }
}

export interface ManagerViewOptions {
  waitingMinutes: number;
  /** SLA targets by team id, and the workspace default for the rest. */
  teams: Map<string, SlaTargets>;
  defaults: SlaTargets;
}

/** A team's SLA target as a constant CASE over the (few) teams: no per-row subquery. */
function targetCase(opts: ManagerViewOptions, key: keyof SlaTargets): SQL {
  const fallback = opts.defaults[key];
  const arms = [...opts.teams].filter(([, t]) => t[key] !== fallback).map(([id, t]) => sql` WHEN ${id} THEN ${t[key]}`);
  return arms.length ? sql`(CASE +team_id${sql.join(arms)} ELSE ${fallback} END)` : sql`${fallback}`;
}

/** What an agent may see (mirror of teams.repository `canSee`, as SQL). */
function scopeCondition(scope: { userId: string; teamIds: string[] }): SQL | undefined {
  return or(
    eq(conversations.assigneeId, scope.userId),
    scope.teamIds.length ? inArray(conversations.teamId, scope.teamIds) : undefined,
    and(isNull(conversations.assigneeId), isNull(conversations.teamId)),
  );
}

/**
 * Open work per assignee in one pass over the unresolved conversations (an index seek on status):
 * the count of each manager view, plus everything open. Keys are assignee ids (null = nobody).
 */
export function summarizeOpenWork(db: Db, now: number, opts: ManagerViewOptions, scope: { userId: string; teamIds: string[] } | null) {
  const columns = Object.fromEntries(MANAGER_VIEWS.map((v) => [v, sql<number>`sum(CASE WHEN ${managerViewCondition(v, now, opts)} THEN 1 ELSE 0 END)`])) as Record<ManagerView, SQL<number>>;
  const rows = db
    .select({ assigneeId: conversations.assigneeId, open: sql<number>`count(*)`, ...columns })
    .from(conversations)
    // Three seeks on the status index (a scan of the unresolved partial index would look up every row by its assignee).
    .where(and(inArray(conversations.status, ['open', 'pending', 'snoozed']), scope ? scopeCondition(scope) : undefined))
    .groupBy(conversations.assigneeId)
    .all();
  return new Map(rows.map(({ assigneeId, ...counts }) => [assigneeId, counts]));
}

/**
 * Conversations by latest activity, filtered; paged by (lastMessageAt, id). An agent's scope is an OR
 * of three branches (assigned to them, their teams, the shared queue); OR defeats the ordered index, so
 * each branch runs as its own ordered, limited query and the pages are merged.
 */
export function listConversations(
  db: Db,
  f: {
    contactId?: string;
    status?: ConversationStatus;
    assignee?: string | 'none';
    teamId?: string;
    /** A manager view's condition (see managerViewCondition). */
    view?: SQL;
    /** An agent's visibility (see teams.repository conversationScope); undefined/null = everything. */
    scope?: { userId: string; teamIds: string[] } | null;
    before?: { at: number; id: string };
    limit: number;
  },
): ConversationRow[] {
  const where: (SQL | undefined)[] = [];
  if (f.teamId) where.push(eq(conversations.teamId, f.teamId));
  if (f.contactId) where.push(eq(conversations.contactId, f.contactId));
  if (f.status) where.push(eq(conversations.status, f.status));
  if (f.view) where.push(f.view);
  if (f.assignee === 'none') where.push(sql`${conversations.assigneeId} IS NULL`);
  else if (f.assignee) where.push(eq(conversations.assigneeId, f.assignee));
  const at = conversations.lastMessageAt;
  if (f.before) where.push(olderThan(at, conversations.id, f.before));
  const run = (extra?: SQL) =>
    db
      .select()
      .from(conversations)
      .where(and(...where, extra))
      .orderBy(desc(at), desc(conversations.id))
      .limit(f.limit)
      .all();
  if (!f.scope) return run();
  const branches = [eq(conversations.assigneeId, f.scope.userId), and(isNull(conversations.assigneeId), isNull(conversations.teamId))!];
  if (f.scope.teamIds.length) branches.push(inArray(conversations.teamId, f.scope.teamIds));
  const seen = new Set<string>();
  return branches
    .flatMap((b) => run(b))
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, f.limit);
}

/** The API shape of a conversation; `windowOpen` and the SLA clocks (when targets are given) are computed against `now`. */
export function conversationToJson(c: ConversationRow, now: number, targets?: SlaTargets) {
  const sla = targets ? slaClock(c, targets, now) : null;
  return {
    id: c.id,
    contactId: c.contactId,
    channelId: c.channelId,
    status: c.status,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    priority: c.priority,
    unreadCount: c.unreadCount,
    lastMessageAt: toIso(c.lastMessageAt),
    lastInboundAt: toIso(c.lastInboundAt),
    lastOutboundAt: toIso(c.lastOutboundAt),
    windowExpiresAt: toIso(c.windowExpiresAt),
    windowOpen: c.windowExpiresAt !== null && c.windowExpiresAt > now,
    snoozedUntil: toIso(c.snoozedUntil),
    resolvedAt: toIso(c.resolvedAt),
    flagged: c.flagged,
    openedAt: toIso(c.openedAt),
    waitingSince: toIso(c.waitingSince),
    firstResponseAt: toIso(c.firstResponseAt),
    sla: sla && {
      firstResponseDueAt: toIso(sla.firstResponseDueAt),
      firstResponseBreached: sla.firstResponseBreached,
      resolutionDueAt: toIso(sla.resolutionDueAt),
      resolutionBreached: sla.resolutionBreached,
    },
    createdAt: toIso(c.createdAt),
  };
}

/** Reopens snoozed conversations whose time has come; returns their ids (for live updates). */
export function wakeSnoozed(db: Db, now: number): string[] {
  return db
    .update(conversations)
    .set({ status: 'open', snoozedUntil: null, updatedAt: now })
    .where(and(eq(conversations.status, 'snoozed'), lt(conversations.snoozedUntil, now + 1)))
    .returning({ id: conversations.id })
    .all()
    .map((r) => r.id);
}
