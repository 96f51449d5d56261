import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Follow-ups: a title, a due time, an owner, and what it is about (contact, conversation). */
export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    notes: text('notes'),
    dueAt: integer('due_at'),
    assigneeId: text('assignee_id'),
    contactId: text('contact_id'),
    conversationId: text('conversation_id'),
    dealId: text('deal_id'),
    doneAt: integer('done_at'),
    /** Set when the due reminder fired; a reminder fires once per due time. */
    remindedAt: integer('reminded_at'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('tasks_assignee_due_idx').on(t.assigneeId, t.dueAt), index('tasks_due_idx').on(t.dueAt), index('tasks_contact_idx').on(t.contactId), index('tasks_deal_idx').on(t.dealId)],
);
