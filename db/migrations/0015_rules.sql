CREATE TABLE `rule_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` text NOT NULL,
	`event_key` text NOT NULL,
	`event_type` text NOT NULL,
	`conversation_id` text,
	`contact_id` text,
	`deal_id` text,
	`event` text NOT NULL,
	`state` text NOT NULL,
	`next_step` integer DEFAULT 0 NOT NULL,
	`conditions_matched` integer,
	`log` text DEFAULT '[]' NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_runs_event_unique` ON `rule_runs` (`rule_id`,`event_key`);--> statement-breakpoint
CREATE INDEX `rule_runs_rule_idx` ON `rule_runs` (`rule_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `rule_runs_conversation_idx` ON `rule_runs` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`trigger` text NOT NULL,
	`conditions` text DEFAULT '{"match":"all","items":[]}' NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`scope` text DEFAULT '{}' NOT NULL,
	`flagged_error` text,
	`built_in` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
