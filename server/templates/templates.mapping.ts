/**
 * How each template slot is filled for a contact (a fixed value, a contact or deal field, a custom field,
 * with a fallback) and the whole send built from it: values, header media, validated Graph components.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { contacts } from '../../db/schema/contacts.js';
import { deals, pipelineStages } from '../../db/schema/pipelines.js';
import { media } from '../../db/schema/whatsapp.js';
import { badRequest, unprocessable } from '../lib/errors.js';
import { formatMinor } from '../pipelines/pipelines.models.js';
import {
  assertTemplateSendable,
  buildTemplateComponents,
  renderTemplatePreview,
  templateSlots,
  validateTemplateComponents,
  type TemplatePreview,
  type TemplateShape,
} from './templates.params.js';
import { headerMediaKind } from './templates.shape.js';

export type BindingSource = 'fixed' | 'contact' | 'contact_custom' | 'deal' | 'deal_custom';

/** contact fields: name, first_name, phone, email, company, reference; deal fields (the contact's most recently updated open deal): title, amount (formatted with its currency), stage. */
export interface Binding {
  source: BindingSource;
  field?: string;
  value?: string;
  fallback?: string;
}

export interface TemplateMapping {
  params: Record<string, Binding>;
  headerMediaId?: string | null;
}

export const CONTACT_FIELDS = ['name', 'first_name', 'phone', 'email', 'company', 'reference'] as const;
export const DEAL_FIELDS = ['title', 'amount', 'stage'] as const;

const fallback = z.string().max(1024).optional();
const customKey = z.string().min(1).max(64);
const bindingSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('fixed'), value: z.string().max(2000), fallback }),
  z.object({ source: z.literal('contact'), field: z.enum(CONTACT_FIELDS), fallback }),
  z.object({ source: z.literal('contact_custom'), field: customKey, fallback }),
  z.object({ source: z.literal('deal'), field: z.enum(DEAL_FIELDS), fallback }),
  z.object({ source: z.literal('deal_custom'), field: customKey, fallback }),
]);

/** A mapping as a request body carries it (PUT /templates/:id/mapping, preview, test send). */
export const templateMappingSchema: z.ZodType<TemplateMapping> = z.object({
  params: z.record(z.string().min(1).max(80), bindingSchema).default({}),
  headerMediaId: z.string().min(1).max(64).nullable().optional(),
});

/** The stored mapping; tolerant: bad JSON gives an empty mapping and a bad binding is dropped. */
export function parseMapping(json: string | null | undefined): TemplateMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? '{}');
  } catch {
    return { params: {} };
  }
  if (!raw || typeof raw !== 'object') return { params: {} };
  const o = raw as { params?: unknown; headerMediaId?: unknown };
  const params: Record<string, Binding> = {};
  if (o.params && typeof o.params === 'object') {
    for (const [slot, b] of Object.entries(o.params)) {
      const ok = bindingSchema.safeParse(b);
      if (ok.success) params[slot] = ok.data;
    }
  }
  return { params, ...(typeof o.headerMediaId === 'string' && o.headerMediaId && { headerMediaId: o.headerMediaId }) };
}

type FieldSource = { contact: Record<string, string>; contactCustom: Record<string, unknown>; deal: Record<string, string>; dealCustom: Record<string, unknown> };

