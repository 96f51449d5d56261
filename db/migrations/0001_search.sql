-- Full-text search (FTS5, external content): messages, contacts and internal notes.
-- unicode61 with remove_diacritics 2: "preco" finds "preço". Triggers keep the indexes in step.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ai` AFTER INSERT ON `messages` WHEN new.`text` IS NOT NULL BEGIN
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.rowid, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages` WHEN old.`text` IS NOT NULL BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.rowid, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF `text` ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) SELECT 'delete', old.rowid, old.`text` WHERE old.`text` IS NOT NULL;
  INSERT INTO `messages_fts`(rowid, `text`) SELECT new.rowid, new.`text` WHERE new.`text` IS NOT NULL;
END;
--> statement-breakpoint
INSERT INTO `messages_fts`(rowid, `text`) SELECT rowid, `text` FROM `messages` WHERE `text` IS NOT NULL;
--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(`name`, `phone`, `username`, `profile_name`, content='contacts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`) VALUES (new.rowid, new.`name`, new.`phone`, new.`username`, new.`profile_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `phone`, `username`, `profile_name`) VALUES ('delete', old.rowid, old.`name`, old.`phone`, old.`username`, old.`profile_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE OF `name`, `phone`, `username`, `profile_name` ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `phone`, `username`, `profile_name`) VALUES ('delete', old.rowid, old.`name`, old.`phone`, old.`username`, old.`profile_name`);
  INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`) VALUES (new.rowid, new.`name`, new.`phone`, new.`username`, new.`profile_name`);
END;
--> statement-breakpoint
INSERT INTO `contacts_fts`(rowid, `name`, `phone`, `username`, `profile_name`) SELECT rowid, `name`, `phone`, `username`, `profile_name` FROM `contacts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `notes_fts` USING fts5(`body`, content='conversation_notes', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ai` AFTER INSERT ON `conversation_notes` BEGIN
  INSERT INTO `notes_fts`(rowid, `body`) VALUES (new.rowid, new.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ad` AFTER DELETE ON `conversation_notes` BEGIN
  INSERT INTO `notes_fts`(`notes_fts`, rowid, `body`) VALUES ('delete', old.rowid, old.`body`);
END;
