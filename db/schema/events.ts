import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The outbox of things that happened (message received, deal stage changed…), written in the transaction
 * of the change itself; consumers (outbound webhooks, automation) read it in order from their cursor.
 */
export const domainEvents = sqliteTable(
  'domain_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type').notNull(),
    conversationId: text('conversation_id'),
    contactId: text('contact_id'),
    dealId: text('deal_id'),
    /** The event's payload (JSON). */
    data: text('data').notNull(),
    at: integer('at').notNull(),
  },
  // No index on `at`: ids grow with time, so the purge finds the first event to keep by scanning the ones
  // it deletes anyway; every event written would otherwise pay for a second b-tree.
);

/** How far each consumer has read the outbox. */
export const eventCursors = sqliteTable('event_cursors', {
  consumer: text('consumer').primaryKey(),
  lastId: integer('last_id').notNull(),
});

/** An outbound webhook: a URL that receives the chosen event types, signed with its own secret. */
export const webhookSubscriptions = sqliteTable('webhook_subscriptions', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** JSON array of event types (`message.received`, `deal.*`…). */
  events: text('events').notNull(),
  description: text('description'),
  /** HMAC secret, encrypted with the data dir's key. */
  secretEnc: text('secret_enc').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdBy: text('created_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/** One event to one subscription: every attempt's outcome is kept on the row (and the log shows it). */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id').notNull(),
    eventId: integer('event_id').notNull(),
    eventType: text('event_type').notNull(),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    /** The start of the response body of the last attempt (for the log). */
    lastResponse: text('last_response'),
    lastAttemptAt: integer('last_attempt_at'),
    nextAttemptAt: integer('next_attempt_at'),
    deliveredAt: integer('delivered_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt)],
);
