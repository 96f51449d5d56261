import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    email: text('email'),
    /** Company or organisation. */
    company: text('company'),
    /** The business's own reference for this customer (customer number, account id). */
    reference: text('reference'),
    /** Values of the workspace's contact custom fields, JSON object keyed by field key. */
    customFields: text('custom_fields').notNull().default('{}'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('contacts_phone_idx').on(t.phone), index('contacts_created_idx').on(t.createdAt, t.id), index('contacts_owner_idx').on(t.ownerId)],
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


/** Typed custom fields a workspace defines for contacts or deals; values live in each record's JSON. */
export const customFields = sqliteTable(
  'custom_fields',
  {
    id: text('id').primaryKey(),
    entity: text('entity', { enum: ['contact', 'deal'] }).notNull(),
    /** Stable key used in the values object, in imports and in automation (a-z, 0-9, _). */
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: ['text', 'number', 'date', 'select'] }).notNull(),
    /** JSON array of allowed values for `select`. */
    options: text('options').notNull().default('[]'),
    position: integer('position').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('custom_fields_entity_key_unique').on(t.entity, t.key)],
);
