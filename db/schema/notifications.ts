import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** In-app notifications of one teammate (a rule's "notify", a task falling due): the bell in the app shell. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    /** What raised it: `rule` (a notify action) or `task` (a reminder). */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** The conversation it is about (clicking opens it), if any. */
    conversationId: text('conversation_id'),
    /** Where clicking leads when there is no conversation (an app path such as `/tasks`). */
    link: text('link'),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    // The badge counts unread ones on every page load: a small partial index answers it.
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} IS NULL`),
    index('notifications_created_idx').on(t.createdAt),
  ],
);