const customOf = (json: string | null | undefined): Record<string, unknown> => {
  try {
    const v = JSON.parse(json ?? '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** An amount in the contact's locale when it is a valid one ("R$ 1.250,00" for pt_BR), else English. */
function formatAmount(minor: number, currency: string, language: string | null): string {
  const major = Number(formatMinor(minor, currency));
  for (const locale of [language?.replace(/_/g, '-'), 'en-US']) {
    try {
      if (locale) return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(major);
    } catch {
      // invalid locale or currency code: try the next
    }
  }
  return `${formatMinor(minor, currency)} ${currency}`;
}

/** The fields a contact's bindings can read (empty for a test without a contact). */
function loadFields(db: Db, contactId: string | null): FieldSource {
  const empty: FieldSource = { contact: {}, contactCustom: {}, deal: {}, dealCustom: {} };
  if (!contactId) return empty;
  const c = db.select().from(contacts).where(eq(contacts.id, contactId)).get();
  if (!c) return empty;
  const name = (c.name || c.profileName || '').trim();
  const contact: Record<string, string> = {
    name,
    first_name: name.split(/\s+/)[0] ?? '',
    phone: c.phone ?? '',
    email: c.email ?? '',
    company: c.company ?? '',
    reference: c.reference ?? '',
  };
  const d = db
    .select({ title: deals.title, amountMinor: deals.amountMinor, currency: deals.currency, customFields: deals.customFields, stage: pipelineStages.name })
    .from(deals)
    .leftJoin(pipelineStages, eq(pipelineStages.id, deals.stageId))
    .where(and(eq(deals.contactId, contactId), isNull(deals.closedAt)))
    .orderBy(desc(deals.updatedAt), desc(deals.id))
    .limit(1)
    .get();
  const deal: Record<string, string> = d
    ? {
        title: d.title,
        amount: d.amountMinor === null ? '' : d.currency ? formatAmount(d.amountMinor, d.currency, c.language) : String(d.amountMinor / 100),
        stage: d.stage ?? '',
      }
    : {};
  return { contact, contactCustom: customOf(c.customFields), deal, dealCustom: customOf(d?.customFields) };
}

/** Values are single-line: Meta refuses new lines, tabs and runs of spaces in parameters. */
const clean = (v: unknown): string => (v === null || v === undefined ? '' : String(v)).replace(/\s+/g, ' ').trim();

function bindingValue(b: Binding, f: FieldSource): string {
  const key = b.field ?? '';
  switch (b.source) {
    case 'fixed':
      return clean(b.value);
    case 'contact':
      return clean(f.contact[key]);
    case 'contact_custom':
      return clean(f.contactCustom[key]);
    case 'deal':
      return clean(f.deal[key]);
    case 'deal_custom':
      return clean(f.dealCustom[key]);
  }
}

/** Values for each slot for one contact (contactId null = test/preview without a contact: fixed values and fallbacks only). `missing` lists slot ids with no value and no fallback. */
export function resolveTemplateValues(db: Db, t: TemplateShape, mapping: TemplateMapping, contactId: string | null): { values: Record<string, string>; missing: string[] } {
  const fields = loadFields(db, contactId);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const slot of templateSlots(t)) {
    const binding = mapping.params[slot.id];
    let value = binding ? bindingValue(binding, fields) || clean(binding.fallback) : '';
    // A media header is filled by the mapping's uploaded media (its Parley id stands as the value).
    if (slot.component === 'header' && slot.kind !== 'text' && slot.kind !== 'location' && mapping.headerMediaId) value = mapping.headerMediaId;
    if (value) values[slot.id] = value;
    else if (slot.kind !== 'quick_reply') missing.push(slot.id);
  }
  return { values, missing };
}

/** The header media of a send: a Parley media id → the WhatsApp media id of an upload on this channel. */
function headerMediaFor(db: Db, mediaId: string, channelId: string): { waMediaId: string } {
  const m = db.select().from(media).where(and(eq(media.id, mediaId), eq(media.direction, 'outbound'))).get();
  if (!m || !m.waMediaId) throw unprocessable('templates.header_media_missing', 'The header media of this template is gone; upload it again in the template settings.');
  if (m.channelId !== channelId) throw unprocessable('media.wrong_channel', 'The header media was uploaded for another WhatsApp number; upload it again for this one.');
  return { waMediaId: m.waMediaId };
}

/**
 * The whole send for a contact: checks the template is approved, resolves values and the header media
 * (must be an outbound media of `channelId`), builds and validates the components. Throws 422
 * `templates.missing_value` naming the slots without a value, or the validation errors.
 */
export function templateSendFor(db: Db, t: TemplateShape, mapping: TemplateMapping, ctx: { contactId: string | null; channelId: string }): { components: Record<string, unknown>[]; preview: TemplatePreview } {
  assertTemplateSendable(t);
  const { values, missing } = resolveTemplateValues(db, t, mapping, ctx.contactId);
  if (missing.length) {
    throw unprocessable(
      'templates.missing_value',
      `Template ${t.name} (${t.language}): no value for ${missing.join(', ')}. Map ${missing.length === 1 ? 'it' : 'them'} to a field or give a fallback in the template settings.`,
    );
  }
  const headerMedia = mapping.headerMediaId ? headerMediaFor(db, mapping.headerMediaId, ctx.channelId) : null;
  const components = buildTemplateComponents(t, values, headerMedia);
  validateTemplateComponents(t, components);
  return { components, preview: renderTemplatePreview(t, values, mapping.headerMediaId ?? null) };
}

/**
 * Checks a mapping fits the template before it is stored or used: 400 naming an unknown slot, or a
 * header media that is missing, not uploaded by Parley, or of the wrong kind.
 */
export function assertMappingFits(db: Db, t: TemplateShape, mapping: TemplateMapping): void {
  const ids = templateSlots(t).map((s) => s.id);
  for (const key of Object.keys(mapping.params)) {
    if (!ids.includes(key)) throw badRequest('request.invalid', `params.${key}: no such slot in this template (it has ${ids.join(', ') || 'none'})`);
  }
  if (!mapping.headerMediaId) return;
  const kind = headerMediaKind(t);
  if (!kind || kind === 'location') throw badRequest('request.invalid', 'headerMediaId: this template has no image, video or document header');
  const m = db.select().from(media).where(and(eq(media.id, mapping.headerMediaId), eq(media.direction, 'outbound'))).get();
  if (!m) throw badRequest('request.invalid', 'headerMediaId: no such uploaded media');
  if (kind !== 'document' && m.mimeType && !m.mimeType.startsWith(`${kind}/`)) throw badRequest('request.invalid', `headerMediaId: the header needs ${kind === 'image' ? 'an image' : 'a video'}, not ${m.mimeType}`);
}
