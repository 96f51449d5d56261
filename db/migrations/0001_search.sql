-- Full-text search (FTS5, external content): messages, contacts and internal notes.
-- unicode61 with remove_diacritics 2: "preco" finds "preço". Triggers keep the indexes in step.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
-- Messages are indexed in batches by the search.index job (not by an insert trigger): on the webhook
-- path each message would otherwise pay for tokenising its text inside the processing transaction.
-- `search_state.indexed_rowid` is the watermark; edits and deletes of indexed rows are kept in step here.
CREATE TABLE `search_state` (`name` text PRIMARY KEY NOT NULL, `indexed_rowid` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `messages_fts`(rowid, `text`) SELECT rowid, `text` FROM `messages` WHERE `text` IS NOT NULL;
--> statement-breakpoint
INSERT INTO `search_state` (`name`, `indexed_rowid`) VALUES ('messages', (SELECT coalesce(max(rowid), 0) FROM `messages`));
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages`
WHEN old.`text` IS NOT NULL AND old.rowid <= (SELECT `indexed_rowid` FROM `search_state` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.rowid, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF `text` ON `messages`
WHEN old.rowid <= (SELECT `indexed_rowid` FROM `search_state` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) SELECT 'delete', old.rowid, old.`text` WHERE old.`text` IS NOT NULL;
  INSERT INTO `messages_fts`(rowid, `text`) SELECT new.rowid, new.`text` WHERE new.`text` IS NOT NULL;
END;
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
