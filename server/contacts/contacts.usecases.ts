import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { prepared, type Db } from '../../db/client.js';
import { users } from '../../db/schema/auth.js';
import { contactIdentities, contacts, contactTags } from '../../db/schema/contacts.js';
import { conversationCycles, conversationNotes, conversations, messageReactions, messages, messageStatusEvents } from '../../db/schema/inbox.js';
import { deals } from '../../db/schema/pipelines.js';
import { tasks } from '../../db/schema/tasks.js';
import { AppError, badRequest } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { getSetting } from '../teams/teams.repository.js';
import { normalizePhone, waIdFromPhone } from './contacts.phone.js';
import { findContactByIdentity, findOrCreateContact, getContact, insertContactRow, linkIdentity, type ContactRow } from './contacts.repository.js';

/** The workspace's default region for local numbers (Settings), if set. */
export function defaultRegion(db: Db): CountryCode | undefined {
  return (getSetting<string | null>(db, 'defaultRegion', null) ?? undefined) as CountryCode | undefined;
}

/** Why a typed number was refused, in the words POST /contacts uses. */
export function phoneProblem(raw: string, region: CountryCode | undefined): string {
  return `"${raw}" is not a valid number${region ? ` (local numbers are read as ${region})` : '; use international format like +14155552671 or set a default region'}`;
}

/** E.164 for a typed number read with the default region; 400 naming `field` when it is not a number. */
export function readPhone(db: Db, raw: string, field = 'phone'): string {
  const region = defaultRegion(db);
  const phone = normalizePhone(raw, region);
  if (!phone) throw badRequest('request.invalid', `${field}: ${phoneProblem(raw, region)}`);
  return phone;
}

/**
 * The contact a number already belongs to, by stored phone or by WhatsApp id (a contact whose number
 * changed still owns its old wa_id), other than `exceptId`.
 */
export function findPhoneOwner(db: Db, phone: string, exceptId?: string): ContactRow | undefined {
  const byPhone = db
    .select()
    .from(contacts)
    .where(exceptId ? and(eq(contacts.phone, phone), sql`${contacts.id} <> ${exceptId}`) : eq(contacts.phone, phone))
    .orderBy(contacts.createdAt)
    .get();
  if (byPhone) return byPhone;
  const byWaId = findContactByIdentity(db, { waId: waIdFromPhone(phone), userId: null });
  return byWaId && byWaId.id !== exceptId ? byWaId : undefined;
}

/** 409 `contacts.duplicate` naming the contact that has the number. */
export function duplicatePhone(phone: string, owner: ContactRow): AppError {
  return new AppError(409, 'contacts.duplicate', `${phone} already belongs to ${owner.name ?? 'a contact'} (${owner.id}).`);
}

/** True when `id` is a user who may own contacts (exists, not disabled). */
export function isActiveUser(db: Db, id: string): boolean {
  return !!db.select({ id: users.id }).from(users).where(and(eq(users.id, id), isNull(users.disabledAt))).get();
}

export interface NewContact {
  name: string | null;
  phone: string | null;
  email?: string | null;
  company?: string | null;
  reference?: string | null;
  language?: string | null;
  ownerId?: string | null;
  tags?: string[];
  /** Stored values JSON (already checked with applyCustomValues / coerceCustomValue). */
  customFields?: string;
}

/**
 * Creates a contact typed in by a person or imported (inside the caller's transaction). A number gets its
 * wa_id identity linked, so when the customer writes on WhatsApp it is the same contact. Callers check
 * duplicates first (findPhoneOwner); a WhatsApp id already on file gets the details on its contact instead.
 */
export function createContact(db: Db, input: NewContact, now: number, source: 'manual' | 'import'): ContactRow {
  const waId = input.phone ? waIdFromPhone(input.phone) : null;
  const details = {
    name: input.name,
    phone: input.phone,
    email: input.email ?? null,
    company: input.company ?? null,
    reference: input.reference ?? null,
    language: input.language ?? null,
    ownerId: input.ownerId ?? null,
    customFields: input.customFields ?? '{}',
  };
  const known = waId ? findContactByIdentity(db, { waId, userId: null }) : undefined;
  if (known) {
    const row = findOrCreateContact(db, { waId, userId: null, profileName: null }, now, source).contact;
    db.update(contacts).set({ ...details, updatedAt: now }).where(eq(contacts.id, row.id)).run();
    addTags(db, row.id, input.tags ?? [], now);
    return getContact(db, row.id)!;
  }
  const row: ContactRow = {
    id: newId('ct'), ...details, waId, userId: null, parentUserId: null, username: null, profileName: null,
    marketingOptOut: false, consentSource: null, consentAt: null, firstTouch: null, createdAt: now, updatedAt: now,
  };
  insertContactRow(db, row);
  if (waId) linkIdentity(db, row.id, 'wa_id', waId, source, now);
  addTags(db, row.id, input.tags ?? [], now);
  return row;
}

