import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { users } from '../../db/schema/auth.js';
import { contacts } from '../../db/schema/contacts.js';
import { conversationNotes, conversations, messages, CONVERSATION_STATUSES } from '../../db/schema/inbox.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import { contactToJson, tagsOf } from '../contacts/contacts.repository.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv, type AuthInfo } from '../lib/http.js';
import { canSee, conversationScope } from '../teams/teams.repository.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { ftsQuery, searchContactIds, searchMessages, searchNotes } from '../search/search.repository.js';
import { teams } from '../../db/schema/teams.js';
import { newId } from '../lib/ids.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { closeConversationCycle, conversationToJson, getConversation, type ConversationRow } from './conversations.repository.js';
import { getMessage, updateMessage } from './messages.repository.js';

const patchBody = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    snoozedUntil: z.iso.datetime({ offset: true }).optional(),
    assigneeId: z.string().min(1).nullable().optional(),
    teamId: z.string().min(1).nullable().optional(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    flagged: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of status, assigneeId, teamId, priority, flagged');
const noteBody = z.object({ body: z.string().trim().min(1, 'is required').max(10_000) });
const searchQuery = z.object({ q: z.string().trim().min(2, 'must be at least 2 characters').max(100) });

/** What agents do to a conversation: assign, resolve, snooze, prioritise, note; team; search; retry. */
export function createConversationActionsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const findConversation = (id: string, auth: AuthInfo) => {
    const conv = getConversation(db, id);
    if (!conv || !canSee(conversationScope(db, auth), conv)) throw notFound('conversations.not_found', 'No such conversation.');
    return conv;
  };
  const noteJson = (n: typeof conversationNotes.$inferSelect) => ({ id: n.id, conversationId: n.conversationId, authorId: n.authorId, body: n.body, createdAt: toIso(n.createdAt) });

  return new Hono<AppEnv>()
    .patch('/conversations/:id', requireAuth, async (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const body = await readJson(c, patchBody);
      if (body.assigneeId && !db.select({ id: users.id }).from(users).where(and(eq(users.id, body.assigneeId), sql`${users.disabledAt} IS NULL`)).get()) {
        throw badRequest('request.invalid', 'assigneeId: no such active teammate');
      }
      if (body.status === 'snoozed' && !body.snoozedUntil) throw badRequest('request.invalid', 'snoozedUntil: required when snoozing');
      const now = clock.now();
      const patch: Partial<typeof conversations.$inferInsert> = { updatedAt: now };
      if (body.status) {
        Object.assign(patch, { status: body.status, snoozedUntil: body.status === 'snoozed' ? Date.parse(body.snoozedUntil!) : null, resolvedAt: body.status === 'resolved' ? now : null });
        if (body.status === 'resolved') patch.waitingSince = null;
        // Reopened by hand: a new cycle with fresh SLA clocks (a customer message does the same in noteInbound).
        if (conv.status === 'resolved' && body.status !== 'resolved') Object.assign(patch, { openedAt: now, firstResponseAt: null, waitingSince: null });
      }
      if (body.assigneeId !== undefined) patch.assigneeId = body.assigneeId;
      if (body.teamId !== undefined) {
        if (body.teamId && !db.select({ id: teams.id }).from(teams).where(eq(teams.id, body.teamId)).get()) throw badRequest('request.invalid', 'teamId: no such team');
        patch.teamId = body.teamId;
      }
      if (body.priority) patch.priority = body.priority;
      if (body.flagged !== undefined) patch.flagged = body.flagged;
      inTransaction(db, () => {
        if (body.status === 'resolved') closeConversationCycle(db, conv.id, now);
        db.update(conversations).set(patch).where(eq(conversations.id, conv.id)).run();
        const before = { status: conv.status, assigneeId: conv.assigneeId, teamId: conv.teamId, priority: conv.priority, flagged: conv.flagged };
        recordAudit(db, actorOf(c.get('auth')), { action: 'conversation.updated', entityType: 'conversation', entityId: conv.id, before, after: body }, now);
        emitConversationChanges(deps.outbox, conv, patch, currentAuth(c).user.id, now);
      });
      deps.bus.publish({ type: 'conversation.updated', conversationId: conv.id, data: { id: conv.id } });
      return c.json({ data: conversationToJson(getConversation(db, conv.id)!, now) });
    })

    .get('/conversations/:id/notes', requireAuth, (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const rows = db.select().from(conversationNotes).where(eq(conversationNotes.conversationId, conv.id)).orderBy(asc(conversationNotes.createdAt)).all();
      return c.json({ data: rows.map(noteJson) });
    })

    .post('/conversations/:id/notes', requireAuth, async (c) => {
      const conv = findConversation(c.req.param('id'), c.get('auth')!);
      const { body } = await readJson(c, noteBody);
      const row = { id: newId('note'), conversationId: conv.id, authorId: c.get('auth')!.user.id, body, createdAt: clock.now() };
      inTransaction(db, () => {
        db.insert(conversationNotes).values(row).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'note.created', entityType: 'conversation', entityId: conv.id, after: { noteId: row.id } }, row.createdAt);
      });
      deps.bus.publish({ type: 'conversation.updated', conversationId: conv.id, data: { id: conv.id, noteId: row.id } });
      return c.json({ data: noteJson(row) }, 201);
    })

    /** Teammates anyone may assign to. */
    .get('/team', requireAuth, (c) =>
      c.json({ data: db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(sql`${users.disabledAt} IS NULL`).orderBy(asc(users.name)).all() }),
    )

    /** Sends a failed message again as it was (a new attempt budget; the window is checked by WhatsApp). */
    .post('/messages/:id/retry', requireAuth, (c) => {
      const msg = getMessage(db, c.req.param('id'));
      if (!msg || msg.direction !== 'outbound') throw notFound('messages.not_found', 'No such outbound message.');
      findConversation(msg.conversationId, c.get('auth')!);
      if (msg.status !== 'failed') throw conflict('messages.not_failed', `This message is ${msg.status}; only failed messages can be retried.`);
      const now = clock.now();
      inTransaction(db, () => {
        updateMessage(db, msg.id, { status: 'queued', errorCode: null, errorTitle: null, errorDetails: null, updatedAt: now });
        deps.jobs.enqueue(SEND_MESSAGE_QUEUE, { messageId: msg.id }, { idempotencyKey: `${msg.id}:retry:${now}`, maxAttempts: 8 });
      });
      deps.notify(SEND_MESSAGE_QUEUE);
      deps.bus.publish({ type: 'message.status', conversationId: msg.conversationId, data: { id: msg.id, status: 'queued' } });
      return c.json({ data: { id: msg.id, status: 'queued' } }, 202);
    })

    /** Full-text search (FTS5): contacts, messages and notes, ranked, highlighted, within the caller's visibility. */
    .get('/search', requireAuth, (c) => {
      const { q } = readQuery(c, searchQuery);
      const fts = ftsQuery(q);
      if (!fts) throw badRequest('request.invalid', 'q: give at least one word or number');
      const scope = conversationScope(db, c.get('auth')!);
      const ids = searchContactIds(db, fts, 20);
      const byId = new Map(ids.length ? db.select().from(contacts).where(inArray(contacts.id, ids)).all().map((r) => [r.id, r]) : []);
      const tags = tagsOf(db, ids);
      return c.json({
        data: {
          contacts: ids.flatMap((id) => (byId.has(id) ? [contactToJson(byId.get(id)!, tags.get(id))] : [])),
          messages: searchMessages(db, q, scope, 20),
          notes: searchNotes(db, fts, scope, 10),
        },
      });
    });
}

/** Outbox events for what a conversation change means (the audit entry records `conversation.updated` itself). */
function emitConversationChanges(outbox: AppDeps['outbox'], before: ConversationRow, patch: Partial<ConversationRow>, actorId: string, now: number) {
  const ids = { conversationId: before.id, contactId: before.contactId };
  const data = { id: before.id, contactId: before.contactId, actorId, before: { status: before.status, assigneeId: before.assigneeId, teamId: before.teamId, priority: before.priority }, changes: { ...patch, updatedAt: undefined } };
  if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId) outbox.emit({ type: 'conversation.assigned', ...ids, data: { ...data, assigneeId: patch.assigneeId } }, now);
  if (patch.status === 'resolved' && before.status !== 'resolved') outbox.emit({ type: 'conversation.resolved', ...ids, data }, now);
  if (patch.status && patch.status !== 'resolved' && before.status === 'resolved') outbox.emit({ type: 'conversation.reopened', ...ids, data }, now);
}
