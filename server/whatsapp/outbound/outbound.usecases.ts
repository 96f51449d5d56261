import { and, eq } from 'drizzle-orm';
import { inTransaction } from '../../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { requestSearchIndex, SEARCH_INDEX_QUEUE } from '../../search/search.repository.js';
import { media } from '../../../db/schema/whatsapp.js';
import type { Channel } from '../../channels/channels.repository.js';
import { findContactByPhone, findOrCreateContact, getContact, type ContactRow } from '../../contacts/contacts.repository.js';
import { normalizePhone, waIdFromPhone } from '../../contacts/contacts.phone.js';
import { getConversation, getOrCreateConversation, noteOutbound, type ConversationRow } from '../../inbox/conversations.repository.js';
import { getMessage, getMessageByIdempotencyKey, insertMessage, outboundMessageRow, setReaction, type MessageRow } from '../../inbox/messages.repository.js';
import { badRequest, notFound, unprocessable } from '../../lib/errors.js';
import { needsOpenWindow, outboundText } from './outbound.build.js';
import { assertMayReceiveTemplate } from '../../consent/consent.usecases.js';
import { prepareTemplateSend } from '../../templates/templates.usecases.js';
import type { MessageBody } from './outbound.schemas.js';

export const SEND_MESSAGE_QUEUE = 'whatsapp.send-message';

export type OutboundDeps = Pick<AppDeps, 'db' | 'clock' | 'channels' | 'jobs' | 'bus' | 'notify'> & Partial<Pick<AppDeps, 'outbox'>>;

export interface QueueInput {
  conversation: ConversationRow;
  body: MessageBody;
  replyToMessageId?: string;
  authorId: string | null;
  /** Already namespaced by the caller (user id + Idempotency-Key header). */
  idempotencyKey?: string | null;
}

/**
 * Validates a send against the conversation's state and queues it: the message row (status `queued`)
 * and its send job commit together. Returns the message and whether it was created (false = the
 * idempotency key matched an earlier send, which is returned instead).
 */
export function queueOutboundMessage(deps: OutboundDeps, input: QueueInput): { message: MessageRow; created: boolean } {
  const { db, clock } = deps;
  if (input.idempotencyKey) {
    const earlier = getMessageByIdempotencyKey(db, input.idempotencyKey);
    if (earlier) return { message: earlier, created: false };
  }
  const conv = input.conversation;
  const now = clock.now();
  const channel = deps.channels.byId(conv.channelId);
  if (!channel) throw notFound('channels.not_found', 'The conversation’s channel no longer exists.');
  assertChannelCanSend(channel);
  let body = input.body;
  let text = outboundText(body);
  if (body.type === 'template') {
    const { name, language, components, values, headerMediaId } = body.template;
    assertMayReceiveTemplate(db, { contactId: conv.contactId, wabaId: channel.wabaId, name, language });
    // Without a WABA id Parley has never synced this channel's templates, so there is nothing to check against.
    if (channel.wabaId) {
      const ready = prepareTemplateSend(db, { wabaId: channel.wabaId, name, language, components, values, headerMediaId, contactId: conv.contactId, channelId: channel.id });
      body = { type: 'template', template: { name, language, ...(ready.components && { components: ready.components as Record<string, unknown>[] }) } };
      text = ready.text;
    } else if (values || headerMediaId) {
      throw unprocessable('templates.not_found', 'This WhatsApp number has no synced templates to fill values into; send components instead.');
    }
  }
  if (needsOpenWindow(input.body) && !(conv.windowExpiresAt && conv.windowExpiresAt > now)) {
    throw unprocessable(
      'whatsapp.window_closed',
      'The 24-hour service window is closed: the customer has not written in the last 24 hours. Send an approved template instead.',
    );
  }

  let replyToWaId: string | null = null;
  if (input.replyToMessageId) {
    const quoted = getMessage(db, input.replyToMessageId);
    if (!quoted || quoted.conversationId !== conv.id) throw badRequest('request.invalid', 'replyToMessageId: no such message in this conversation');
    replyToWaId = quoted.waMessageId;
  }
  let mediaId: string | null = null;
  if ('mediaId' in input.body) {
    const m = db.select().from(media).where(and(eq(media.id, input.body.mediaId), eq(media.direction, 'outbound'))).get();
    if (!m) throw badRequest('request.invalid', 'mediaId: no such uploaded media');
    if (m.channelId !== channel.id) throw unprocessable('media.wrong_channel', 'This media was uploaded for another WhatsApp number; upload it again for this one.');
    mediaId = m.id;
  }
  let reactionTarget: MessageRow | undefined;
  if (input.body.type === 'reaction') {
    reactionTarget = getMessage(db, input.body.reaction.messageId);
    if (!reactionTarget || reactionTarget.conversationId !== conv.id || !reactionTarget.waMessageId) {
      throw badRequest('request.invalid', 'reaction.messageId: no such delivered message in this conversation');
    }
  }

  const { type: _type, ...fields } = body;
  const row = outboundMessageRow({
    conversationId: conv.id,
    contactId: conv.contactId,
    channelId: channel.id,
    type: body.type,
    text,
    content: JSON.stringify({ ...fields, ...(reactionTarget && { reactionTargetWaId: reactionTarget.waMessageId }) }),
    mediaId,
    replyToWaId,
    authorId: input.authorId,
    idempotencyKey: input.idempotencyKey ?? null,
    at: now,
  });
  inTransaction(db, () => {
    insertMessage(db, row);
    noteOutbound(db, conv.id, now);
    if (reactionTarget && input.body.type === 'reaction') {
      setReaction(db, { channelId: channel.id, targetWaId: reactionTarget.waMessageId!, actor: 'user', actorId: input.authorId ?? 'api', emoji: input.body.reaction.emoji || null, at: now });
    }
    deps.jobs.enqueue(SEND_MESSAGE_QUEUE, { messageId: row.id }, { idempotencyKey: row.id, maxAttempts: 8 });
    if (row.text) requestSearchIndex(deps.jobs, now);
    deps.outbox?.emit(
      { type: 'message.sent', conversationId: conv.id, contactId: conv.contactId, data: { id: row.id, conversationId: conv.id, contactId: conv.contactId, channelId: channel.id, type: row.type, authorId: row.authorId } }, // text: see MESSAGE_TEXT_EVENTS
      now,
    );
  });
  deps.notify(SEND_MESSAGE_QUEUE);
  deps.notify(SEARCH_INDEX_QUEUE);
  deps.bus.publish({ type: 'message.created', conversationId: conv.id, contactId: conv.contactId, data: { id: row.id } });
  return { message: row, created: true };
}