/** Adds tags to a contact (existing ones are kept). */
export function addTags(db: Db, contactId: string, tags: string[], now: number): void {
  const stmt = prepared(db, 'contacts.addTag', () => db.$client.prepare(`INSERT OR IGNORE INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?)`));
  for (const tag of tags) stmt.run(contactId, tag, now);
}

/**
 * Points a contact at a new number (inside the caller's transaction): the phone, the wa_id sends go to, and a
 * wa_id identity so messages from it find this contact. The old wa_id keeps resolving here when the customer
 * wrote from it (as after a number change); one only a person typed in and never heard from is dropped —
 * most likely a typo, and possibly someone else's number. Clearing the phone keeps the WhatsApp id.
 */
export function changePhone(db: Db, contact: ContactRow, phone: string | null, now: number): Partial<ContactRow> {
  if (phone === contact.phone) return {};
  if (!phone) return { phone: null };
  const waId = waIdFromPhone(phone);
  if (contact.waId && contact.waId !== waId) {
    const heardFrom = db
      .select({ id: messages.id })
      .from(messages)
      .where(and(inArray(messages.conversationId, db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contact.id))), eq(messages.direction, 'inbound')))
      .limit(1)
      .get();
    if (!heardFrom) {
      db.delete(contactIdentities)
        .where(and(eq(contactIdentities.kind, 'wa_id'), eq(contactIdentities.value, contact.waId), eq(contactIdentities.contactId, contact.id), inArray(contactIdentities.source, ['manual', 'import'])))
        .run();
    }
  }
  linkIdentity(db, contact.id, 'wa_id', waId, 'manual', now);
  return { phone, waId };
}

/**
 * Erases a contact and everything said with them: identities, tags, conversations with their messages
 * (status events, reactions), notes and SLA cycles. Tasks and deals stay, unlinked. Inside the caller's transaction.
 */
export function eraseContact(db: Db, contactId: string): void {
  const convIds = db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId)).all().map((r) => r.id);
  // Every message of the contact sits in one of their conversations (by the indexed conversation_id).
  const ofContact = inArray(messages.conversationId, convIds.length ? convIds : ['']);
  const wamids = db
    .select({ wamid: messages.waMessageId })
    .from(messages)
    .where(and(ofContact, sql`${messages.waMessageId} IS NOT NULL`))
    .all()
    .map((m) => m.wamid!);
  for (const ids of chunks(wamids, 400)) {
    db.delete(messageStatusEvents).where(inArray(messageStatusEvents.waMessageId, ids)).run();
    db.delete(messageReactions).where(inArray(messageReactions.targetWaId, ids)).run();
  }
  // Reactions the contact left on messages (keyed by the contact as actor).
  db.delete(messageReactions).where(and(eq(messageReactions.actor, 'contact'), eq(messageReactions.actorId, contactId))).run();
  db.delete(messages).where(ofContact).run();
  if (convIds.length) {
    db.delete(conversationNotes).where(inArray(conversationNotes.conversationId, convIds)).run();
    db.delete(conversationCycles).where(inArray(conversationCycles.conversationId, convIds)).run();
    db.update(tasks).set({ conversationId: null }).where(inArray(tasks.conversationId, convIds)).run();
    db.update(deals).set({ conversationId: null }).where(inArray(deals.conversationId, convIds)).run();
    db.delete(conversations).where(inArray(conversations.id, convIds)).run();
  }
  db.update(tasks).set({ contactId: null }).where(eq(tasks.contactId, contactId)).run();
  db.update(deals).set({ contactId: null }).where(eq(deals.contactId, contactId)).run();
  db.delete(contactIdentities).where(eq(contactIdentities.contactId, contactId)).run();
  db.delete(contactTags).where(eq(contactTags.contactId, contactId)).run();
  db.delete(contacts).where(eq(contacts.id, contactId)).run();
}

/** `items` in slices of `size` (SQLite caps bound parameters per statement). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
