import { createHash } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { media, templates, waEvents } from '../../../db/schema/whatsapp.js';
import type { Channel, ChannelRepository } from '../../channels/channels.repository.js';
import {
  findContactByIdentity,
  findOrCreateContact,
  recordIdentityChange,
  setFirstTouchIfEmpty,
} from '../../contacts/contacts.repository.js';
import { getOrCreateConversation, noteInbound } from '../../inbox/conversations.repository.js';
import { getMessageByWaId, insertMessage, recordStatus, setReaction, updateMessage, type MessageRow } from '../../inbox/messages.repository.js';
import type { JobStore } from '../../jobs/jobs.store.js';
import { PUSH_NOTIFY_QUEUE } from '../../push/push.usecases.js';
import { routeNewConversation } from '../../teams/teams.repository.js';
import { applyConsentKeyword, recordConsent } from '../../consent/consent.usecases.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import type { EventOutbox } from '../../events/events.outbox.js';
import { newId } from '../../lib/ids.js';
import type { InboundMessageEvent, StatusEvent, WebhookEvent } from './webhook.events.js';
import { messageIdOfTag } from '../outbound/outbound.build.js';

export const MEDIA_DOWNLOAD_QUEUE = 'media.download';
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

export interface ApplyContext {
  db: Db;
  channels: Pick<ChannelRepository, 'byPhoneNumberId'>;
  jobs: Pick<JobStore, 'enqueue'>;
  now: number;
  webhookEventId: number;
  /** Channels whose app secret signed the body; events naming any other channel are not applied. */
  signedFor: ReadonlySet<string>;
  /** Queue a push notification for each new customer message (someone subscribed). */
  push?: boolean;
  /** Records events for outbound webhooks and automation (in this transaction). */
  outbox?: Pick<EventOutbox, 'emit' | 'wanted'>;
}

export interface ApplyResult {
  live: LiveEvent[];
  unroutable: number;
  channelIds: Set<string>;
  mediaJobs: number;
  /** Customer messages Meta delivered again (already stored: nothing happened). */
  duplicates: number;
}

/**
 * Writes one webhook's events into the CRM. Runs inside one transaction (no I/O); every write is
 * idempotent, so replaying the whole archive changes nothing.
 */
export function applyWebhookEvents(ctx: ApplyContext, events: readonly WebhookEvent[]): ApplyResult {
  const result: ApplyResult = { live: [], unroutable: 0, channelIds: new Set(), mediaJobs: 0, duplicates: 0 };
  for (const ev of events) {
    const named = ev.phoneNumberId ? ctx.channels.byPhoneNumberId(ev.phoneNumberId) : undefined;
    // A body signed by one app cannot write into another app's channel (different secret).
    const channel = named && ctx.signedFor.has(named.id) ? named : undefined;
    if (channel) result.channelIds.add(channel.id);
    switch (ev.kind) {
      case 'message':
        if (!channel) recordUnroutable(ctx, ev, result);
        else applyMessage(ctx, channel, ev, result);
        break;
      case 'status':
        if (!channel) recordUnroutable(ctx, ev, result);
        else applyStatusEvent(ctx, channel, ev, result);
        break;
      case 'template':
        if (recordFact(ctx, 'template', ev, channel, summarizeTemplate(ev))) applyTemplate(ctx, ev);
        break;
      case 'user_preference': {
        if (!recordFact(ctx, 'user_preference', ev, channel, `${ev.category ?? 'preference'}: ${ev.value ?? '?'}`)) break;
        const contact = findContactByIdentity(ctx.db, ev.user);
        if (contact && (ev.value === 'stop' || ev.value === 'resume')) {
          recordConsent(ctx.db, contact.id, { status: ev.value === 'stop' ? 'opted_out' : 'opted_in', source: 'meta_preference', detail: `${ev.category ?? 'marketing'}: ${ev.value}` }, ev.timestamp ?? ctx.now);
          result.live.push({ type: 'contact.updated', contactId: contact.id, data: { id: contact.id } });
        }
        break;
      }
      case 'error':
        recordFact(ctx, 'error', ev, channel, ev.errors.map((e) => `${e.code ?? ''} ${e.title ?? e.message ?? ''}`.trim()).join('; '));
        break;
      case 'other':
        recordFact(ctx, 'other', ev, channel, ev.note);
        break;
    }
  }
  return result;
}

