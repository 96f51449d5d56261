import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../lib/errors.js';
import { decodeCursor, page, readQuery, type AppEnv } from '../lib/http.js';
import { normalizePhone, waIdFromPhone } from './contacts.phone.js';
import { contactToJson, createContactWithoutIdentity, findContactByPhone, findOrCreateContact, getContact, listContacts, tagsOf } from './contacts.repository.js';
import { eq } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { inTransaction } from '../../db/client.js';
import { contacts, contactTags } from '../../db/schema/contacts.js';
import { AppError } from '../lib/errors.js';
import { readJson } from '../lib/http.js';
import { getSetting } from '../teams/teams.repository.js';
import { actorOf, recordAudit } from '../audit/audit.js';

const listQuery = z.object({
  phone: z.string().max(40).optional(),
  q: z.string().trim().max(100).optional(),
  tag: z.string().max(100).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const createBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  phone: z.string().trim().min(3).max(40).optional(),
  language: z.string().trim().regex(/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/, 'must be a language code like en or pt_BR').optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});

/** Contacts: list with filters, create (numbers normalised with the default region, duplicates refused), one record. */
export function createContactsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/contacts', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      let phone: string | undefined;
      if (q.phone) {
        phone = normalizePhone(q.phone.startsWith('+') ? q.phone : `+${q.phone}`) ?? undefined;
        if (!phone) throw badRequest('request.invalid', `phone: "${q.phone}" is not a valid international phone number`);
      }
      const rows = listContacts(deps.db, { phone, q: q.q || undefined, tag: q.tag, before: decodeCursor(q.cursor), limit: q.limit + 1 });
      return c.json(
        page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), (items) => {
          const tags = tagsOf(deps.db, items.map((r) => r.id));
          return items.map((r) => contactToJson(r, tags.get(r.id)));
        }),
      );
    })
    .post('/contacts', requireAuth, async (c) => {
      const body = await readJson(c, createBody);
      let phone: string | null = null;
      if (body.phone) {
        const region = getSetting<string | null>(deps.db, 'defaultRegion', null) ?? undefined;
        phone = normalizePhone(body.phone, region as CountryCode | undefined);
        if (!phone) {
          throw badRequest('request.invalid', `phone: "${body.phone}" is not a valid number${region ? ` (local numbers are read as ${region})` : '; use international format like +14155552671 or set a default region'}`);
        }
        const existing = findContactByPhone(deps.db, phone);
        if (existing) throw new AppError(409, 'contacts.duplicate', `${phone} already belongs to ${existing.name ?? 'a contact'} (${existing.id}).`);
      }
      const now = deps.clock.now();
      const contact = inTransaction(deps.db, () => {
        const row = phone
          ? findOrCreateContact(deps.db, { waId: waIdFromPhone(phone), userId: null, profileName: null }, now, 'manual').contact
          : createContactWithoutIdentity(deps.db, now);
        deps.db.update(contacts).set({ name: body.name, phone, language: body.language ?? null, updatedAt: now }).where(eq(contacts.id, row.id)).run();
        for (const tag of body.tags ?? []) deps.db.insert(contactTags).values({ contactId: row.id, tag, createdAt: now }).onConflictDoNothing().run();
        recordAudit(deps.db, actorOf(c.get('auth')), { action: 'contact.created', entityType: 'contact', entityId: row.id, after: { name: body.name, phone } }, now);
        return getContact(deps.db, row.id)!;
      });
      return c.json({ data: contactToJson(contact, tagsOf(deps.db, [contact.id]).get(contact.id)) }, 201);
    })

    .get('/contacts/:id', requireAuth, (c) => {
      const contact = getContact(deps.db, c.req.param('id'));
      if (!contact) throw notFound('contacts.not_found', 'No such contact.');
      return c.json({ data: contactToJson(contact, tagsOf(deps.db, [contact.id]).get(contact.id)) });
    });
}
