
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;

/** One thread per (contact, channel); resolving and reopening change its status, not its identity. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id').notNull(),
    channelId: text('channel_id').notNull(),
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('open'),
    assigneeId: text('assignee_id'),
    teamId: text('team_id'),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }).notNull().default('normal'),
    lastMessageAt: integer('last_message_at'),
    lastInboundAt: integer('last_inbound_at'),
    lastOutboundAt: integer('last_outbound_at'),
    /** lastInboundAt + 24 h: free-form messages are allowed until then. */
    windowExpiresAt: integer('window_expires_at'),
    unreadCount: integer('unread_count').notNull().default(0),
    snoozedUntil: integer('snoozed_until'),
    resolvedAt: integer('resolved_at'),
    /** Escalated by hand (a manager view lists flagged and urgent conversations). */
    flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
    /** Start of the current cycle: creation, or the customer message that reopened it (SLA clocks). */
    openedAt: integer('opened_at'),
    /** The earliest customer message the business has not answered yet; null = waiting on the customer. */
    waitingSince: integer('waiting_since'),
    /** The business's first reply in the current cycle. */
    firstResponseAt: integer('first_response_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('conversations_contact_channel_unique').on(t.contactId, t.channelId),
    index('conversations_status_last_idx').on(t.status, t.lastMessageAt),
    index('conversations_last_idx').on(t.lastMessageAt),
    index('conversations_assignee_idx').on(t.assigneeId, t.lastMessageAt),
    index('conversations_team_idx').on(t.teamId, t.lastMessageAt),
    // Manager views read open work newest first; these keep them off the 85 % that is resolved.
    index('conversations_unresolved_idx').on(t.lastMessageAt).where(sql`status != 'resolved'`),
    index('conversations_escalated_idx').on(t.lastMessageAt).where(sql`status != 'resolved' AND (priority = 'urgent' OR flagged = 1)`),
  ],
);

/** A closed cycle (open → resolved) of a conversation: what reports measure first response and resolution on. */
export const conversationCycles = sqliteTable(
  'conversation_cycles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: text('conversation_id').notNull(),
    teamId: text('team_id'),
    assigneeId: text('assignee_id'),
    openedAt: integer('opened_at').notNull(),
    firstResponseAt: integer('first_response_at'),
    resolvedAt: integer('resolved_at').notNull(),
  },
  (t) => [index('conversation_cycles_resolved_idx').on(t.resolvedAt), index('conversation_cycles_conversation_idx').on(t.conversationId)],
);

export const MESSAGE_STATUSES = ['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    contactId: text('contact_id').notNull(),
    channelId: text('channel_id').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    type: text('type').notNull(),
    /** Readable text: body, caption, button title… (also what search indexes). */
    text: text('text'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    waMessageId: text('wa_message_id'),
    /** When it happened: Meta's timestamp for inbound, creation time for outbound. */
    timestamp: integer('timestamp').notNull(),
    /** Type-specific fields (location, contacts, interactive, order, template, system, button…) as JSON. */
    content: text('content'),
    mediaId: text('media_id'),
    replyToWaId: text('reply_to_wa_id'),
    forwarded: integer('forwarded', { mode: 'boolean' }).notNull().default(false),
    frequentlyForwarded: integer('frequently_forwarded', { mode: 'boolean' }).notNull().default(false),
    referral: text('referral'),
    errorCode: integer('error_code'),
    errorTitle: text('error_title'),
    errorDetails: text('error_details'),
    pricing: text('pricing'),
    authorId: text('author_id'),
    idempotencyKey: text('idempotency_key'),
    editedAt: integer('edited_at'),
    revokedAt: integer('revoked_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('messages_channel_wamid_unique').on(t.channelId, t.waMessageId),
    uniqueIndex('messages_idempotency_unique').on(t.idempotencyKey),
    index('messages_conversation_ts_idx').on(t.conversationId, t.timestamp),
    index('messages_wamid_idx').on(t.waMessageId),
    // Reports count messages per day over a date range (index-only: timestamp and direction).
    index('messages_timestamp_idx').on(t.timestamp, t.direction),
    // Ad attribution reads only the few messages that came from a click-to-WhatsApp ad.
    index('messages_referral_idx').on(t.timestamp).where(sql`referral IS NOT NULL`),
  ],
);

/** Every status webhook once: UNIQUE(wa_message_id, status) makes redeliveries no-ops. */
export const messageStatusEvents = sqliteTable(
  'message_status_events',
  {
    waMessageId: text('wa_message_id').notNull(),
    status: text('status').notNull(),
    channelId: text('channel_id').notNull(),
    timestamp: integer('timestamp').notNull(),
    errors: text('errors'),
    pricing: text('pricing'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.waMessageId, t.status] })],
);

/**
 * Reactions keyed by the target's wamid, so a reaction that arrives before its message still attaches.
 * One reaction per actor per message; an un-reaction deletes the row.
 */
export const messageReactions = sqliteTable(
  'message_reactions',
  {
    channelId: text('channel_id').notNull(),
    targetWaId: text('target_wa_id').notNull(),
    actor: text('actor', { enum: ['contact', 'user'] }).notNull(),
    actorId: text('actor_id').notNull(),
    emoji: text('emoji').notNull(),
    reactedAt: integer('reacted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.targetWaId, t.actor, t.actorId] })],
);


/** Internal notes on a conversation: visible to the team, never sent to WhatsApp. */
export const conversationNotes = sqliteTable(
  'conversation_notes',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    authorId: text('author_id'),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.createdAt)],
);

/** Saved answers agents insert with "/shortcut" in the composer. */
export const cannedReplies = sqliteTable('canned_replies', {
  id: text('id').primaryKey(),
  shortcut: text('shortcut').notNull().unique(),
  body: text('body').notNull(),
  createdBy: text('created_by'),
  createdAt: integer('created_at').notNull(),
});
