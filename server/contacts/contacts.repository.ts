import { and, desc, eq, inArray, or, sql, type AnyColumn } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { contactIdentities, contacts, contactTags } from '../../db/schema/contacts.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { phoneFromWaId } from './contacts.phone.js';
import { olderThan } from '../lib/keyset.js';

export type ContactRow = typeof contacts.$inferSelect;

export interface IdentityInput {
  waId: string | null;
  userId: string | null;
  parentUserId?: string | null;
  username?: string | null;
  profileName?: string | null;
}

// Every inbound message resolves its sender: these run thousands of times a second, so they are prepared once.
const byIdentity = (db: Db) =>
  prepared(db, 'contacts.byIdentity', () =>
    db
      .select({ contact: contacts })
      .from(contactIdentities)
      .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
      .where(and(eq(contactIdentities.kind, sql.placeholder('kind')), eq(contactIdentities.value, sql.placeholder('value'))))
      .prepare(),
  );
const linkIdentityStmt = (db: Db) =>
  prepared(db, 'contacts.linkIdentity', () =>
    db
      .insert(contactIdentities)
      .values({ kind: sql.placeholder('kind'), value: sql.placeholder('value'), contactId: sql.placeholder('contactId'), source: sql.placeholder('source'), createdAt: sql.placeholder('now') })
      .onConflictDoNothing()
      .prepare(),
  );

function findByIdentity(db: Db, kind: 'wa_id' | 'user_id', value: string | null): ContactRow | undefined {
  if (!value) return undefined;
  return byIdentity(db).get({ kind, value })?.contact;
}

/** Links a WhatsApp identity to a contact (no-op when the identity is already linked to someone). */
export function linkIdentity(db: Db, contactId: string, kind: 'wa_id' | 'user_id', value: string, source: string, now: number) {
  linkIdentityStmt(db).run({ kind, value, contactId, source, now });
}

/**
 * The contact for a WhatsApp identity, created on first sight. Either the wa_id or the BSUID may be
 * missing; whichever is known finds the person, and the other is linked to them, so one person never
 * becomes two contacts. Runs inside the caller's transaction.
 */
export function findOrCreateContact(db: Db, who: IdentityInput, now: number, source = 'inbound'): { contact: ContactRow; created: boolean } {
  const byWaId = findByIdentity(db, 'wa_id', who.waId);
  const existing = byWaId ?? findByIdentity(db, 'user_id', who.userId);
  if (existing) {
    const patch: Partial<ContactRow> = {};
    if (who.waId && !existing.waId) Object.assign(patch, { waId: who.waId, phone: existing.phone ?? phoneFromWaId(who.waId) });
    if (who.userId && existing.userId !== who.userId && !findByIdentity(db, 'user_id', who.userId)) patch.userId = who.userId;
    if (who.parentUserId && existing.parentUserId !== who.parentUserId) patch.parentUserId = who.parentUserId;
    if (who.username && existing.username !== who.username) patch.username = who.username;
    if (who.profileName && existing.profileName !== who.profileName) {
      patch.profileName = who.profileName;
      // Follow the WhatsApp name until someone renames the contact by hand.
      if (!existing.name || existing.name === existing.profileName) patch.name = who.profileName;
    }
    if (who.waId && !byWaId) linkIdentity(db, existing.id, 'wa_id', who.waId, source, now);
    if (who.userId && (byWaId || existing.userId !== who.userId)) linkIdentity(db, existing.id, 'user_id', who.userId, source, now);
    if (Object.keys(patch).length === 0) return { contact: existing, created: false };
    patch.updatedAt = now;
    db.update(contacts).set(patch).where(eq(contacts.id, existing.id)).run();
    return { contact: { ...existing, ...patch }, created: false };
  }

  const row: ContactRow = {
    id: newId('ct'),
    name: who.profileName ?? null,
    phone: phoneFromWaId(who.waId),
    waId: who.waId,
    userId: who.userId,
    parentUserId: who.parentUserId ?? null,
    username: who.username ?? null,
    profileName: who.profileName ?? null,
    language: null,
    ownerId: null,
    marketingOptOut: false,
    consentSource: null,
    consentAt: null,
    firstTouch: null,
    email: null,
    company: null,
    reference: null,
    customFields: '{}',
    createdAt: now,
    updatedAt: now,
  };
  db.insert(contacts).values(row).run();
  if (who.waId) linkIdentity(db, row.id, 'wa_id', who.waId, source, now);
  if (who.userId) linkIdentity(db, row.id, 'user_id', who.userId, source, now);
  return { contact: row, created: true };
}

const COLUMNS = ['id', 'name', 'phone', 'wa_id', 'user_id', 'parent_user_id', 'username', 'profile_name', 'language', 'owner_id', 'marketing_opt_out', 'consent_source', 'consent_at', 'first_touch', 'email', 'company', 'reference', 'custom_fields', 'created_at', 'updated_at'] as const;

/** Inserts a complete contact row with one prepared statement (imports write tens of thousands). */
export function insertContactRow(db: Db, row: ContactRow): void {
  const stmt = prepared(db, 'contacts.insertRow', () => db.$client.prepare(`INSERT INTO contacts (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`));
  stmt.run(row.id, row.name, row.phone, row.waId, row.userId, row.parentUserId, row.username, row.profileName, row.language, row.ownerId, row.marketingOptOut ? 1 : 0, row.consentSource, row.consentAt, row.firstTouch, row.email, row.company, row.reference, row.customFields, row.createdAt, row.updatedAt);
}