function assertChannelCanSend(channel: Channel) {
  if (channel.status === 'needs_token') {
    throw unprocessable('channels.needs_token', `WhatsApp rejected the access token of ${channel.name}. Paste a new token in Settings → Channels.`);
  }
  if (channel.status === 'disabled') throw unprocessable('channels.disabled', `The channel ${channel.name} is disabled.`);
}

/**
 * The conversation for a send to a phone number or contact (POST /messages): the contact is found or
 * created by number, on the given channel or the first active one.
 */
export function resolveRecipient(deps: Pick<OutboundDeps, 'db' | 'clock' | 'channels'>, r: { to?: string; contactId?: string; channelId?: string }): { conversation: ConversationRow; contact: ContactRow } {
  const channel = r.channelId ? deps.channels.byId(r.channelId) : deps.channels.all().find((c) => c.status === 'active') ?? deps.channels.all()[0];
  if (!channel) throw r.channelId ? badRequest('request.invalid', 'channelId: no such channel') : unprocessable('channels.none', 'No WhatsApp channel is configured.');
  const now = deps.clock.now();
  let contact: ContactRow | undefined;
  if (r.contactId) {
    contact = getContact(deps.db, r.contactId);
    if (!contact) throw badRequest('request.invalid', 'contactId: no such contact');
  } else if (r.to) {
    const phone = normalizePhone(r.to.startsWith('+') ? r.to : `+${r.to}`);
    if (!phone) throw badRequest('request.invalid', `to: "${r.to}" is not a valid phone number in international format (e.g. +14155552671)`);
    contact = findContactByPhone(deps.db, phone) ?? inTransaction(deps.db, () => findOrCreateContact(deps.db, { waId: waIdFromPhone(phone), userId: null }, now, 'outbound').contact);
  } else {
    throw badRequest('request.invalid', 'to: give a phone number (or contactId)');
  }
  const conversation = inTransaction(deps.db, () => getOrCreateConversation(deps.db, contact.id, channel.id, now));
  return { conversation: getConversation(deps.db, conversation.id)!, contact };
}
