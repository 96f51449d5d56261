import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactIdentities, contacts, contactTags } from '../../db/schema/contacts.js';
import { conversationCycles, conversationNotes, conversations, messageReactions, messages } from '../../db/schema/inbox.js';
import { deals } from '../../db/schema/pipelines.js';
import { tasks } from '../../db/schema/tasks.js';
import type { ContactRow } from './contacts.repository.js';

type ConversationRow = typeof conversations.$inferSelect;

const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 } as const;
const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const blank = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Merges `source` into `target` inside the caller's transaction, then deletes the source. Everything of the
 * source moves: WhatsApp identities (its number keeps resolving, now to the target), tags, conversations
 * (two threads on the same channel become one), messages, reactions, tasks and deals. Fields blank on the
 * target are filled from the source; custom values the target lacks are added. An opt-out on either side
 * wins: merging must never make someone who said STOP reachable again.
 */
export function mergeContacts(db: Db, target: ContactRow, source: ContactRow, now: number): void {
  // Identities: rows move; the source's current ids are linked too in case they were never recorded.
  db.update(contactIdentities).set({ contactId: target.id }).where(eq(contactIdentities.contactId, source.id)).run();
  for (const [kind, value] of [['wa_id', source.waId], ['user_id', source.userId]] as const) {
    if (value) db.insert(contactIdentities).values({ kind, value, contactId: target.id, source: 'merge', createdAt: now }).onConflictDoNothing().run();
  }

  db.$client.prepare(`INSERT OR IGNORE INTO contact_tags (contact_id, tag, created_at) SELECT ?, tag, created_at FROM contact_tags WHERE contact_id = ?`).run(target.id, source.id);
  db.delete(contactTags).where(eq(contactTags.contactId, source.id)).run();

  const targetConvs = new Map(db.select().from(conversations).where(eq(conversations.contactId, target.id)).all().map((cv) => [cv.channelId, cv]));
  for (const conv of db.select().from(conversations).where(eq(conversations.contactId, source.id)).all()) {
    const into = targetConvs.get(conv.channelId);
    if (into) foldConversation(db, into, conv, now);
    else db.update(conversations).set({ contactId: target.id, updatedAt: now }).where(eq(conversations.id, conv.id)).run();
  }
  // By conversation (indexed), not by contact_id (no index on it): every source message now sits in a target thread.
  db.$client
    .prepare(`UPDATE messages SET contact_id = ? WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = ?) AND contact_id = ?`)
    .run(target.id, target.id, source.id);
  // A reaction by the source on a message the target also reacted to: the target's is kept.
  db.$client
    .prepare(`UPDATE OR IGNORE message_reactions SET actor_id = ? WHERE actor = 'contact' AND actor_id = ?`)
    .run(target.id, source.id);
  db.delete(messageReactions).where(and(eq(messageReactions.actor, 'contact'), eq(messageReactions.actorId, source.id))).run();
  db.update(tasks).set({ contactId: target.id }).where(eq(tasks.contactId, source.id)).run();
  db.update(deals).set({ contactId: target.id }).where(eq(deals.contactId, source.id)).run();

  db.delete(contacts).where(eq(contacts.id, source.id)).run();
  // After the delete: the phone column is not unique, but the target may take over the source's number.
  db.update(contacts).set(mergedFields(target, source, now)).where(eq(contacts.id, target.id)).run();
}

/** The target's fields after a merge: its own values, blanks filled from the source. */
export function mergedFields(target: ContactRow, source: ContactRow, now: number): Partial<ContactRow> {
  const patch: Partial<ContactRow> = { updatedAt: now };
  const fill = ['name', 'phone', 'waId', 'userId', 'parentUserId', 'username', 'profileName', 'email', 'company', 'reference', 'language', 'ownerId', 'firstTouch'] as const;
  for (const key of fill) if (blank(target[key]) && !blank(source[key])) Object.assign(patch, { [key]: source[key] });
  const custom = { ...(JSON.parse(source.customFields) as Record<string, unknown>), ...(JSON.parse(target.customFields) as Record<string, unknown>) };
  patch.customFields = JSON.stringify(custom);
  if (source.marketingOptOut && !target.marketingOptOut) Object.assign(patch, { marketingOptOut: true, consentSource: source.consentSource, consentAt: source.consentAt });
  else if (!target.consentSource && source.consentSource && !target.marketingOptOut) Object.assign(patch, { consentSource: source.consentSource, consentAt: source.consentAt });
  patch.createdAt = Math.min(target.createdAt, source.createdAt);
  return patch;
}

/**
 * Two threads with the same person on the same number become one: the source's messages, notes and SLA
 * cycles move into `into`; the times keep the latest, unread counts add up, and the current cycle (status,
 * assignee, team, snooze, waiting) comes from whichever thread was active last. The source thread is deleted.
 */
function foldConversation(db: Db, into: ConversationRow, from: ConversationRow, now: number): void {
  db.update(messages).set({ conversationId: into.id }).where(eq(messages.conversationId, from.id)).run();
  db.update(conversationNotes).set({ conversationId: into.id }).where(eq(conversationNotes.conversationId, from.id)).run();
  db.update(conversationCycles).set({ conversationId: into.id }).where(eq(conversationCycles.conversationId, from.id)).run();
  db.update(tasks).set({ conversationId: into.id }).where(eq(tasks.conversationId, from.id)).run();
  db.update(deals).set({ conversationId: into.id }).where(eq(deals.conversationId, from.id)).run();

  const latest = (from.lastMessageAt ?? from.createdAt) > (into.lastMessageAt ?? into.createdAt) ? from : into;
  // Open work is never hidden by a merge: a thread still waiting wins over a resolved one.
  const other = latest === from ? into : from;
  const current = latest.status === 'resolved' && other.status !== 'resolved' ? other : latest;
  const patch: Partial<ConversationRow> = {
    lastMessageAt: later(into.lastMessageAt, from.lastMessageAt),
    lastInboundAt: later(into.lastInboundAt, from.lastInboundAt),
    lastOutboundAt: later(into.lastOutboundAt, from.lastOutboundAt),
    windowExpiresAt: later(into.windowExpiresAt, from.windowExpiresAt),
    unreadCount: into.unreadCount + from.unreadCount,
    flagged: into.flagged || from.flagged,
    priority: PRIORITY_RANK[from.priority] > PRIORITY_RANK[into.priority] ? from.priority : into.priority,
    status: current.status,
    assigneeId: current.assigneeId ?? into.assigneeId ?? from.assigneeId,
    teamId: current.teamId ?? into.teamId ?? from.teamId,
    snoozedUntil: current.snoozedUntil,
    resolvedAt: current.resolvedAt,
    openedAt: current.openedAt,
    waitingSince: current.waitingSince,
    firstResponseAt: current.firstResponseAt,
    createdAt: Math.min(into.createdAt, from.createdAt),
    updatedAt: now,
  };
  // Delete first: conversations are UNIQUE(contact_id, channel_id) and nothing else may point at `from` now.
  db.delete(conversations).where(eq(conversations.id, from.id)).run();
  db.update(conversations).set(patch).where(eq(conversations.id, into.id)).run();
}

/** Counts of what a contact has, for the merge audit entry. */
export function contactFootprint(db: Db, contactId: string) {
  const count = (table: string, where: string) => (db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(contactId) as { n: number }).n;
  return {
    conversations: count('conversations', 'contact_id = ?'),
    messages: count('messages', 'conversation_id IN (SELECT id FROM conversations WHERE contact_id = ?)'),
    tasks: count('tasks', 'contact_id = ?'),
    deals: count('deals', 'contact_id = ?'),
  };
}
