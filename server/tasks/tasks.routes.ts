import { and, asc, eq, isNotNull, isNull, lt, lte, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { users } from '../../db/schema/auth.js';
import { tasks } from '../../db/schema/tasks.js';
import { canSeeDeal, dealScope, getDeal } from '../pipelines/deals.repository.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import { getContact } from '../contacts/contacts.repository.js';
import type { AppDeps } from '../deps.js';
import { badRequest, forbidden, notFound } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv, type AuthInfo } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { scheduleReminder, taskToJson, TASK_REMINDER_QUEUE } from './tasks.usecases.js';
import { actorOf, recordAudit } from '../audit/audit.js';

const iso = z.iso.datetime({ offset: true });
const createBody = z.object({
  title: z.string().trim().min(1, 'is required').max(300),
  notes: z.string().max(5000).optional(),
  dueAt: iso.optional(),
  assigneeId: z.string().min(1).optional(),
  contactId: z.string().min(1).optional(),
  conversationId: z.string().min(1).optional(),
  dealId: z.string().min(1).optional(),
});
const patchBody = z
  .object({ title: z.string().trim().min(1).max(300).optional(), notes: z.string().max(5000).nullable().optional(), dueAt: iso.nullable().optional(), assigneeId: z.string().min(1).nullable().optional(), done: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');
const listQuery = z.object({
  due: z.enum(['today', 'overdue']).optional(),
  assignee: z.string().optional(),
  contactId: z.string().optional(),
  conversationId: z.string().optional(),
  dealId: z.string().optional(),
  done: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** Tasks and reminders: follow-ups with a due time and an owner; the reminder runs as a durable job. */
export function createTasksRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const find = (id: string) => {
    const t = db.select().from(tasks).where(eq(tasks.id, id)).get();
    if (!t) throw notFound('tasks.not_found', 'No such task.');
    return t;
  };
  // Agents change their own follow-ups (assigned to or created by them); owners and admins any.
  const mayChange = (task: typeof tasks.$inferSelect, auth: AuthInfo) => {
    if (auth.user.role !== 'agent' || task.assigneeId === auth.user.id || task.createdBy === auth.user.id) return;
    throw forbidden('tasks.not_yours', 'Only its assignee, its creator, an owner or an admin can change this task.');
  };
  const checkAssignee = (id: string | null | undefined) => {
    if (id && !db.select({ id: users.id }).from(users).where(and(eq(users.id, id), isNull(users.disabledAt))).get()) throw badRequest('request.invalid', 'assigneeId: no such active teammate');
  };

  return new Hono<AppEnv>()
    .get('/tasks', requireAuth, (c) => {
      const q = readQuery(c, listQuery);
      const now = clock.now();
      const where: SQL[] = [];
      const assignee = q.assignee === 'me' ? currentAuth(c).user.id : q.assignee;
      if (assignee) where.push(eq(tasks.assigneeId, assignee));
      if (q.contactId) where.push(eq(tasks.contactId, q.contactId));
      if (q.conversationId) where.push(eq(tasks.conversationId, q.conversationId));
      if (q.dealId) {
        // The tasks of a deal the caller may not see are not theirs to list either.
        const deal = getDeal(db, q.dealId);
        if (!deal || !canSeeDeal(db, dealScope(db, currentAuth(c)), deal)) return c.json({ data: [] });
        where.push(eq(tasks.dealId, q.dealId));
      }
      if (q.done === 'true') where.push(isNotNull(tasks.doneAt));
      if (q.done === 'false' || q.due) where.push(isNull(tasks.doneAt));
      // "Today" is the server's calendar day (UTC in the Docker image).
      const endOfDay = new Date(now);
      endOfDay.setHours(23, 59, 59, 999);
      if (q.due === 'today') where.push(lte(tasks.dueAt, endOfDay.getTime()));
      if (q.due === 'overdue') where.push(lt(tasks.dueAt, now));
      // Dated tasks first, soonest (overdue) first, then undated ones: two index-ordered reads rather than
      // `ORDER BY due_at IS NULL`, which would sort every open task (SQLite puts NULLs first in ASC).
      const list = (due: SQL, limit: number) => db.select().from(tasks).where(and(...where, due)).orderBy(asc(tasks.dueAt), asc(tasks.createdAt)).limit(limit).all();
      const rows = list(isNotNull(tasks.dueAt), q.limit);
      if (!q.due && rows.length < q.limit) rows.push(...list(isNull(tasks.dueAt), q.limit - rows.length));
      return c.json({ data: rows.map(taskToJson) });
    })
    .post('/tasks', requireAuth, async (c) => {
      const body = await readJson(c, createBody);
      checkAssignee(body.assigneeId);
      if (body.contactId && !getContact(db, body.contactId)) throw badRequest('request.invalid', 'contactId: no such contact');
      const conv = body.conversationId ? getConversation(db, body.conversationId) : undefined;
      if (body.conversationId && !conv) throw badRequest('request.invalid', 'conversationId: no such conversation');
      const deal = body.dealId ? getDeal(db, body.dealId) : undefined;
      // A deal the caller may not see answers like a missing one.
      if (body.dealId && (!deal || !canSeeDeal(db, dealScope(db, currentAuth(c)), deal))) throw badRequest('request.invalid', 'dealId: no such deal');
      const now = clock.now();
      const row = {
        id: newId('task'),
        title: body.title,
        notes: body.notes ?? null,
        dueAt: body.dueAt ? Date.parse(body.dueAt) : null,
        assigneeId: body.assigneeId ?? currentAuth(c).user.id,
        contactId: body.contactId ?? conv?.contactId ?? deal?.contactId ?? null,
        conversationId: body.conversationId ?? null,
        dealId: body.dealId ?? null,
        doneAt: null,
        remindedAt: null,
        createdBy: currentAuth(c).user.id,
        createdAt: now,
        updatedAt: now,
      };
      db.$client.transaction(() => {
        db.insert(tasks).values(row).run();
        scheduleReminder(deps, row);
        recordAudit(db, actorOf(c.get('auth')), { action: 'task.created', entityType: 'task', entityId: row.id, after: { title: row.title, dueAt: row.dueAt, assigneeId: row.assigneeId } }, now);
      }).immediate();
      deps.notify(TASK_REMINDER_QUEUE);
      return c.json({ data: taskToJson(row) }, 201);
    })
    .patch('/tasks/:id', requireAuth, async (c) => {
      const task = find(c.req.param('id'));
      mayChange(task, currentAuth(c));
      const body = await readJson(c, patchBody);
      checkAssignee(body.assigneeId);
      const now = clock.now();
      const patch: Partial<typeof tasks.$inferInsert> = { updatedAt: now };
      if (body.title !== undefined) patch.title = body.title;
      if (body.notes !== undefined) patch.notes = body.notes;
      if (body.assigneeId !== undefined) patch.assigneeId = body.assigneeId;
      if (body.done !== undefined) patch.doneAt = body.done ? now : null;
      if (body.dueAt !== undefined) Object.assign(patch, { dueAt: body.dueAt ? Date.parse(body.dueAt) : null, remindedAt: null });
      const updated = db.$client.transaction(() => {
        db.update(tasks).set(patch).where(eq(tasks.id, task.id)).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'task.updated', entityType: 'task', entityId: task.id, before: { title: task.title, dueAt: task.dueAt, assigneeId: task.assigneeId, done: task.doneAt !== null }, after: body }, now);
        const row = find(task.id);
        if (body.done === true && task.doneAt === null) {
          deps.outbox.emit({ type: 'task.completed', contactId: row.contactId, conversationId: row.conversationId, dealId: row.dealId, data: taskToJson(row) }, now);
        }
        scheduleReminder(deps, row); // a new due time gets its own reminder; the old job finds the time changed
        return row;
      }).immediate();
      deps.notify(TASK_REMINDER_QUEUE);
      return c.json({ data: taskToJson(updated) });
    })
    .delete('/tasks/:id', requireAuth, (c) => {
      mayChange(find(c.req.param('id')), currentAuth(c));
      db.delete(tasks).where(eq(tasks.id, c.req.param('id'))).run();
      recordAudit(db, actorOf(c.get('auth')), { action: 'task.deleted', entityType: 'task', entityId: c.req.param('id') }, clock.now());
      return c.body(null, 204);
    });
}
