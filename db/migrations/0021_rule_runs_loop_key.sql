DROP INDEX `rule_runs_acted_idx`;--> statement-breakpoint
ALTER TABLE `rule_runs` ADD `loop_key` text;--> statement-breakpoint
UPDATE `rule_runs` SET `loop_key` = coalesce(`conversation_id`, `contact_id`) WHERE `state` IN ('done', 'waiting', 'failed') AND `created_at` > (unixepoch() - 7200) * 1000;--> statement-breakpoint
CREATE INDEX `rule_runs_loop_idx` ON `rule_runs` (`rule_id`,`loop_key`,`created_at`) WHERE loop_key IS NOT NULL;
