-- Conversations always carry a last activity time (creation until the first message), so every list
-- orders on an index instead of sorting coalesce(last_message_at, created_at).
UPDATE `conversations` SET `last_message_at` = `created_at` WHERE `last_message_at` IS NULL;
