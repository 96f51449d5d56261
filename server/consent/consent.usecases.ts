import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { consentEvents, type CONSENT_SOURCES } from '../../db/schema/consent.js';
import { contacts } from '../../db/schema/contacts.js';
import { templates } from '../../db/schema/whatsapp.js';
import type { JobStore } from '../jobs/jobs.store.js';
import { outboxOf } from '../events/events.outbox.js';
import { toIso } from '../lib/clock.js';
import { unprocessable } from '../lib/errors.js';
import { getSetting } from '../teams/teams.repository.js';
import { consentKeyword, DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS, KEYWORD_MAX_LENGTH } from './consent.models.js';

export type ConsentStatus = 'opted_in' | 'opted_out';
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const CONSENT_CONFIRM_QUEUE = 'consent.confirm';

export interface ConsentConfirmation {
  conversationId: string;
  /** The keyword message being answered (the send's idempotency key). */
  messageId: string;
  text: string;
}

/**
 * Records a consent change and applies it to the contact (marketing opt-out flag, source, time), in the
 * caller's transaction. Every call is kept in the history, even a repeat; returns whether the status changed.
 */
export function recordConsent(db: Db, contactId: string, e: { status: ConsentStatus; source: ConsentSource; actorId?: string | null; detail?: string | null }, at: number): boolean {
  const before = db.select({ optOut: contacts.marketingOptOut }).from(contacts).where(eq(contacts.id, contactId)).get();
  if (!before) return false;
  db.insert(consentEvents).values({ contactId, status: e.status, source: e.source, actorId: e.actorId ?? null, detail: e.detail?.slice(0, 500) ?? null, at }).run();
  db.update(contacts).set({ marketingOptOut: e.status === 'opted_out', consentSource: e.source, consentAt: at, updatedAt: at }).where(eq(contacts.id, contactId)).run();
  const changed = before.optOut !== (e.status === 'opted_out');
  if (changed) outboxOf(db)?.emit({ type: 'contact.consent_changed', contactId, data: { id: contactId, status: e.status, source: e.source, actorId: e.actorId ?? null, detail: e.detail ?? null } }, at);
  return changed;
}

/** The consent history of a contact, newest first. */
export function consentHistory(db: Db, contactId: string) {
  return db
    .select()
    .from(consentEvents)
    .where(eq(consentEvents.contactId, contactId))
    .orderBy(desc(consentEvents.at), desc(consentEvents.id))
    .all()
    .map((r) => ({ status: r.status, source: r.source, actorId: r.actorId, detail: r.detail, at: toIso(r.at) }));
}

/**
 * A customer's message that is exactly an opt-out or opt-in keyword (the workspace's words, or the
 * multilingual defaults) changes their consent at once; a confirmation is sent when one is configured.
 * Runs in the webhook's transaction; the confirmation is a job committed with it.
 */
export function applyConsentKeyword(deps: { db: Db; jobs: Pick<JobStore, 'enqueue'> }, m: { contactId: string; conversationId: string; messageId: string; text: string | null }, at: number): ConsentStatus | null {
  // Most messages are sentences: skip the settings lookups on the webhook path for them.
  if (!m.text || m.text.length > KEYWORD_MAX_LENGTH) return null;
  const status = consentKeyword(m.text, {
    optOut: getSetting<string[]>(deps.db, 'optOutKeywords', DEFAULT_OPT_OUT_KEYWORDS),
    optIn: getSetting<string[]>(deps.db, 'optInKeywords', DEFAULT_OPT_IN_KEYWORDS),
  });
  if (!status) return null;
  recordConsent(deps.db, m.contactId, { status, source: 'keyword', detail: m.text }, at);
  const reply = getSetting<string | null>(deps.db, status === 'opted_out' ? 'optOutConfirmation' : 'optInConfirmation', null);
  if (reply) deps.jobs.enqueue(CONSENT_CONFIRM_QUEUE, { conversationId: m.conversationId, messageId: m.messageId, text: reply } satisfies ConsentConfirmation, { idempotencyKey: `consent:${m.messageId}`, maxAttempts: 3 });
  return status;
}

/**
 * Refuses a marketing template to a contact who opted out (422 `contacts.opted_out`). Utility and
 * authentication templates go through unless the `utilityNeedsConsent` setting says otherwise.
 */
export function assertMayReceiveTemplate(db: Db, c: { contactId: string; wabaId: string | null; name: string; language: string }): void {
  const contact = db.select({ optOut: contacts.marketingOptOut }).from(contacts).where(eq(contacts.id, c.contactId)).get();
  if (!contact?.optOut) return;
  const t = c.wabaId ? db.select({ category: templates.category }).from(templates).where(and(eq(templates.wabaId, c.wabaId), eq(templates.name, c.name), eq(templates.language, c.language))).get() : undefined;
  const category = t?.category?.toUpperCase() ?? 'MARKETING'; // unknown template: assume the strictest
  if (category === 'MARKETING' || getSetting(db, 'utilityNeedsConsent', false)) {
    throw unprocessable('contacts.opted_out', `This contact opted out of ${category === 'MARKETING' ? 'marketing' : 'business'} messages; the ${c.name} template (${category.toLowerCase()}) is not sent.`);
  }
}
