import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import { getContact } from '../contacts/contacts.repository.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { consentHistory, recordConsent } from './consent.usecases.js';

// People record consent they were given on a form or by phone; keywords, Meta and delivery errors record themselves.
const consentBody = z.object({
  status: z.enum(['opted_in', 'opted_out']),
  source: z.enum(['manual', 'form']).default('manual'),
  detail: z.string().trim().max(500).optional(),
});

/** A contact's marketing consent: its history, and changes recorded by a person. */
export function createConsentRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const find = (id: string) => {
    const contact = getContact(db, id);
    if (!contact) throw notFound('contacts.not_found', 'No such contact.');
    return contact;
  };
  return new Hono<AppEnv>()
    .get('/contacts/:id/consent', requireAuth, (c) => {
      const contact = find(c.req.param('id'));
      return c.json({ data: { optedOut: contact.marketingOptOut, source: contact.consentSource, history: consentHistory(db, contact.id) } });
    })
    .post('/contacts/:id/consent', requireAuth, async (c) => {
      const contact = find(c.req.param('id'));
      const body = await readJson(c, consentBody);
      const now = clock.now();
      inTransaction(db, () => {
        recordConsent(db, contact.id, { ...body, actorId: currentAuth(c).user.id }, now);
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.consent', entityType: 'contact', entityId: contact.id, before: { optedOut: contact.marketingOptOut }, after: body }, now);
      });
      deps.bus.publish({ type: 'contact.updated', contactId: contact.id, data: { id: contact.id } });
      const updated = find(contact.id);
      return c.json({ data: { optedOut: updated.marketingOptOut, source: updated.consentSource, history: consentHistory(db, contact.id) } });
    });
}
