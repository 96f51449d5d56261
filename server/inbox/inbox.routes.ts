import { Hono } from 'hono';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { messages } from '../../db/schema/inbox.js';
import { CONVERSATION_STATUSES } from '../../db/schema/inbox.js';
import { requireAuth } from '../auth/auth.middleware.js';
import { contactToJson, getContact, getContacts, tagsOf } from '../contacts/contacts.repository.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../lib/errors.js';
import { decodeCursor, page, readJson, readQuery, validate, type AppEnv, type AuthInfo } from '../lib/http.js';
import { canSee, conversationScope, slaTargetsLookup, slaTargetsTable } from '../teams/teams.repository.js';
import { explainGraphError } from '../whatsapp/graph/graph.errors.js';
import { MARK_READ_QUEUE } from '../whatsapp/outbound/outbound.jobs.js';
import { messageBody, recipientFields, replyFields } from '../whatsapp/outbound/outbound.schemas.js';
import { queueOutboundMessage, resolveRecipient } from '../whatsapp/outbound/outbound.usecases.js';
import { conversationToJson, getConversation, listConversations, managerViewCondition, MANAGER_VIEWS, markConversationRead } from './conversations.repository.js';
import { getMessage, lastMessageOf, listMessages, loadMessageExtras, messageToJson, type MessageRow } from './messages.repository.js';

const listQuery = z.object({
  contactId: z.string().optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assignee: z.string().optional(),
  teamId: z.string().optional(),
  view: z.enum(MANAGER_VIEWS).optional(),
  /** For view=waiting_first_response: how long the customer has waited, at least. */
  minutes: z.coerce.number().int().min(0).max(60 * 24 * 30).default(15),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
const pageQuery = z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Conversations, their messages, and sending (to a conversation or to a phone number). */
export function createInboxRoutes(deps: AppDeps) {
  const { db, clock } = deps;

  // Another team's conversation answers exactly like a missing one: no existence leak.
  const findConversation = (id: string, auth: AuthInfo) => {
    const conv = getConversation(db, id);
    if (!conv || !canSee(conversationScope(db, auth), conv)) throw notFound('conversations.not_found', 'No such conversation.');
    return conv;
  };
  const messagesJson = (rows: MessageRow[]) => {
    const extras = loadMessageExtras(db, rows);
    return rows.map((m) => messageToJson(m, { media: m.mediaId ? extras.mediaById.get(m.mediaId) : undefined, reactions: extras.reactionsFor(m), explain: explainGraphError }));
  };
  const idempotencyKey = (c: { req: { header(name: string): string | undefined } }, userId: string) => {
    const key = c.req.header('idempotency-key')?.trim();
    return key ? `${userId}:${key.slice(0, 200)}` : null;
  };

  return new Hono<AppEnv>()
    .get('/conversations', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      const assignee = q.assignee === 'me' ? c.get('auth')!.user.id : q.assignee;
      const scope = conversationScope(db, c.get('auth')!);
      const now = clock.now();
      const view = q.view ? managerViewCondition(q.view, now, { waitingMinutes: q.minutes, ...slaTargetsTable(db) }) : undefined;
      const rows = listConversations(db, { contactId: q.contactId, status: q.status, assignee, teamId: q.teamId, view, scope, before: decodeCursor(q.cursor), limit: q.limit + 1 });
      const targets = slaTargetsLookup(db);
      return c.json(
        page(rows, q.limit, (r) => ({ at: r.lastMessageAt ?? r.createdAt, id: r.id }), (items) => {
          const contacts = getContacts(db, items.map((r) => r.contactId));
          const tags = tagsOf(db, [...contacts.keys()]);
          return items.map((r) => {
            const last = lastMessageOf(db, r.id);
            const contact = contacts.get(r.contactId);
            return {
              ...conversationToJson(r, now, targets(r.teamId)),
              contact: contact ? contactToJson(contact, tags.get(contact.id)) : null,
              lastMessage: last ? { id: last.id, direction: last.direction, type: last.type, text: last.text, status: last.status, timestamp: new Date(last.timestamp).toISOString() } : null,
            };
          });
        }),
      );
    })

    .get('/conversations/:id', requireAuth, (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const contact = getContact(db, conv.contactId);
      return c.json({ data: { ...conversationToJson(conv, clock.now(), slaTargetsLookup(db)(conv.teamId)), contact: contact ? contactToJson(contact, tagsOf(db, [contact.id]).get(contact.id)) : null } });
    })

    .get('/conversations/:id/messages', requireAuth, (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const q = readQuery(c, pageQuery);
      const rows = listMessages(db, conv.id, { before: decodeCursor(q.cursor), limit: q.limit + 1 });
      return c.json(page(rows, q.limit, (m) => ({ at: m.timestamp, id: m.id }), messagesJson));
    })

    .post('/conversations/:id/messages', requireAuth, async (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const raw = await readJson(c, z.unknown());
      const body = validate(messageBody, raw);
      const reply = validate(replyFields, raw);
      const user = c.get('auth')!.user;
      const { message, created } = queueOutboundMessage(deps, { conversation: conv, body, replyToMessageId: reply.replyToMessageId, authorId: user.id, idempotencyKey: idempotencyKey(c, user.id) });
      return c.json({ data: messagesJson([getMessage(db, message.id)!])[0] }, created ? 202 : 200);
    })

    /** The agent opened the conversation: clear unread and send WhatsApp read receipts. */
    .post('/conversations/:id/read', requireAuth, (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const now = clock.now();
      const latest = db
        .select({ wa: messages.waMessageId })
        .from(messages)
        .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'inbound'), eq(messages.status, 'received'), isNotNull(messages.waMessageId)))
        .orderBy(desc(messages.timestamp))
        .limit(1)
        .get();
      inTransaction(db, () => {
        markConversationRead(db, conv.id, now);
        if (!latest?.wa) return;
        db.update(messages)
          .set({ status: 'read', updatedAt: now })
          .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'inbound'), eq(messages.status, 'received')))
          .run();
        // WhatsApp marks every earlier message read too, so one receipt for the newest is enough.
        deps.jobs.enqueue(MARK_READ_QUEUE, { channelId: conv.channelId, waMessageId: latest.wa }, { idempotencyKey: latest.wa, maxAttempts: 5 });
      });
      deps.notify(MARK_READ_QUEUE);
      return c.json({ data: conversationToJson(getConversation(db, conv.id)!, now) });
    })

    .post('/messages', requireAuth, async (c) => {
      const raw = await readJson(c, z.unknown());
      const recipient = validate(recipientFields, raw);
      const body = validate(messageBody, raw);
      const reply = validate(replyFields, raw);
      const user = c.get('auth')!.user;
      const key = idempotencyKey(c, user.id);
      const { conversation } = resolveRecipient(deps, recipient);
      const { message, created } = queueOutboundMessage(deps, { conversation, body, replyToMessageId: reply.replyToMessageId, authorId: user.id, idempotencyKey: key });
      return c.json({ data: messagesJson([getMessage(db, message.id)!])[0] }, created ? 202 : 200);
    })

    .get('/messages/:id', requireAuth, (c) => {
      const m = getMessage(db, c.req.param('id'));
      const conv = m && getConversation(db, m.conversationId);
      if (!m || !conv || !canSee(conversationScope(db, c.get('auth')!), conv)) throw notFound('messages.not_found', 'No such message.');
      return c.json({ data: messagesJson([m])[0] });
    });
}

