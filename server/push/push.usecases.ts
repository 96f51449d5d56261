import { and, eq, inArray, isNull } from 'drizzle-orm';
import webpush from 'web-push';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/auth.js';
import { contacts } from '../../db/schema/contacts.js';
import { conversations, messages } from '../../db/schema/inbox.js';
import { pushSubscriptions } from '../../db/schema/push.js';
import type { Logger } from '../lib/logger.js';
import type { VapidKeys } from './push.keys.js';

export const PUSH_NOTIFY_QUEUE = 'push.notify';
export const PUSH_USER_QUEUE = 'push.notify-user';

export interface PushToUser {
  userId: string;
  title: string;
  body: string;
  conversationId?: string | null;
  /** Where tapping the notification leads in the app (a path). */
  url?: string | null;
}

/** True when anyone has enabled notifications (so inbound processing only then queues push jobs). */
export function hasPushSubscribers(db: Db): boolean {
  return db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).limit(1).get() !== undefined;
}

/**
 * `push.notify`: a new customer message → a notification to its assignee, or to every active teammate
 * when nobody owns the conversation. Subscriptions the push service says are gone (404/410) are deleted.
 */
export async function notifyNewMessageJob(deps: { db: Db; logger: Logger; vapid: VapidKeys | null }, payload: { messageId: string }): Promise<void> {
  const { db, vapid } = deps;
  if (!vapid) return;
  const row = db
    .select({ text: messages.text, type: messages.type, conversationId: messages.conversationId, assigneeId: conversations.assigneeId, name: contacts.name, phone: contacts.phone })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, messages.contactId))
    .where(eq(messages.id, payload.messageId))
    .get();
  if (!row) return;
  const active = db.select({ id: users.id }).from(users).where(isNull(users.disabledAt)).all().map((u) => u.id);
  const recipients = row.assigneeId ? active.filter((id) => id === row.assigneeId) : active;
  const body = JSON.stringify({ title: row.name ?? row.phone ?? 'New message', body: row.text ?? `[${row.type}]`, conversationId: row.conversationId });
  await sendPush({ db, logger: deps.logger, vapid }, recipients, body);
}

/** `push.notify-user`: one notification to one teammate (task reminders, mentions). */
export async function notifyUserJob(deps: { db: Db; logger: Logger; vapid: VapidKeys | null }, payload: PushToUser): Promise<void> {
  if (!deps.vapid) return;
  const active = deps.db.select({ id: users.id }).from(users).where(and(eq(users.id, payload.userId), isNull(users.disabledAt))).get();
  if (!active) return;
  await sendPush({ ...deps, vapid: deps.vapid }, [payload.userId], JSON.stringify({ title: payload.title, body: payload.body, conversationId: payload.conversationId ?? null, url: payload.url ?? null }));
}

/**
 * Delivers one payload to every subscription of the recipients. Subscriptions the push service says
 * are gone (404/410) are deleted; other failures are logged (a notification is best effort).
 */
async function sendPush(deps: { db: Db; logger: Logger; vapid: VapidKeys }, recipients: string[], body: string): Promise<void> {
  const { db, vapid } = deps;
  const subs = recipients.length ? db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.userId, recipients)).all() : [];
  for (const sub of subs) {
    // web-push encrypts (aes128gcm) and signs (VAPID); the request itself goes through fetch, which also
    // reaches the plain-http push services tests stand up on loopback.
    let status = 0;
    try {
      const req = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, body, { vapidDetails: vapid, TTL: 3600 });
      const res = await fetch(req.endpoint, { method: req.method, headers: req.headers as Record<string, string>, body: req.body as Buffer | null, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0;
    }
    if (status === 404 || status === 410) db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, sub.id))).run();
    else if (status < 200 || status >= 300) deps.logger.warn('push: notification not delivered', { status, endpoint: new URL(sub.endpoint).host });
  }
}
