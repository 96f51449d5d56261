import { z } from 'zod';
import { DELIVERY_STATES } from '../../db/schema/events.js';
import { isEventPattern, webhookUrlProblem } from './webhooks.models.js';

const url = z
  .string()
  .trim()
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const pattern = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (!isEventPattern(value)) ctx.addIssue({ code: 'custom', message: `unknown event type "${value}" (use an event type, "<prefix>.*" or "*")` });
  });

/** Event patterns, duplicates dropped. */
const events = z
  .array(pattern)
  .min(1, 'choose at least one event type')
  .max(100)
  .transform((list) => [...new Set(list)]);

const description = z.string().trim().max(500).nullish();

export const createWebhookBody = z.object({
  url,
  events,
  description,
  /** The signing secret; a random one is generated when absent. */
  secret: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
});
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const patchWebhookBody = z.object({
  url: url.optional(),
  events: events.optional(),
  description,
  enabled: z.boolean().optional(),
  /** Replaces the secret with a new random one, returned once in the answer. */
  rotateSecret: z.boolean().optional(),
});
export type PatchWebhookInput = z.infer<typeof patchWebhookBody>;

export const deliveriesQuery = z.object({
  state: z.enum(DELIVERY_STATES).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
