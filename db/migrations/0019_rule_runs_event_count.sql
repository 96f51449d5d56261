ALTER TABLE `rule_runs` ADD `event_count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `rule_runs` ADD `last_event_id` integer;