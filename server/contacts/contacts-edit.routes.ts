import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { contacts, contactTags } from '../../db/schema/contacts.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import { applyCustomValues } from '../custom-fields/custom-fields.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { contactFootprint, mergeContacts } from './contacts.merge.js';
import { contactToJson, getContact, tagsOf, type ContactRow } from './contacts.repository.js';
import { mergeBody, patchContactBody, tagName } from './contacts.schemas.js';
import { changePhone, duplicatePhone, eraseContact, findPhoneOwner, isActiveUser, readPhone } from './contacts.usecases.js';

const tagBody = z.object({ tag: tagName });

/** Changing one contact: edit fields, tags, merge a duplicate into it, delete it (owners and admins). */
export function createContactsEditRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const find = (id: string) => {
    const contact = getContact(db, id);
    if (!contact) throw notFound('contacts.not_found', `No such contact: ${id}.`);
    return contact;
  };
  const json = (id: string) => contactToJson(getContact(db, id)!, tagsOf(db, [id]).get(id));
  const updated = (contactId: string) => deps.bus.publish({ type: 'contact.updated', contactId, data: { id: contactId } });

  return new Hono<AppEnv>()
    /**
     * Edits fields; a new phone is read with the default region and refused (409) when another contact has
     * it; custom values are checked against their field types. Only the fields given change.
     */
    .patch('/contacts/:id', requireAuth, async (c) => {
      const contact = find(c.req.param('id'));
      const body = await readJson(c, patchContactBody);
      const patch: Partial<ContactRow> = {};
      for (const key of ['name', 'email', 'company', 'reference', 'language'] as const) if (body[key] !== undefined) Object.assign(patch, { [key]: body[key] });
      let phone: string | null | undefined;
      if (body.phone !== undefined) {
        phone = body.phone === null ? null : readPhone(db, body.phone);
        const owner = phone && phone !== contact.phone ? findPhoneOwner(db, phone, contact.id) : undefined;
        if (owner) throw duplicatePhone(phone!, owner);
      }
      if (body.ownerId !== undefined) {
        if (body.ownerId !== null && !isActiveUser(db, body.ownerId)) throw badRequest('request.invalid', `ownerId: no such active user (${body.ownerId})`);
        patch.ownerId = body.ownerId;
      }
      if (body.customFields) patch.customFields = applyCustomValues(db, 'contact', contact.customFields, body.customFields);
      const now = clock.now();
      inTransaction(db, () => {
        if (phone !== undefined) Object.assign(patch, changePhone(db, contact, phone, now));
        db.update(contacts).set({ ...patch, updatedAt: now }).where(eq(contacts.id, contact.id)).run();
        const shown = (row: Partial<ContactRow>) =>
          Object.fromEntries(Object.keys(patch).map((k) => [k, k === 'customFields' ? JSON.parse(row.customFields!) : row[k as keyof ContactRow]]));
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.updated', entityType: 'contact', entityId: contact.id, before: shown(contact), after: shown(patch) }, now);
      });
      updated(contact.id);
      return c.json({ data: json(contact.id) });
    })

    /** Erases the contact with their conversations and messages; tasks and deals stay, unlinked. */
    .delete('/contacts/:id', requireAuth, requireRole('owner', 'admin'), (c) => {
      const contact = find(c.req.param('id'));
      const now = clock.now();
      inTransaction(db, () => {
        const before = { name: contact.name, phone: contact.phone, waId: contact.waId, userId: contact.userId, email: contact.email, ...contactFootprint(db, contact.id) };
        eraseContact(db, contact.id);
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.deleted', entityType: 'contact', entityId: contact.id, before }, now);
      });
      deps.bus.publish({ type: 'contact.deleted', contactId: contact.id, data: { id: contact.id } });
      return c.body(null, 204);
    })

    /** Merges `sourceId` into this contact (the target) and deletes the source. */
    // Merging folds threads (and deletes the source): owners and admins only, like delete.
    .post('/contacts/:id/merge', requireAuth, requireRole('owner', 'admin'), async (c) => {
      const target = find(c.req.param('id'));
      const { sourceId } = await readJson(c, mergeBody);
      if (sourceId === target.id) throw conflict('contacts.merge_self', 'A contact cannot be merged into itself; pick the duplicate as sourceId.');
      const source = find(sourceId);
      const now = clock.now();
      inTransaction(db, () => {
        const moved = contactFootprint(db, source.id);
        mergeContacts(db, target, source, now);
        const summary = (r: ContactRow) => ({ id: r.id, name: r.name, phone: r.phone, waId: r.waId, userId: r.userId });
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.merged', entityType: 'contact', entityId: target.id, before: { target: summary(target), source: summary(source) }, after: { targetId: target.id, sourceId: source.id, moved } }, now);
      });
      deps.bus.publish([
        { type: 'contact.deleted', contactId: source.id, data: { id: source.id, mergedInto: target.id } },
        { type: 'contact.updated', contactId: target.id, data: { id: target.id } },
      ]);
      return c.json({ data: json(target.id) });
    })

    .post('/contacts/:id/tags', requireAuth, async (c) => {
      const contact = find(c.req.param('id'));
      const { tag } = await readJson(c, tagBody);
      const now = clock.now();
      inTransaction(db, () => {
        db.insert(contactTags).values({ contactId: contact.id, tag, createdAt: now }).onConflictDoNothing().run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.tag_added', entityType: 'contact', entityId: contact.id, after: { tag } }, now);
      });
      updated(contact.id);
      return c.json({ data: json(contact.id) });
    })

    .delete('/contacts/:id/tags/:tag', requireAuth, (c) => {
      const contact = find(c.req.param('id'));
      const tag = c.req.param('tag');
      const now = clock.now();
      inTransaction(db, () => {
        db.delete(contactTags).where(and(eq(contactTags.contactId, contact.id), eq(contactTags.tag, tag))).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.tag_removed', entityType: 'contact', entityId: contact.id, before: { tag } }, now);
      });
      updated(contact.id);
      return c.json({ data: json(contact.id) });
    });
}
