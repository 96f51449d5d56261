import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireAuth } from '../auth/auth.middleware.js';
import { applyCustomValues } from '../custom-fields/custom-fields.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../lib/errors.js';
import { decodeCursor, page, readJson, readQuery, type AppEnv } from '../lib/http.js';
import { normalizePhone } from './contacts.phone.js';
import { contactToJson, getContact, listContacts, tagsOf } from './contacts.repository.js';
import { createContactBody } from './contacts.schemas.js';
import { createContact, duplicatePhone, findPhoneOwner, isActiveUser, readPhone } from './contacts.usecases.js';

const listQuery = z.object({
  phone: z.string().max(40).optional(),
  q: z.string().trim().max(100).optional(),
  tag: z.string().max(100).optional(),
  ownerId: z.string().max(100).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
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
      const rows = listContacts(deps.db, { phone, q: q.q || undefined, tag: q.tag, ownerId: q.ownerId, before: decodeCursor(q.cursor), limit: q.limit + 1 });
      return c.json(
        page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), (items) => {
          const tags = tagsOf(deps.db, items.map((r) => r.id));
          return items.map((r) => contactToJson(r, tags.get(r.id)));
        }),
      );
    })
    .post('/contacts', requireAuth, async (c) => {
      const body = await readJson(c, createContactBody);
      const phone = body.phone ? readPhone(deps.db, body.phone) : null;
      if (phone) {
        const owner = findPhoneOwner(deps.db, phone);
        if (owner) throw duplicatePhone(phone, owner);
      }
      if (body.ownerId && !isActiveUser(deps.db, body.ownerId)) throw badRequest('request.invalid', 'ownerId: no such active user');
      const customFields = body.customFields ? applyCustomValues(deps.db, 'contact', '{}', body.customFields) : '{}';
      const now = deps.clock.now();
      const contact = inTransaction(deps.db, () => {
        const row = createContact(deps.db, { ...body, phone, customFields }, now, 'manual');
        recordAudit(deps.db, actorOf(c.get('auth')), { action: 'contact.created', entityType: 'contact', entityId: row.id, after: { name: body.name, phone } }, now);
        return row;
      });
      return c.json({ data: contactToJson(contact, tagsOf(deps.db, [contact.id]).get(contact.id)) }, 201);
    })

    .get('/contacts/:id', requireAuth, (c) => {
      const contact = getContact(deps.db, c.req.param('id'));
      if (!contact) throw notFound('contacts.not_found', 'No such contact.');
      return c.json({ data: contactToJson(contact, tagsOf(deps.db, [contact.id]).get(contact.id)) });
    });
}
