import { z } from 'zod';
import { DEAL_KINDS, PAYMENT_STATUSES } from '../../db/schema/pipelines.js';
import { isCurrency } from './pipelines.models.js';

const id = z.string().trim().min(1).max(100);
const iso = z.iso.datetime({ offset: true });
export const currencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code like EUR')
  .refine(isCurrency, 'is not a known ISO 4217 currency');
/** Major units as a decimal string or a JSON number; parsed against the currency later (pipelines.models parseAmount). */
export const amountSchema = z.custom<string | number>(
  (v) => (typeof v === 'string' && v.length <= 40) || (typeof v === 'number' && Number.isFinite(v)),
  'must be a decimal number like 123.45 (a string or a number)',
);

const dealFields = {
  title: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(DEAL_KINDS),
  reference: z.string().trim().max(100).nullable(),
  amount: amountSchema.nullable(),
  currency: currencySchema.nullable(),
  pipelineId: id,
  stageId: id,
  ownerId: id.nullable(),
  contactId: id.nullable(),
  conversationId: id.nullable(),
  expectedCloseAt: iso.nullable(),
  customFields: z.record(z.string(), z.unknown()),
};

export const createDealBody = z.object({ ...dealFields, kind: dealFields.kind.default('deal') }).partial({
  reference: true,
  amount: true,
  currency: true,
  pipelineId: true,
  stageId: true,
  ownerId: true,
  contactId: true,
  conversationId: true,
  expectedCloseAt: true,
  customFields: true,
});
export type CreateDealInput = z.infer<typeof createDealBody>;

export const patchDealBody = z
  .object(dealFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type PatchDealInput = z.infer<typeof patchDealBody>;

export const listDealsQuery = z.object({
  pipelineId: id.optional(),
  stageId: id.optional(),
  contactId: id.optional(),
  conversationId: id.optional(),
  ownerId: id.optional(),
  owner: z.literal('me', 'must be "me" (use ownerId for someone else)').optional(),
  open: z.enum(['true', 'false']).optional(),
  kind: z.enum(DEAL_KINDS).optional(),
  q: z.string().trim().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const paymentRequestBody = z.object({
  amount: amountSchema,
  currency: currencySchema,
  link: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).max(2000),
  providerRef: z.string().trim().min(1).max(200).optional(),
});

export const paymentStatusBody = z.object({
  status: z.enum(PAYMENT_STATUSES.filter((s) => s !== 'none') as ['pending', 'paid', 'failed', 'refunded', 'cancelled']),
  providerRef: z.string().trim().min(1).max(200).optional(),
  amount: amountSchema.optional(),
  currency: currencySchema.optional(),
});