/** Finds the contact by identity without creating one. */
export function findContactByIdentity(db: Db, who: Pick<IdentityInput, 'waId' | 'userId'>): ContactRow | undefined {
  return findByIdentity(db, 'wa_id', who.waId) ?? findByIdentity(db, 'user_id', who.userId);
}

/**
 * A number change (`system` user_changed_number / user_changed_user_id): the new identity joins the same
 * contact, the old one keeps resolving to them, and the current phone follows.
 */
export function recordIdentityChange(db: Db, contactId: string, change: { newWaId: string | null; newUserId: string | null }, now: number): void {
  const patch: Partial<ContactRow> = { updatedAt: now };
  if (change.newWaId) {
    const owner = findByIdentity(db, 'wa_id', change.newWaId);
    if (!owner || owner.id === contactId) {
      linkIdentity(db, contactId, 'wa_id', change.newWaId, 'number_change', now);
      Object.assign(patch, { waId: change.newWaId, phone: phoneFromWaId(change.newWaId) });
    }
  }
  if (change.newUserId) {
    const owner = findByIdentity(db, 'user_id', change.newUserId);
    if (!owner || owner.id === contactId) {
      linkIdentity(db, contactId, 'user_id', change.newUserId, 'user_id_change', now);
      patch.userId = change.newUserId;
    }
  }
  db.update(contacts).set(patch).where(eq(contacts.id, contactId)).run();
}

/** Keeps the first ad referral as the contact's first-touch source. */
export function setFirstTouchIfEmpty(db: Db, contactId: string, referral: unknown, now: number): void {
  db.update(contacts)
    .set({ firstTouch: JSON.stringify(referral), updatedAt: now })
    .where(and(eq(contacts.id, contactId), sql`${contacts.firstTouch} IS NULL`))
    .run();
}

export function getContact(db: Db, id: string): ContactRow | undefined {
  const find = prepared(db, 'contacts.byId', () => db.select().from(contacts).where(eq(contacts.id, sql.placeholder('id'))).prepare());
  return find.get({ id });
}

/** Several contacts by id in one query (list pages). */
export function getContacts(db: Db, ids: readonly string[]): Map<string, ContactRow> {
  if (ids.length === 0) return new Map();
  return new Map(db.select().from(contacts).where(inArray(contacts.id, [...new Set(ids)])).all().map((c) => [c.id, c]));
}

export function findContactByPhone(db: Db, phone: string): ContactRow | undefined {
  return db.select().from(contacts).where(eq(contacts.phone, phone)).orderBy(contacts.createdAt).get();
}

export interface ContactFilters {
  phone?: string;
  /** Substring of name, phone, username, email, company or reference. */
  q?: string;
  tag?: string;
  ownerId?: string;
}

/** Contacts newest first, filtered by phone, tag, owner or a substring; paged by created time (all of them without a limit). */
export function listContacts(db: Db, f: ContactFilters & { before?: { at: number; id: string }; limit?: number }) {
  const where = [];
  if (f.phone) where.push(eq(contacts.phone, f.phone));
  if (f.q) {
    const pattern = `%${f.q.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
    const like = (col: AnyColumn) => sql`${col} LIKE ${pattern} ESCAPE '\\'`;
    where.push(or(like(contacts.name), like(contacts.phone), like(contacts.username), like(contacts.email), like(contacts.company), like(contacts.reference)));
  }
  if (f.ownerId) where.push(eq(contacts.ownerId, f.ownerId));
  if (f.tag) where.push(inArray(contacts.id, db.select({ id: contactTags.contactId }).from(contactTags).where(eq(contactTags.tag, f.tag))));
  if (f.before) where.push(olderThan(contacts.createdAt, contacts.id, f.before));
  return db
    .select()
    .from(contacts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(f.limit ?? -1)
    .all();
}

/** One contact's tags (hot path: automation conditions read them per message). */
export function tagsOfContact(db: Db, contactId: string): string[] {
  return prepared(db, 'contacts.tagsOfOne', () => db.$client.prepare(`SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag`).pluck()).all(contactId) as string[];
}

/** Tags by contact id, sorted, for the given contacts (or every contact when `contactIds` is 'all'). */
export function tagsOf(db: Db, contactIds: string[] | 'all'): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (contactIds !== 'all' && contactIds.length === 0) return map;
  const rows = db.select().from(contactTags).where(contactIds === 'all' ? undefined : inArray(contactTags.contactId, contactIds)).orderBy(contactTags.tag).all();
  for (const r of rows) {
    map.set(r.contactId, [...(map.get(r.contactId) ?? []), r.tag]);
  }
  return map;
}

/** The API shape of a contact. */
export function contactToJson(c: ContactRow, tags: string[] = []) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    waId: c.waId,
    userId: c.userId,
    parentUserId: c.parentUserId,
    username: c.username,
    profileName: c.profileName,
    tags,
    email: c.email,
    company: c.company,
    reference: c.reference,
    language: c.language,
    ownerId: c.ownerId,
    customFields: JSON.parse(c.customFields) as Record<string, string | number>,
    marketingOptOut: c.marketingOptOut,
    consent: c.consentSource ? { source: c.consentSource, at: toIso(c.consentAt) } : null,
    firstTouch: c.firstTouch ? (JSON.parse(c.firstTouch) as unknown) : null,
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}
