import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'finished', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A business-initiated send of one template to an audience, paced through the job table. */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull(),
    channelId: text('channel_id').notNull(),
    templateName: text('template_name').notNull(),
    /** The template language sent when a recipient's language has no variant. */
    language: text('language').notNull(),
    /** Other languages of the same template, chosen by the contact's language (JSON string[]). */
    variantLanguages: text('variant_languages').notNull().default('[]'),
    /** Parameter bindings (JSON, the template mapping shape). */
    mapping: text('mapping').notNull().default('{}'),
    /** Audience filter (JSON). */
    audience: text('audience').notNull().default('{}'),
    ratePerSecond: integer('rate_per_second').notNull(),
    attributionDays: integer('attribution_days').notNull().default(7),
    scheduledAt: integer('scheduled_at'),
    startedAt: integer('started_at'),
    pausedAt: integer('paused_at'),
    finishedAt: integer('finished_at'),
    /** Last test send of the current content (reset when template, language or mapping change). */
    testSentAt: integer('test_sent_at'),
    /** The current dispatch job's run id: a job of an earlier run (before a pause or a reschedule) stops. */
    dispatchRun: text('dispatch_run'),
    /** Pacing: the time of the next free send slot. */
    paceAt: integer('pace_at'),
    /** Set while sending waits for the daily messaging limit's window. */
    waitingUntil: integer('waiting_until'),
    waitingReason: text('waiting_reason'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('campaigns_created_idx').on(t.createdAt)],
);

export const RECIPIENT_STATES = ['pending', 'skipped', 'queued', 'failed'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/**
 * One row per contact of a started campaign. `pending` until released; `queued` once its message and send
 * job exist (delivery states are the message's); `skipped`/`failed` with a reason when nothing was sent.
 */
export const campaignRecipients = sqliteTable(
  'campaign_recipients',
  {
    campaignId: text('campaign_id').notNull(),
    contactId: text('contact_id').notNull(),
    /** Release order. */
    position: integer('position').notNull(),
    state: text('state', { enum: RECIPIENT_STATES }).notNull(),
    reason: text('reason'),
    messageId: text('message_id'),
    language: text('language'),
    releasedAt: integer('released_at'),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.contactId] }),
    index('campaign_recipients_state_idx').on(t.campaignId, t.state, t.position),
    // The log pages in release order.
    index('campaign_recipients_position_idx').on(t.campaignId, t.position),
    index('campaign_recipients_contact_idx').on(t.contactId),
  ],
);
