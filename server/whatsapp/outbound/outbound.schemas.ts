import { z } from 'zod';

const mediaFields = {
  /** Parley media id from POST /api/v1/media. */
  mediaId: z.string().min(1),
  caption: z.string().max(1024).optional(),
  filename: z.string().max(240).optional(),
};

/** The body of a send, by type (the conversation or recipient comes from the route). */
export const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1, 'is required').max(4096), previewUrl: z.boolean().optional() }),
  z.object({ type: z.literal('image'), ...mediaFields }),
  z.object({ type: z.literal('video'), ...mediaFields }),
  z.object({ type: z.literal('audio'), mediaId: mediaFields.mediaId }),
  z.object({ type: z.literal('document'), ...mediaFields }),
  z.object({ type: z.literal('sticker'), mediaId: mediaFields.mediaId }),
  z.object({
    type: z.literal('template'),
    template: z.object({
      name: z.string().min(1).max(512),
      language: z.string().min(2).max(15),
      components: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
      /** Instead of components: a value per slot id (`body.1`, `header.1`, `button.0`…); the template's mapping fills the rest. */
      values: z.record(z.string().max(64), z.string().max(2000)).optional(),
      /** A media header: a Parley media id uploaded for this number. */
      headerMediaId: z.string().min(1).max(64).optional(),
    }),
  }),
  z.object({
    type: z.literal('interactive'),
    interactive: z
      .object({ type: z.enum(['button', 'list', 'cta_url', 'product', 'product_list', 'flow', 'location_request_message']), body: z.object({ text: z.string().min(1).max(1024) }).optional() })
      .loose(),
  }),
  z.object({
    type: z.literal('location'),
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(1000).optional(), address: z.string().max(1000).optional() }),
  }),
  z.object({ type: z.literal('contacts'), contacts: z.array(z.record(z.string(), z.unknown())).min(1).max(20) }),
  z.object({ type: z.literal('reaction'), reaction: z.object({ messageId: z.string().min(1), emoji: z.string().max(16) }) }),
]);

export type MessageBody = z.infer<typeof messageBody>;

/** Any send can quote an earlier message of the same conversation. */
export const replyFields = z.object({ replyToMessageId: z.string().min(1).optional() });

/** POST /api/v1/messages: to an E.164 number or an existing contact. */
export const recipientFields = z.object({
  to: z.string().min(3).max(32).optional(),
  contactId: z.string().min(1).optional(),
  channelId: z.string().min(1).optional(),
});
