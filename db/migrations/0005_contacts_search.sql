-- Contact search also covers company, the business's reference and email; existing conversations start
-- their SLA cycle at creation.
DROP TRIGGER `contacts_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `contacts_fts_ad`;
--> statement-breakpoint
DROP TRIGGER `contacts_fts_au`;
--> statement-breakpoint
DROP TABLE `contacts_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(`name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`, content='contacts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`) VALUES (new.rowid, new.`name`, new.`phone`, new.`username`, new.`profile_name`, new.`company`, new.`reference`, new.`email`);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`) VALUES ('delete', old.rowid, old.`name`, old.`phone`, old.`username`, old.`profile_name`, old.`company`, old.`reference`, old.`email`);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE OF `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email` ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`) VALUES ('delete', old.rowid, old.`name`, old.`phone`, old.`username`, old.`profile_name`, old.`company`, old.`reference`, old.`email`);
  INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`) VALUES (new.rowid, new.`name`, new.`phone`, new.`username`, new.`profile_name`, new.`company`, new.`reference`, new.`email`);
END;
--> statement-breakpoint
INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email`) SELECT rowid, `name`, `phone`, `username`, `profile_name`, `company`, `reference`, `email` FROM `contacts`;
--> statement-breakpoint
UPDATE `conversations` SET `opened_at` = coalesce(`resolved_at`, `created_at`) WHERE `opened_at` IS NULL;
