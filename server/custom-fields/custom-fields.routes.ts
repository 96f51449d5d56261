import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { customFields } from '../../db/schema/contacts.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { customFieldToJson, getCustomField, listCustomFields } from './custom-fields.js';

const entity = z.enum(['contact', 'deal']);
const options = z.array(z.string().trim().min(1).max(100)).max(100);
const createBody = z
  .object({
    entity,
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _ (starting with a letter), at most 40'),
    label: z.string().trim().min(1, 'is required').max(80),
    type: z.enum(['text', 'number', 'date', 'select']),
    options: options.default([]),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .refine((b) => b.type !== 'select' || b.options.length > 0, { message: 'a select field needs at least one option', path: ['options'] });
const patchBody = z
  .object({ label: z.string().trim().min(1).max(80).optional(), options: options.optional(), position: z.number().int().min(0).max(10_000).optional() })
  .refine((b) => Object.keys(b).length > 0, 'give label, options or position');

/** Custom field definitions for contacts and deals: everyone reads them, owners/admins shape them. */
export function createCustomFieldsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const find = (id: string) => {
    const f = db.select().from(customFields).where(eq(customFields.id, id)).get();
    if (!f) throw notFound('custom_fields.not_found', 'No such field.');
    return f;
  };
  return new Hono<AppEnv>()
    .get('/custom-fields', requireAuth, (c) => {
      const q = readQuery(c, z.object({ entity: entity.optional() }));
      const rows = q.entity ? listCustomFields(db, q.entity) : [...listCustomFields(db, 'contact'), ...listCustomFields(db, 'deal')];
      return c.json({ data: rows.map(customFieldToJson) });
    })
    .post('/custom-fields', requireAuth, admins, async (c) => {
      const body = await readJson(c, createBody);
      if (getCustomField(db, body.entity, body.key)) throw conflict('custom_fields.duplicate', `A ${body.entity} field with key "${body.key}" exists.`);
      const now = clock.now();
      const row = { id: newId('cf'), entity: body.entity, key: body.key, label: body.label, type: body.type, options: JSON.stringify(body.options), position: body.position ?? listCustomFields(db, body.entity).length, createdAt: now };
      inTransaction(db, () => {
        db.insert(customFields).values(row).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'custom_field.created', entityType: 'custom_field', entityId: row.id, after: customFieldToJson(row) }, now);
      });
      return c.json({ data: customFieldToJson(row) }, 201);
    })
    .patch('/custom-fields/:id', requireAuth, admins, async (c) => {
      const field = find(c.req.param('id'));
      const body = await readJson(c, patchBody);
      if (body.options && field.type !== 'select') throw badRequest('request.invalid', 'options: only select fields have options');
      if (body.options && body.options.length === 0) throw badRequest('request.invalid', 'options: a select field needs at least one option');
      const patch = { ...(body.label ? { label: body.label } : {}), ...(body.options ? { options: JSON.stringify(body.options) } : {}), ...(body.position !== undefined ? { position: body.position } : {}) };
      inTransaction(db, () => {
        db.update(customFields).set(patch).where(eq(customFields.id, field.id)).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'custom_field.updated', entityType: 'custom_field', entityId: field.id, before: customFieldToJson(field), after: body }, clock.now());
      });
      return c.json({ data: customFieldToJson(find(field.id)) });
    })
    /** Removes the definition; values already stored stay in the records' JSON but are no longer shown or editable. */
    .delete('/custom-fields/:id', requireAuth, admins, (c) => {
      const field = find(c.req.param('id'));
      inTransaction(db, () => {
        db.delete(customFields).where(eq(customFields.id, field.id)).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'custom_field.deleted', entityType: 'custom_field', entityId: field.id, before: customFieldToJson(field) }, clock.now());
      });
      return c.body(null, 204);
    });
}