function applyMessage(ctx: ApplyContext, channel: Channel, ev: InboundMessageEvent, result: ApplyResult) {
  const { db, now } = ctx;
  if (!ev.from.waId && !ev.from.userId) {
    recordFact(ctx, 'other', ev, channel, 'message without a sender identity');
    return;
  }
  const { contact } = findOrCreateContact(db, ev.from, now);
  const conversation = getOrCreateConversation(db, contact.id, channel.id, now);

  if (ev.reaction) {
    setReaction(db, { channelId: channel.id, targetWaId: ev.reaction.targetWaMessageId, actor: 'contact', actorId: contact.id, emoji: ev.reaction.emoji, at: ev.timestamp });
    result.live.push({ type: 'message.reaction', conversationId: conversation.id, data: { targetWaMessageId: ev.reaction.targetWaMessageId } });
    return;
  }
  const target = ev.edit?.targetWaMessageId ?? ev.revoke?.targetWaMessageId;
  if (target) {
    const original = getMessageByWaId(db, channel.id, target);
    if (original && ev.edit) editMessage(db, original, ev, now);
    if (original && ev.revoke) updateMessage(db, original.id, { revokedAt: ev.timestamp, updatedAt: now });
    if (!original) recordFact(ctx, 'other', ev, channel, `${ev.type} of an unknown message ${target}`);
    else result.live.push({ type: 'message.updated', conversationId: conversation.id, data: { id: original.id } });
    return;
  }

  const mediaId = ev.media && MEDIA_TYPES.has(ev.type) ? newId('med') : null;
  const row: MessageRow = {
    id: newId('msg'),
    conversationId: conversation.id,
    contactId: contact.id,
    channelId: channel.id,
    direction: 'inbound',
    type: ev.type,
    text: ev.text,
    status: 'received',
    waMessageId: ev.waMessageId,
    timestamp: ev.timestamp,
    content: JSON.stringify(inboundContent(ev)),
    mediaId,
    replyToWaId: ev.context?.waMessageId ?? null,
    forwarded: ev.context?.forwarded ?? false,
    frequentlyForwarded: ev.context?.frequentlyForwarded ?? false,
    referral: ev.referral ? JSON.stringify(ev.referral) : null,
    errorCode: ev.errors[0]?.code ?? null,
    errorTitle: ev.errors[0]?.title ?? ev.errors[0]?.message ?? null,
    errorDetails: ev.errors[0]?.details ?? null,
    pricing: null,
    authorId: null,
    idempotencyKey: null,
    editedAt: null,
    revokedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  if (!insertMessage(db, row)) {
    result.duplicates++; // a redelivery: everything below already happened once
    return;
  }
  if (ev.type === 'text' && applyConsentKeyword({ db, jobs: ctx.jobs }, { contactId: contact.id, conversationId: conversation.id, messageId: row.id, text: ev.text }, ev.timestamp)) {
    result.live.push({ type: 'contact.updated', contactId: contact.id, data: { id: contact.id } });
  }

  if (mediaId && ev.media) {
    db.insert(media)
      .values({
        id: mediaId,
        channelId: channel.id,
        direction: 'inbound',
        waMediaId: ev.media.waMediaId,
        mimeType: ev.media.mimeType,
        size: ev.media.fileSize,
        sha256: null,
        metaSha256: ev.media.sha256,
        filename: ev.media.filename,
        caption: ev.media.caption,
        state: 'pending',
        error: null,
        uploadedBy: null,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    // Media ids expire in 7 days and URLs in 5 minutes: fetch now, not when someone opens the chat.
    ctx.jobs.enqueue(MEDIA_DOWNLOAD_QUEUE, { mediaId }, { idempotencyKey: mediaId, maxAttempts: 8 });
    result.mediaJobs++;
  }
  if (ev.system && (ev.system.newWaId || ev.system.newUserId)) {
    recordIdentityChange(db, contact.id, { newWaId: ev.system.newWaId, newUserId: ev.system.newUserId }, now);
  }
  if (ev.referral) setFirstTouchIfEmpty(db, contact.id, { ...ev.referral, messageId: row.id, at: new Date(ev.timestamp).toISOString() }, now);
  if (ev.type !== 'system') noteInbound(db, conversation.id, ev.timestamp, now);
  // A brand-new conversation (its first message, nobody on it yet) is routed once.
  if (conversation.lastInboundAt === null && conversation.lastOutboundAt === null && conversation.assigneeId === null && conversation.teamId === null && ev.type !== 'system') {
    routeNewConversation(db, { conversationId: conversation.id, channelId: conversation.channelId, ownerId: contact.ownerId, text: ev.text });
  }
  if (ctx.push && ev.type !== 'system') ctx.jobs.enqueue(PUSH_NOTIFY_QUEUE, { messageId: row.id }, { maxAttempts: 3 });
  result.live.push({ type: 'message.created', conversationId: conversation.id, contactId: contact.id, data: { id: row.id } });
  // Payloads are built only when someone listens: this runs for every customer message.
  if (ctx.outbox && ev.type !== 'system' && (ctx.outbox.wanted('message.received') || ctx.outbox.wanted('conversation.created'))) {
    const first = conversation.lastInboundAt === null && conversation.lastOutboundAt === null;
    const ids = { conversationId: conversation.id, contactId: contact.id };
    if (first) ctx.outbox.emit({ type: 'conversation.created', ...ids, data: { id: conversation.id, contactId: contact.id, channelId: channel.id } }, now);
    ctx.outbox.emit(
      {
        type: 'message.received',
        ...ids,
        // No text: consumers read it from the message (MESSAGE_TEXT_EVENTS), not from a second copy.
        data: { id: row.id, conversationId: conversation.id, contactId: contact.id, channelId: channel.id, type: row.type, waMessageId: row.waMessageId, timestamp: new Date(row.timestamp).toISOString(), firstOfConversation: first, referral: ev.referral ?? null },
        memo: { text: row.text },
      },
      now,
    );
  }
}

function editMessage(db: Db, original: MessageRow, ev: InboundMessageEvent, now: number) {
  // A redelivered or older edit must not stack history or bring back stale text.
  if (original.editedAt !== null && original.editedAt >= ev.timestamp) return;
  const content = original.content ? (JSON.parse(original.content) as Record<string, unknown>) : {};
  const history = Array.isArray(content.editHistory) ? content.editHistory : [];
  content.editHistory = [...history, { text: original.text, replacedAt: new Date(ev.timestamp).toISOString() }];
  updateMessage(db, original.id, { text: ev.text, content: JSON.stringify(content), editedAt: ev.timestamp, updatedAt: now });
}

function applyStatusEvent(ctx: ApplyContext, channel: Channel, ev: StatusEvent, result: ApplyResult) {
  const changed = recordStatus(
    ctx.db,
    { channelId: channel.id, waMessageId: ev.waMessageId, status: ev.status, timestamp: ev.timestamp, errors: ev.errors, pricing: ev.pricing, taggedMessageId: messageIdOfTag(ev.bizOpaqueCallbackData) },
    ctx.now,
  );
  if (changed) {
    result.live.push({ type: 'message.status', conversationId: changed.conversationId, data: { id: changed.id, status: changed.status } });
    if (ctx.outbox?.wanted('message.status')) ctx.outbox.emit(
      { type: 'message.status', conversationId: changed.conversationId, contactId: changed.contactId, data: { id: changed.id, conversationId: changed.conversationId, status: changed.status, waMessageId: changed.waMessageId, errorCode: changed.errorCode, errorTitle: changed.errorTitle } },
      ctx.now,
    );
    // 131050: the user stopped marketing messages from this business — recorded as their opt-out.
    if (changed.status === 'failed' && changed.errorCode === 131050) {
      recordConsent(ctx.db, changed.contactId, { status: 'opted_out', source: 'delivery_error', detail: `131050 on ${ev.waMessageId}` }, ctx.now);
    }
  }
}

/** The type's own fields, kept on the message as JSON (the API spreads them into the message object). */
function inboundContent(ev: InboundMessageEvent): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (ev.location) c.location = ev.location;
  if (ev.sharedContacts) c.contacts = ev.sharedContacts;
  if (ev.interactive) c.interactive = ev.interactive;
  if (ev.button) c.button = ev.button;
  if (ev.order) {
    const total = ev.order.items.reduce((sum, i) => sum + (i.itemPrice ?? 0) * i.quantity, 0);
    c.order = { ...ev.order, total, currency: ev.order.items[0]?.currency ?? null };
  }
  if (ev.system) c.system = ev.system;
  if (ev.context?.referredProduct) c.referredProduct = ev.context.referredProduct;
  if (ev.media?.voice) c.voice = true;
  if (ev.media?.animated) c.animated = true;
  if (ev.groupId) c.groupId = ev.groupId;
  if (ev.errors.length) c.errors = ev.errors;
  return c;
}

function applyTemplate(ctx: ApplyContext, ev: Extract<WebhookEvent, { kind: 'template' }>) {
  const match = or(
    ev.templateId ? eq(templates.waTemplateId, ev.templateId) : undefined,
    ev.name && ev.language ? and(eq(templates.wabaId, ev.wabaId), eq(templates.name, ev.name), eq(templates.language, ev.language)) : undefined,
  );
  if (!match) return;
  const patch: Partial<typeof templates.$inferInsert> = { updatedAt: ctx.now };
  if (ev.event) patch.status = ev.event.toUpperCase();
  if (ev.reason && ev.reason.toUpperCase() !== 'NONE') patch.rejectedReason = ev.reason;
  if (ev.newQuality) patch.quality = ev.newQuality;
  if (ev.newCategory) patch.category = ev.newCategory;
  ctx.db.update(templates).set(patch).where(match).run();
}

function summarizeTemplate(ev: Extract<WebhookEvent, { kind: 'template' }>): string {
  const what = ev.event ?? (ev.newQuality ? `quality ${ev.newQuality}` : ev.newCategory ? `category ${ev.newCategory}` : ev.field);
  return `${ev.name ?? ev.templateId ?? 'template'} (${ev.language ?? '?'}): ${what}`;
}

function recordUnroutable(ctx: ApplyContext, ev: WebhookEvent, result: ApplyResult) {
  result.unroutable++;
  recordFact(ctx, 'unroutable', ev, undefined, `no channel has phone_number_id ${ev.phoneNumberId ?? '(none)'}`);
}

/** Stores a non-message fact once (content hash); true when it is new. */
function recordFact(ctx: ApplyContext, kind: (typeof waEvents.$inferInsert)['kind'], ev: WebhookEvent, channel: Channel | undefined, summary: string): boolean {
  const raw = JSON.stringify(ev.raw ?? null);
  const hash = createHash('sha256').update(`${kind}|${ev.wabaId}|${ev.field}|${ev.phoneNumberId ?? ''}|${raw}`).digest('hex');
  const occurredAt = 'timestamp' in ev && typeof ev.timestamp === 'number' ? ev.timestamp : null;
  return (
    ctx.db
      .insert(waEvents)
      .values({
        channelId: channel?.id ?? null,
        wabaId: ev.wabaId,
        kind,
        field: ev.field,
        dedupeHash: hash,
        summary: summary.slice(0, 500),
        payload: raw,
        webhookEventId: ctx.webhookEventId,
        occurredAt,
        createdAt: ctx.now,
      })
      .onConflictDoNothing()
      .run().changes === 1
  );
}
