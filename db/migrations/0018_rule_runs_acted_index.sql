DROP INDEX `rule_runs_conversation_idx`;--> statement-breakpoint
CREATE INDEX `rule_runs_acted_idx` ON `rule_runs` (`conversation_id`,`created_at`) WHERE state IN ('done', 'waiting', 'failed');