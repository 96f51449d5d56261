import type { MessageBody } from './outbound.schemas.js';

/** What the Graph body needs besides the user's input (resolved by the usecase or the send job). */
export interface BuildContext {
  /** `to` (digits) or, for BSUID-only contacts, `recipient`. */
  recipient: { to: string } | { recipient: string };
  replyToWaId: string | null;
  waMediaId: string | null;
  reactionTargetWaId: string | null;
  /** Echoed by Meta in this message's status webhooks (`biz_opaque_callback_data`): see `sendTag`. */
  tag?: string;
}

/**
 * The tag a send carries for its status webhooks: Parley's own message id. When a send's answer is lost
 * (a timeout after Meta accepted it), the first status webhook still names the message and brings its
 * wamid, so the message is not sent a second time.
 */
export const sendTag = (messageId: string) => `parley:${messageId}`;
/** The message id in a status webhook's `biz_opaque_callback_data`, when Parley put it there. */
export const messageIdOfTag = (data: string | null) => (data && /^parley:msg_[a-z2-7]{16}$/.test(data) ? data.slice(7) : null);

/** The Graph API `/messages` body for a stored outbound message (pure; CLOUD-API §3.1). */
export function buildGraphMessage(body: MessageBody, ctx: BuildContext): Record<string, unknown> {
  const base: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', ...ctx.recipient, type: body.type };
  if (ctx.tag) base.biz_opaque_callback_data = ctx.tag;
  if (ctx.replyToWaId && body.type !== 'reaction') base.context = { message_id: ctx.replyToWaId };
  switch (body.type) {
    case 'text':
      return { ...base, text: { body: body.text, preview_url: body.previewUrl ?? false } };
    case 'image':
    case 'video':
      return { ...base, [body.type]: { id: ctx.waMediaId, ...(body.caption && { caption: body.caption }) } };
    case 'document':
      return { ...base, document: { id: ctx.waMediaId, ...(body.caption && { caption: body.caption }), ...(body.filename && { filename: body.filename }) } };
    case 'audio':
    case 'sticker':
      return { ...base, [body.type]: { id: ctx.waMediaId } };
    case 'template':
      return {
        ...base,
        template: { name: body.template.name, language: { code: body.template.language }, ...(body.template.components?.length && { components: body.template.components }) },
      };
    case 'interactive':
      return { ...base, interactive: body.interactive };
    case 'location':
      return { ...base, location: body.location };
    case 'contacts':
      return { ...base, contacts: body.contacts };
    case 'reaction':
      return { ...base, reaction: { message_id: ctx.reactionTargetWaId, emoji: body.reaction.emoji } };
  }
}

/** The readable text Parley shows and indexes for an outbound message. */
export function outboundText(body: MessageBody): string | null {
  switch (body.type) {
    case 'text':
      return body.text;
    case 'image':
    case 'video':
    case 'document':
      return body.caption ?? null;
    case 'template':
      return `Template: ${body.template.name}`;
    case 'interactive':
      return body.interactive.body?.text ?? null;
    case 'location':
      return body.location.name ?? null;
    case 'reaction':
      return body.reaction.emoji || null;
    default:
      return null;
  }
}

/** Free-form messages need an open service window; only templates may start a conversation. */
export const needsOpenWindow = (body: MessageBody) => body.type !== 'template';
