import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Teams route and scope work: keywords pull new conversations in, members share them round-robin. */
export const teams = sqliteTable('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** JSON array of lower-cased keywords matched against a new conversation's first message. */
  keywords: text('keywords').notNull().default('[]'),
  /** JSON array of channel ids: new conversations on these WhatsApp numbers come to this team (after keywords). */
  channelIds: text('channel_ids').notNull().default('[]'),
  /** The member who got the last round-robin assignment. */
  lastAssigneeId: text('last_assignee_id'),
  /** SLA targets in minutes (null: none). */
  firstResponseMinutes: integer('first_response_minutes'),
  resolutionMinutes: integer('resolution_minutes'),
  createdAt: integer('created_at').notNull(),
});

export const teamMembers = sqliteTable(
  'team_members',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

/** Workspace settings as key → JSON value. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
