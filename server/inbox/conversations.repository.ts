import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { conversations, CONVERSATION_STATUSES } from '../../db/schema/inbox.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';

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
    lastMessageAt: null,
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
        waitingSince: sql`CASE WHEN ${conversations.status} = 'resolved' THEN ${atP} ELSE coalesce(${conversations.waitingSince}, ${atP}) END`,
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
  return db.select().from(conversations).where(eq(conversations.id, id)).get();
}

export function markConversationRead(db: Db, id: string, now: number): void {
  db.update(conversations).set({ unreadCount: 0, updatedAt: now }).where(eq(conversations.id, id)).run();
}

/** Changes the status; resolving closes the SLA cycle (kept for reports). Run inside a transaction. */
export function setConversationStatus(db: Db, id: string, status: ConversationStatus, now: number, snoozedUntil: number | null = null): void {
  if (status === 'resolved') {
    const closeCycle = prepared(db, 'conversations.closeCycle', () =>
      db.$client.prepare(
        `INSERT INTO conversation_cycles (conversation_id, team_id, assignee_id, opened_at, first_response_at, resolved_at)
         SELECT id, team_id, assignee_id, coalesce(opened_at, created_at), first_response_at, ? FROM conversations WHERE id = ? AND status != 'resolved'`,
      ),
    );
    closeCycle.run(now, id);
  }
  db.update(conversations)
    .set({ status, snoozedUntil: status === 'snoozed' ? snoozedUntil : null, resolvedAt: status === 'resolved' ? now : null, ...(status === 'resolved' ? { waitingSince: null } : {}), updatedAt: now })
    .where(eq(conversations.id, id))
    .run();
}

/** Conversations by latest activity, filtered; paged by (lastMessageAt, id). */
export function listConversations(
  db: Db,
  f: {
    contactId?: string;
    status?: ConversationStatus;
    assignee?: string | 'none';
    teamId?: string;
    /** An agent's visibility (see teams.repository conversationScope); undefined/null = everything. */
    scope?: { userId: string; teamIds: string[] } | null;
    before?: { at: number; id: string };
    limit: number;
  },
) {
  const where: (SQL | undefined)[] = [];
  if (f.scope) {
    where.push(
      or(
        eq(conversations.assigneeId, f.scope.userId),
        f.scope.teamIds.length ? inArray(conversations.teamId, f.scope.teamIds) : undefined,
        and(isNull(conversations.assigneeId), isNull(conversations.teamId)),
      ),
    );
  }
  if (f.teamId) where.push(eq(conversations.teamId, f.teamId));
  if (f.contactId) where.push(eq(conversations.contactId, f.contactId));
  if (f.status) where.push(eq(conversations.status, f.status));
  if (f.assignee === 'none') where.push(sql`${conversations.assigneeId} IS NULL`);
  else if (f.assignee) where.push(eq(conversations.assigneeId, f.assignee));
  const at = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
  if (f.before) where.push(or(lt(at, f.before.at), and(eq(at, f.before.at), lt(conversations.id, f.before.id))));
  return db
    .select()
    .from(conversations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(at), desc(conversations.id))
    .limit(f.limit)
    .all();
}

/** The API shape of a conversation; `windowOpen` is computed against `now`. */
export function conversationToJson(c: ConversationRow, now: number) {
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
