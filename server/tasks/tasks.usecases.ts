import { and, eq, isNull } from 'drizzle-orm';
import { tasks } from '../../db/schema/tasks.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { inTransaction } from '../../db/client.js';
import { outboxOf } from '../events/events.outbox.js';
import { createNotification } from '../notifications/notifications.usecases.js';
import { PUSH_USER_QUEUE, type PushToUser } from '../push/push.usecases.js';

export const TASK_REMINDER_QUEUE = 'tasks.remind';
export type TaskRow = typeof tasks.$inferSelect;

/** Schedules the due reminder of a task (one job per task and due time; re-scheduling adds a new one). */
export function scheduleReminder(deps: Pick<AppDeps, 'jobs'>, task: Pick<TaskRow, 'id' | 'dueAt' | 'doneAt'>): void {
  if (task.dueAt === null || task.doneAt !== null) return;
  deps.jobs.enqueue(TASK_REMINDER_QUEUE, { taskId: task.id, dueAt: task.dueAt }, { runAt: task.dueAt, idempotencyKey: `${task.id}@${task.dueAt}`, maxAttempts: 5 });
}

/**
 * `tasks.remind`: at the due time, tell the assignee (live event, an in-app notification, a push). Skipped when the task
 * was done, moved to another time, or already reminded: the `reminded_at IS NULL` compare-and-set makes a
 * reminder fire once even if the job runs twice (a crash between the send and the completion).
 */
export function remindTaskJob(deps: Pick<AppDeps, 'db' | 'clock' | 'bus' | 'logger' | 'jobs' | 'notify'>, payload: { taskId: string; dueAt: number }): boolean {
  const claimed = inTransaction(deps.db, () => {
    const row = deps.db
      .update(tasks)
      .set({ remindedAt: deps.clock.now() })
      .where(and(eq(tasks.id, payload.taskId), eq(tasks.dueAt, payload.dueAt), isNull(tasks.doneAt), isNull(tasks.remindedAt)))
      .returning()
      .get();
    // The phone notification is its own job, committed with the claim: it survives a crash and retries.
    if (row?.assigneeId) {
      const push: PushToUser = { userId: row.assigneeId, title: 'Task due', body: row.title, conversationId: row.conversationId, url: row.conversationId ? null : '/tasks' };
      deps.jobs.enqueue(PUSH_USER_QUEUE, push, { idempotencyKey: `task:${row.id}@${payload.dueAt}`, maxAttempts: 3 });
      createNotification(deps, { userId: row.assigneeId, kind: 'task', title: 'Task due', body: row.title, conversationId: row.conversationId, link: row.conversationId ? null : '/tasks' }, deps.clock.now());
    }
    if (row) outboxOf(deps.db)?.emit({ type: 'task.due', contactId: row.contactId, conversationId: row.conversationId, dealId: row.dealId, data: taskToJson(row) }, deps.clock.now());
    return row;
  });
  if (!claimed) return false;
  if (claimed.assigneeId) deps.notify(PUSH_USER_QUEUE);
  deps.bus.publish({ type: 'task.due', conversationId: claimed.conversationId ?? undefined, contactId: claimed.contactId ?? undefined, data: taskToJson(claimed) });
  deps.logger.info('task reminder', { taskId: claimed.id, assigneeId: claimed.assigneeId });
  return true;
}

export function taskToJson(t: TaskRow) {
  return {
    id: t.id,
    title: t.title,
    notes: t.notes,
    dueAt: toIso(t.dueAt),
    assigneeId: t.assigneeId,
    contactId: t.contactId,
    conversationId: t.conversationId,
    dealId: t.dealId,
    done: t.doneAt !== null,
    doneAt: toIso(t.doneAt),
    remindedAt: toIso(t.remindedAt),
    createdBy: t.createdBy,
    createdAt: toIso(t.createdAt),
  };
}
