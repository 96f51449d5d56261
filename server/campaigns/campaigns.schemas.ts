import { z } from 'zod';
import { templateMappingSchema } from '../templates/templates.mapping.js';

const tag = z.string().trim().min(1).max(64);
const id = z.string().min(1).max(64);

/** Who a campaign goes to. Every filter narrows; exclusions and suppression come after. */
export const audienceSchema = z.object({
  tags: z.array(tag).max(50).optional(),
  tagMatch: z.enum(['any', 'all']).default('any'),
  excludeTags: z.array(tag).max(50).optional(),
  customFields: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a custom field key (a-z, 0-9, _)'),
        op: z.enum(['eq', 'neq', 'contains', 'gt', 'lt', 'set', 'unset']),
        value: z.string().max(500).optional(),
      }),
    )
    .max(20)
    .optional(),
  /** Contacts with an open deal in one of these stages. */
  stageIds: z.array(id).max(50).optional(),
  lastActivity: z
    .object({ withinDays: z.number().int().min(1).max(3650).optional(), olderThanDays: z.number().int().min(1).max(3650).optional() })
    .optional(),
  /** Only contacts whose consent is recorded as opted in (form, import, keyword, manual…). */
  requireOptIn: z.boolean().default(false),
  excludeContactIds: z.array(id).max(10_000).optional(),
});
export type Audience = z.infer<typeof audienceSchema>;

const campaignFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  channelId: id.optional(),
  /** The template row of the default language. */
  templateId: id,
  variantLanguages: z.array(z.string().min(2).max(15)).max(20).optional(),
  mapping: templateMappingSchema.optional(),
  audience: audienceSchema,
  ratePerSecond: z.number().int().min(1).max(1000).optional(),
  attributionDays: z.number().int().min(1).max(90).optional(),
};

export const createCampaignBody = z.object(campaignFields);
export const patchCampaignBody = z
  .object({ ...campaignFields, audience: audienceSchema.optional(), templateId: id.optional(), name: campaignFields.name.optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');
export type CampaignInput = z.infer<typeof createCampaignBody>;

export const audiencePreviewBody = z.object({ audience: audienceSchema, channelId: id.optional(), templateId: id.optional() });
export const testSendBody = z.object({ to: z.array(z.string().min(3).max(32)).min(1).max(10) });
export const startBody = z.object({ at: z.iso.datetime({ offset: true }).optional() });

export const recipientsQuery = z.object({
  state: z.enum(['pending', 'skipped', 'queued', 'failed']).optional(),
  status: z.enum(['pending', 'skipped', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'replied']).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
