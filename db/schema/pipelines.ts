import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A sales or service process: ordered stages that business objects move through. */
export const pipelines = sqliteTable('pipelines', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  position: integer('position').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const STAGE_OUTCOMES = ['open', 'won', 'lost'] as const;

export const pipelineStages = sqliteTable(
  'pipeline_stages',
  {
    id: text('id').primaryKey(),
    pipelineId: text('pipeline_id')
      .notNull()
      .references(() => pipelines.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    /** A won or lost stage closes the deal. */
    outcome: text('outcome', { enum: STAGE_OUTCOMES }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('pipeline_stages_pipeline_idx').on(t.pipelineId, t.position)],
);

export const DEAL_KINDS = ['deal', 'order', 'booking', 'case'] as const;
export const PAYMENT_STATUSES = ['none', 'pending', 'paid', 'failed', 'refunded', 'cancelled'] as const;

/** A business object (deal, order, booking, case) in a pipeline stage, about a contact. */
export const deals = sqliteTable(
  'deals',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: DEAL_KINDS }).notNull().default('deal'),
    title: text('title').notNull(),
    reference: text('reference'),
    /** Minor units (cents) to keep sums exact. */
    amountMinor: integer('amount_minor'),
    currency: text('currency'),
    pipelineId: text('pipeline_id').notNull(),
    stageId: text('stage_id').notNull(),
    ownerId: text('owner_id'),
    contactId: text('contact_id'),
    conversationId: text('conversation_id'),
    expectedCloseAt: integer('expected_close_at'),
    customFields: text('custom_fields').notNull().default('{}'),
    stageEnteredAt: integer('stage_entered_at').notNull(),
    /** Set when the deal enters a won or lost stage; cleared when it moves back to an open one. */
    closedAt: integer('closed_at'),
    paymentStatus: text('payment_status', { enum: PAYMENT_STATUSES }).notNull().default('none'),
    paymentAmountMinor: integer('payment_amount_minor'),
    paymentCurrency: text('payment_currency'),
    paymentLink: text('payment_link'),
    paymentProviderRef: text('payment_provider_ref'),
    paymentUpdatedAt: integer('payment_updated_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('deals_stage_idx').on(t.stageId, t.updatedAt),
    index('deals_pipeline_idx').on(t.pipelineId, t.closedAt),
    index('deals_contact_idx').on(t.contactId),
    index('deals_owner_idx').on(t.ownerId),
  ],
);

/** Every stage move, with how long the deal sat in the stage it left. */
export const dealStageHistory = sqliteTable(
  'deal_stage_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dealId: text('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    fromStageId: text('from_stage_id'),
    toStageId: text('to_stage_id').notNull(),
    /** Milliseconds spent in fromStage (null for the first entry). */
    msInPrevious: integer('ms_in_previous'),
    actorId: text('actor_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('deal_stage_history_deal_idx').on(t.dealId, t.at)],
);
