CREATE TABLE `custom_fields` (
	`id` text PRIMARY KEY NOT NULL,
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`type` text NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_fields_entity_key_unique` ON `custom_fields` (`entity`,`key`);--> statement-breakpoint
CREATE TABLE `conversation_cycles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`team_id` text,
	`assignee_id` text,
	`opened_at` integer NOT NULL,
	`first_response_at` integer,
	`resolved_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_cycles_resolved_idx` ON `conversation_cycles` (`resolved_at`);--> statement-breakpoint
CREATE INDEX `conversation_cycles_conversation_idx` ON `conversation_cycles` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `deal_stage_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deal_id` text NOT NULL,
	`from_stage_id` text,
	`to_stage_id` text NOT NULL,
	`ms_in_previous` integer,
	`actor_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deal_stage_history_deal_idx` ON `deal_stage_history` (`deal_id`,`at`);--> statement-breakpoint
CREATE TABLE `deals` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'deal' NOT NULL,
	`title` text NOT NULL,
	`reference` text,
	`amount_minor` integer,
	`currency` text,
	`pipeline_id` text NOT NULL,
	`stage_id` text NOT NULL,
	`owner_id` text,
	`contact_id` text,
	`conversation_id` text,
	`expected_close_at` integer,
	`custom_fields` text DEFAULT '{}' NOT NULL,
	`stage_entered_at` integer NOT NULL,
	`closed_at` integer,
	`payment_status` text DEFAULT 'none' NOT NULL,
	`payment_amount_minor` integer,
	`payment_currency` text,
	`payment_link` text,
	`payment_provider_ref` text,
	`payment_updated_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deals_stage_idx` ON `deals` (`stage_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `deals_pipeline_idx` ON `deals` (`pipeline_id`,`closed_at`);--> statement-breakpoint
CREATE INDEX `deals_contact_idx` ON `deals` (`contact_id`);--> statement-breakpoint
CREATE INDEX `deals_owner_idx` ON `deals` (`owner_id`);--> statement-breakpoint
CREATE TABLE `pipeline_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`pipeline_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`outcome` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pipeline_stages_pipeline_idx` ON `pipeline_stages` (`pipeline_id`,`position`);--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_name_unique` ON `pipelines` (`name`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `email` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `company` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `reference` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `custom_fields` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_owner_idx` ON `contacts` (`owner_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `flagged` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `waiting_since` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_assignee_idx` ON `conversations` (`assignee_id`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_team_idx` ON `conversations` (`team_id`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_waiting_idx` ON `conversations` (`waiting_since`);--> statement-breakpoint
ALTER TABLE `teams` ADD `first_response_minutes` integer;--> statement-breakpoint
ALTER TABLE `teams` ADD `resolution_minutes` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `deal_id` text;--> statement-breakpoint
CREATE INDEX `tasks_contact_idx` ON `tasks` (`contact_id`);--> statement-breakpoint
CREATE INDEX `tasks_deal_idx` ON `tasks` (`deal_id`);