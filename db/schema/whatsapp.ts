import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const CHANNEL_STATUSES = ['active', 'needs_token', 'disabled'] as const;

/** A WhatsApp business number. Access token and app secret are encrypted with DATA_DIR/secret.key. */
export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  phoneNumberId: text('phone_number_id').notNull().unique(),
  wabaId: text('waba_id'),
  displayPhoneNumber: text('display_phone_number'),
  accessTokenEnc: text('access_token_enc').notNull(),
  appSecretEnc: text('app_secret_enc').notNull(),
  verifyTokenEnc: text('verify_token_enc').notNull(),
  /** Null: the configured WA_GRAPH_URL / WA_GRAPH_VERSION. */
  graphBaseUrl: text('graph_base_url'),
  graphVersion: text('graph_version'),
  throughputPerSecond: integer('throughput_per_second').notNull().default(80),
  status: text('status', { enum: CHANNEL_STATUSES }).notNull().default('active'),
  statusReason: text('status_reason'),
  /** Set for the built-in sandbox channel served by the simulator. */
  sandbox: integer('sandbox', { mode: 'boolean' }).notNull().default(false),
  lastWebhookAt: integer('last_webhook_at'),
  /** When Meta's GET `hub.challenge` handshake last succeeded with this channel's verify token (setup check). */
  webhookVerifiedAt: integer('webhook_verified_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const WEBHOOK_EVENT_STATES = ['received', 'processed', 'failed', 'unroutable'] as const;

/** The raw archive: every signed POST exactly as received (Meta offers no history API). */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: integer('received_at').notNull(),
    signature: text('signature').notNull(),
    /** Comma-separated ids of the channels whose app secret signed it: the only channels it may touch. */
    signedFor: text('signed_for').notNull().default(''),
    body: blob('body', { mode: 'buffer' }).notNull(),
    state: text('state', { enum: WEBHOOK_EVENT_STATES }).notNull().default('received'),
    error: text('error'),
    eventCount: integer('event_count'),
    processedAt: integer('processed_at'),
  },
  // Only the events that need attention are indexed: the insert on the hot path touches no index.
  (t) => [index('webhook_events_attention_idx').on(t.id).where(sql`state IN ('failed', 'unroutable')`)],
);

export const WA_EVENT_KINDS = ['template', 'user_preference', 'error', 'other', 'unroutable'] as const;

/**
 * Webhook facts that are not messages or statuses (template updates, preferences, value-level errors,
 * uninterpreted fields), deduplicated by a content hash. Errors and unroutable ones are channel alerts.
 */
export const waEvents = sqliteTable(
  'wa_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channelId: text('channel_id'),
    wabaId: text('waba_id'),
    kind: text('kind', { enum: WA_EVENT_KINDS }).notNull(),
    field: text('field').notNull(),
    dedupeHash: text('dedupe_hash').notNull().unique(),
    summary: text('summary'),
    payload: text('payload').notNull(),
    webhookEventId: integer('webhook_event_id'),
    occurredAt: integer('occurred_at'),
    createdAt: integer('created_at').notNull(),
    acknowledgedAt: integer('acknowledged_at'),
  },
  (t) => [index('wa_events_kind_idx').on(t.kind, t.id)],
);

/** Templates (synced from Meta in a later step; status webhooks update rows that exist). */
export const templates = sqliteTable(
  'templates',
  {
    id: text('id').primaryKey(),
    wabaId: text('waba_id').notNull(),
    waTemplateId: text('wa_template_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category'),
    status: text('status').notNull(),
    quality: text('quality'),
    rejectedReason: text('rejected_reason'),
    components: text('components').notNull().default('[]'),
    parameterFormat: text('parameter_format'),
    /** How each parameter is filled (JSON; Parley's own, kept across syncs). */
    mapping: text('mapping').notNull().default('{}'),
    /** Last test send from Parley. */
    testSentAt: integer('test_sent_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('templates_waba_name_lang_unique').on(t.wabaId, t.name, t.language), index('templates_wa_id_idx').on(t.waTemplateId)],
);

/** `purged`: the file was removed by the retention setting; `error` says why, `updated_at` when (no SQL CHECK: no migration). */
export const MEDIA_STATES = ['pending', 'ready', 'failed', 'purged'] as const;

/** A media file: inbound (downloaded from Meta) or outbound (uploaded by a user). Content-addressed on disk. */
export const media = sqliteTable(
  'media',
  {
    id: text('id').primaryKey(),
    channelId: text('channel_id').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    waMediaId: text('wa_media_id'),
    mimeType: text('mime_type'),
    size: integer('size'),
    /** Hex sha256 of the stored bytes; also the storage key. */
    sha256: text('sha256'),
    /** The hash as Meta gave it (base64 or hex), checked on download. */
    metaSha256: text('meta_sha256'),
    filename: text('filename'),
    caption: text('caption'),
    state: text('state', { enum: MEDIA_STATES }).notNull(),
    error: text('error'),
    uploadedBy: text('uploaded_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('media_wa_id_idx').on(t.waMediaId)],
);
