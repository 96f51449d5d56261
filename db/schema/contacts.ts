import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One customer record per person. The WhatsApp identity is kept apart from the phone number. */
export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    name: text('name'),
    /** E.164, or null when only a BSUID/username is known. */
    phone: text('phone'),
    /** Current phone-based WhatsApp id (digits). */
    waId: text('wa_id'),
    /** Current business-scoped user id (BSUID). */
    userId: text('user_id'),
    parentUserId: text('parent_user_id'),
    username: text('username'),
    /** WhatsApp profile name as last seen (kept even when an agent renames the contact). */
    profileName: text('profile_name'),
    language: text('language'),
    ownerId: text('owner_id'),
    marketingOptOut: integer('marketing_opt_out', { mode: 'boolean' }).notNull().default(false),
    consentSource: text('consent_source'),
    consentAt: integer('consent_at'),
    /** The first ad referral that brought this contact (JSON), or null. */
    firstTouch: text('first_touch'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('contacts_phone_idx').on(t.phone), index('contacts_created_idx').on(t.createdAt)],
);

/**
 * Every WhatsApp identity a contact has had (wa_id or BSUID): the lookup index for find-or-create,
 * so a number change keeps the person one contact and the old number still resolves to them.
 */
export const contactIdentities = sqliteTable(
  'contact_identities',
  {
    kind: text('kind', { enum: ['wa_id', 'user_id'] }).notNull(),
    value: text('value').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.value] }), index('contact_identities_contact_idx').on(t.contactId)],
);

export const contactTags = sqliteTable(
  'contact_tags',
  {
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tag] }), index('contact_tags_tag_idx').on(t.tag)],
);

