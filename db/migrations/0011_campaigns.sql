CREATE TABLE `campaign_recipients` (
	`campaign_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`position` integer NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`message_id` text,
	`language` text,
	`released_at` integer,
	PRIMARY KEY(`campaign_id`, `contact_id`)
);
--> statement-breakpoint
CREATE INDEX `campaign_recipients_state_idx` ON `campaign_recipients` (`campaign_id`,`state`,`position`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_contact_idx` ON `campaign_recipients` (`contact_id`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`channel_id` text NOT NULL,
	`template_name` text NOT NULL,
	`language` text NOT NULL,
	`variant_languages` text DEFAULT '[]' NOT NULL,
	`mapping` text DEFAULT '{}' NOT NULL,
	`audience` text DEFAULT '{}' NOT NULL,
	`rate_per_second` integer NOT NULL,
	`attribution_days` integer DEFAULT 7 NOT NULL,
	`scheduled_at` integer,
	`started_at` integer,
	`paused_at` integer,
	`finished_at` integer,
	`test_sent_at` integer,
	`pace_at` integer,
	`waiting_until` integer,
	`waiting_reason` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `campaigns_created_idx` ON `campaigns` (`created_at`);--> statement-breakpoint
ALTER TABLE `templates` ADD `mapping` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `templates` ADD `test_sent_at` integer;--> statement-breakpoint
CREATE INDEX `messages_referral_idx` ON `messages` (`timestamp`) WHERE referral IS NOT NULL;