DROP INDEX `conversations_waiting_idx`;--> statement-breakpoint
CREATE INDEX `conversations_unresolved_idx` ON `conversations` (`last_message_at`) WHERE status != 'resolved';--> statement-breakpoint
CREATE INDEX `conversations_escalated_idx` ON `conversations` (`last_message_at`) WHERE status != 'resolved' AND (priority = 'urgent' OR flagged = 1);--> statement-breakpoint
ALTER TABLE `teams` ADD `channel_ids` text DEFAULT '[]' NOT NULL;