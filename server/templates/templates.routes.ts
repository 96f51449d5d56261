import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import { getContact } from '../contacts/contacts.repository.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound, unprocessable } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv } from '../lib/http.js';
import { queueOutboundMessage, resolveRecipient } from '../whatsapp/outbound/outbound.usecases.js';
import { enqueueTemplateSync } from './templates.jobs.js';
import { assertMappingFits, parseMapping, resolveTemplateValues, templateMappingSchema, templateSendFor } from './templates.mapping.js';
import { assertTemplateSendable, renderTemplatePreview } from './templates.params.js';
import { getTemplate, listTemplates, markTemplateTestSent, setTemplateMapping, templateLanguages, templateToJson, toTemplateShape } from './templates.repository.js';

const listQuery = z.object({ channelId: z.string().optional(), status: z.string().toUpperCase().optional() });
const previewBody = z.object({ contactId: z.string().min(1).optional(), mapping: templateMappingSchema.optional() });
const testSendBody = z.object({
  to: z
    .array(z.string().trim().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 format, e.g. +14155552671'))
    .min(1, 'give at least one phone number')
    .max(10, 'at most 10 numbers per test'),
  mapping: templateMappingSchema.optional(),
});

/** Message templates as synced from Meta: list, detail, parameter mapping, preview and test sends. */
export function createTemplatesRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const load = (c: Context<AppEnv>) => {
    const row = getTemplate(db, c.req.param('id')!);
    if (!row) throw notFound('templates.not_found', 'No template with this id; templates come from Meta with a sync.');
    return row;
  };
  const detail = (row: NonNullable<ReturnType<typeof getTemplate>>) => ({ ...templateToJson(row), languages: templateLanguages(db, row.wabaId, row.name) });

  return new Hono<AppEnv>()
    .get('/templates', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      const wabaId = q.channelId ? (deps.channels.byId(q.channelId)?.wabaId ?? '-') : undefined;
      return c.json({ data: listTemplates(db, { wabaId, status: q.status }).map(templateToJson) });
    })

    .post('/templates/sync', requireRole('owner', 'admin'), (c) => c.json({ data: { queued: enqueueTemplateSync(deps) } }, 202))

    .get('/templates/:id', requireAuth, (c) => c.json({ data: detail(load(c)) }))

    .put('/templates/:id/mapping', requireRole('owner', 'admin'), async (c) => {
      const row = load(c);
      const mapping = await readJson(c, templateMappingSchema);
      assertMappingFits(db, toTemplateShape(row), mapping);
      setTemplateMapping(db, row.id, mapping);
      recordAudit(db, actorOf(c.get('auth')), { action: 'template.mapping_updated', entityType: 'template', entityId: row.id, before: parseMapping(row.mapping), after: mapping }, clock.now());
      return c.json({ data: detail(getTemplate(db, row.id)!) });
    })

    /** What a contact (or nobody: fixed values and fallbacks) would see, with the slots still unfilled. */
    .post('/templates/:id/preview', requireAuth, async (c) => {
      const row = load(c);
      const body = await readJson(c, previewBody);
      const shape = toTemplateShape(row);
      const mapping = body.mapping ?? parseMapping(row.mapping);
      if (body.mapping) assertMappingFits(db, shape, mapping);
      if (body.contactId && !getContact(db, body.contactId)) throw badRequest('request.invalid', 'contactId: no such contact');
      const { values, missing } = resolveTemplateValues(db, shape, mapping, body.contactId ?? null);
      return c.json({ data: { preview: renderTemplatePreview(shape, values, mapping.headerMediaId ?? null), missing, values } });
    })

    /** Sends the template to up to 10 numbers (the team's own phones) as each of them would get it. */
    .post('/templates/:id/test-send', requireRole('owner', 'admin'), async (c) => {
      const row = load(c);
      const body = await readJson(c, testSendBody);
      const shape = toTemplateShape(row);
      assertTemplateSendable(shape);
      const mapping = body.mapping ?? parseMapping(row.mapping);
      if (body.mapping) assertMappingFits(db, shape, mapping);
      const ofWaba = deps.channels.all().filter((ch) => ch.wabaId === row.wabaId);
      const channel = ofWaba.find((ch) => ch.status === 'active') ?? ofWaba[0];
      if (!channel) throw unprocessable('channels.none', 'No WhatsApp number of this template’s business account is connected.');
      const user = c.get('auth')!.user;
      // Build every send first, so a number that cannot get the template queues nothing at all.
      const sends = [...new Set(body.to)].map((to) => {
        const { conversation, contact } = resolveRecipient(deps, { to, channelId: channel.id });
        const { components } = templateSendFor(db, shape, mapping, { contactId: contact.id, channelId: channel.id });
        return { to, conversation, components };
      });
      const messages = sends.map((s) => {
        const template = { name: row.name, language: row.language, ...(s.components.length && { components: s.components }) };
        const { message } = queueOutboundMessage(deps, { conversation: s.conversation, body: { type: 'template', template }, authorId: user.id });
        return { to: s.to, messageId: message.id, status: message.status };
      });
      const now = clock.now();
      markTemplateTestSent(db, row.id, now);
      recordAudit(db, actorOf(c.get('auth')), { action: 'template.test_sent', entityType: 'template', entityId: row.id, after: { to: sends.map((s) => s.to) } }, now);
      return c.json({ data: { messages } }, 202);
    });
}
