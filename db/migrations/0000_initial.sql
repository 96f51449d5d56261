CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`available` integer DEFAULT true NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (lower("email"));--> statement-breakpoint
CREATE TABLE `contact_identities` (
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`contact_id` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `value`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_identities_contact_idx` ON `contact_identities` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_tags` (
	`contact_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`contact_id`, `tag`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_tags_tag_idx` ON `contact_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`phone` text,
	`wa_id` text,
	`user_id` text,
	`parent_user_id` text,
	`username` text,
	`profile_name` text,
	`language` text,
	`owner_id` text,
	`marketing_opt_out` integer DEFAULT false NOT NULL,
	`consent_source` text,
	`consent_at` integer,
	`first_touch` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contacts_phone_idx` ON `contacts` (`phone`);--> statement-breakpoint
CREATE INDEX `contacts_created_idx` ON `contacts` (`created_at`);--> statement-breakpoint
CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`shortcut` text NOT NULL,
	`body` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_shortcut_unique` ON `canned_replies` (`shortcut`);--> statement-breakpoint
CREATE TABLE `conversation_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`author_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_notes_conversation_idx` ON `conversation_notes` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assignee_id` text,
	`team_id` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`last_message_at` integer,
	`last_inbound_at` integer,
	`last_outbound_at` integer,
	`window_expires_at` integer,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`snoozed_until` integer,
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_contact_channel_unique` ON `conversations` (`contact_id`,`channel_id`);--> statement-breakpoint
CREATE INDEX `conversations_status_last_idx` ON `conversations` (`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_last_idx` ON `conversations` (`last_message_at`);--> statement-breakpoint
CREATE TABLE `message_reactions` (
	`channel_id` text NOT NULL,
	`target_wa_id` text NOT NULL,
	`actor` text NOT NULL,
	`actor_id` text NOT NULL,
	`emoji` text NOT NULL,
	`reacted_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `target_wa_id`, `actor`, `actor_id`)
);
--> statement-breakpoint
CREATE TABLE `message_status_events` (
	`wa_message_id` text NOT NULL,
	`status` text NOT NULL,
	`channel_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`errors` text,
	`pricing` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`wa_message_id`, `status`)
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`direction` text NOT NULL,
	`type` text NOT NULL,
	`text` text,
	`status` text NOT NULL,
	`wa_message_id` text,
	`timestamp` integer NOT NULL,
	`content` text,
	`media_id` text,
	`reply_to_wa_id` text,
	`forwarded` integer DEFAULT false NOT NULL,
	`frequently_forwarded` integer DEFAULT false NOT NULL,
	`referral` text,
	`error_code` integer,
	`error_title` text,
	`error_details` text,
	`pricing` text,
	`author_id` text,
	`idempotency_key` text,
	`edited_at` integer,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_channel_wamid_unique` ON `messages` (`channel_id`,`wa_message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_idempotency_unique` ON `messages` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `messages_conversation_ts_idx` ON `messages` (`conversation_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `messages_wamid_idx` ON `messages` (`wa_message_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`payload` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`run_at` integer NOT NULL,
	`lease_token` text,
	`idempotency_key` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_queue_idempotency_unique` ON `jobs` (`queue`,`idempotency_key`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`queue`,`run_at`) WHERE state IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX `jobs_dead_idx` ON `jobs` (`updated_at`) WHERE state = 'dead';--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`phone_number_id` text NOT NULL,
	`waba_id` text,
	`display_phone_number` text,
	`access_token_enc` text NOT NULL,
	`app_secret_enc` text NOT NULL,
	`verify_token_enc` text NOT NULL,
	`graph_base_url` text,
	`graph_version` text,
	`throughput_per_second` integer DEFAULT 80 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`sandbox` integer DEFAULT false NOT NULL,
	`last_webhook_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_phone_number_id_unique` ON `channels` (`phone_number_id`);--> statement-breakpoint
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`direction` text NOT NULL,
	`wa_media_id` text,
	`mime_type` text,
	`size` integer,
	`sha256` text,
	`meta_sha256` text,
	`filename` text,
	`caption` text,
	`state` text NOT NULL,
	`error` text,
	`uploaded_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_wa_id_idx` ON `media` (`wa_media_id`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`waba_id` text NOT NULL,
	`wa_template_id` text,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`category` text,
	`status` text NOT NULL,
	`quality` text,
	`rejected_reason` text,
	`components` text DEFAULT '[]' NOT NULL,
	`parameter_format` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `templates_waba_name_lang_unique` ON `templates` (`waba_id`,`name`,`language`);--> statement-breakpoint
CREATE INDEX `templates_wa_id_idx` ON `templates` (`wa_template_id`);--> statement-breakpoint
CREATE TABLE `wa_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_id` text,
	`waba_id` text,
	`kind` text NOT NULL,
	`field` text NOT NULL,
	`dedupe_hash` text NOT NULL,
	`summary` text,
	`payload` text NOT NULL,
	`webhook_event_id` integer,
	`occurred_at` integer,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wa_events_dedupe_hash_unique` ON `wa_events` (`dedupe_hash`);--> statement-breakpoint
CREATE INDEX `wa_events_kind_idx` ON `wa_events` (`kind`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` integer NOT NULL,
	`signature` text NOT NULL,
	`signed_for` text DEFAULT '' NOT NULL,
	`body` blob NOT NULL,
	`state` text DEFAULT 'received' NOT NULL,
	`error` text,
	`event_count` integer,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_events_attention_idx` ON `webhook_events` (`id`) WHERE state IN ('failed', 'unroutable');--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint_unique` ON `push_subscriptions` (`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_user_idx` ON `push_subscriptions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `team_members` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`keywords` text DEFAULT '[]' NOT NULL,
	`last_assignee_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_name_unique` ON `teams` (`name`);