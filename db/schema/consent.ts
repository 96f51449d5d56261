import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const CONSENT_SOURCES = ['form', 'import', 'keyword', 'meta_preference', 'delivery_error', 'manual'] as const;

/** Every change of a contact's marketing consent: what, where it came from, who, when (append-only history). */
export const consentEvents = sqliteTable(
  'consent_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: text('contact_id').notNull(),
    status: text('status', { enum: ['opted_in', 'opted_out'] }).notNull(),
    source: text('source', { enum: CONSENT_SOURCES }).notNull(),
    /** The user who recorded it (manual, form), or null. */
    actorId: text('actor_id'),
    /** The keyword, Meta's preference event, the failed message… */
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [index('consent_events_contact_idx').on(t.contactId, t.at)],
);
