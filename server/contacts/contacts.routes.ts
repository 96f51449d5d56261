import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../lib/errors.js';
import { decodeCursor, page, readQuery, type AppEnv } from '../lib/http.js';
import { normalizePhone } from './contacts.phone.js';
import { contactToJson, getContact, listContacts, tagsOf } from './contacts.repository.js';

const listQuery = z.object({
  phone: z.string().max(40).optional(),
  q: z.string().trim().max(100).optional(),
  tag: z.string().max(100).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Contacts: list with filters and one record. Editing, merge and import arrive with the CRM work. */
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
    .get('/contacts/:id', requireAuth, (c) => {
      const contact = getContact(deps.db, c.req.param('id'));
      if (!contact) throw notFound('contacts.not_found', 'No such contact.');
      return c.json({ data: contactToJson(contact, tagsOf(deps.db, [contact.id]).get(contact.id)) });
    });
}
