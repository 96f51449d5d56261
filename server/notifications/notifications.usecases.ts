import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { notifications } from '../../db/schema/notifications.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import type { EventBus } from '../lib/event-bus.js';
import { newId } from '../lib/ids.js';
import { purgeInBatches, type PurgeOptions, type PurgeResult } from '../lib/purge.js';
import { olderThan } from '../lib/keyset.js';

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationKind = 'rule' | 'task';

/** Live events to the notification's owner only (LiveEvent.userId). */
export const NOTIFICATION_CREATED = 'notification.created';
export const NOTIFICATIONS_READ = 'notification.read';
/** Notifications older than this are deleted by the daily purge, read or not. */
export const NOTIFICATION_KEEP_DAYS = 90;

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  conversationId?: string | null;
  /** Where clicking leads when there is no conversation (an app path). */
  link?: string | null;
}

type Deps = { db: Db; bus: EventBus };

/** A notification as the API (and the live event) shows it; `link` is where clicking leads. */
export function notificationToJson(row: NotificationRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    conversationId: row.conversationId,
    link: row.conversationId ? `/c/${row.conversationId}` : row.link,
    read: row.readAt !== null,
    readAt: toIso(row.readAt),
    createdAt: toIso(row.createdAt)!,
  };
}

/**
 * Writes one in-app notification, in the caller's transaction when there is one (a rule run, a task
 * reminder's claim), and tells the teammate's open tabs once it is committed.
 */
export function createNotification(deps: Deps, input: NewNotification, now: number): NotificationRow {
  const row: NotificationRow = { id: newId('ntf'), userId: input.userId, kind: input.kind, title: input.title, body: input.body, conversationId: input.conversationId ?? null, link: input.link ?? null, createdAt: now, readAt: null };
  deps.db.insert(notifications).values(row).run();
  const announce = () => deps.bus.publish({ type: NOTIFICATION_CREATED, userId: row.userId, data: { ...notificationToJson(row), unreadCount: unreadCount(deps.db, row.userId) } });
  if (!deps.db.$client.inTransaction) announce();
  // better-sqlite3 transactions are synchronous: by the next turn the caller's has committed or rolled
  // back. A rolled-back run must not announce a notification that does not exist.
  else
    setImmediate(() => {
      try {
        if (!deps.db.$client.inTransaction && getNotification(deps.db, row.id)) announce();
      } catch {
        // The database closed meanwhile (shutdown): the live update is best effort; the bell refetches.
      }
    });
  return row;
}

/** One notification by id (any user's: callers check ownership). */
export function getNotification(db: Db, id: string): NotificationRow | undefined {
  return db.select().from(notifications).where(eq(notifications.id, id)).get();
}

/** How many of a user's notifications are unread (the badge). */
export function unreadCount(db: Db, userId: string): number {
  const count = prepared(db, 'notifications.unread', () => db.$client.prepare('SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL'));
  return (count.get(userId) as { n: number }).n;
}

/** A user's notifications, newest first, after a `(createdAt, id)` cursor; unread only on request. */
export function listNotifications(db: Db, userId: string, opts: { limit: number; before?: { at: number; id: string }; unreadOnly?: boolean }): NotificationRow[] {
  const n = notifications;
  const where = and(
    eq(n.userId, userId),
    opts.unreadOnly ? isNull(n.readAt) : undefined,
    opts.before ? olderThan(n.createdAt, n.id, opts.before) : undefined,
  );
  return db.select().from(n).where(where).orderBy(desc(n.createdAt), desc(n.id)).limit(opts.limit).all();
}

/**
 * Marks a user's notifications read: the given ids (others' ids are ignored), or all of them. Tells the
 * user's other tabs, so their badges follow. Returns how many changed and what is left unread.
 */
export function markNotificationsRead(deps: Deps, userId: string, ids: readonly string[] | 'all', now: number): { updated: number; unreadCount: number } {
  const n = notifications;
  const updated = deps.db
    .update(n)
    .set({ readAt: now })
    .where(and(eq(n.userId, userId), isNull(n.readAt), ids === 'all' ? undefined : inArray(n.id, [...ids])))
    .run().changes;
  const left = unreadCount(deps.db, userId);
  if (updated) deps.bus.publish({ type: NOTIFICATIONS_READ, userId, data: { ids: ids === 'all' ? null : ids, unreadCount: left } });
  return { updated, unreadCount: left };
}

/** `notifications.purge`: deletes notifications older than NOTIFICATION_KEEP_DAYS, in small batches. */
export async function purgeOldNotifications(deps: Pick<AppDeps, 'db' | 'clock'>, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const cutoff = deps.clock.now() - NOTIFICATION_KEEP_DAYS * 86_400_000;
  return purgeInBatches(deps.db, 'notifications', 'created_at < ?', [cutoff], opts);
}

/** Whether a teammate exists and is not disabled (notifying anyone else is pointless). */
export function isActiveUser(db: Db, userId: string): boolean {
  const find = prepared(db, 'notifications.activeUser', () => db.$client.prepare('SELECT 1 FROM users WHERE id = ? AND disabled_at IS NULL'));
  return find.get(userId) !== undefined;
}
