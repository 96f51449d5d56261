import { and, desc, eq, getTableColumns, inArray, or, sql } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { messageReactions, messages, messageStatusEvents, type MessageStatus } from '../../db/schema/inbox.js';
import { media } from '../../db/schema/whatsapp.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { nextStatus } from './message-status.models.js';
import { olderThan } from '../lib/keyset.js';

export type MessageRow = typeof messages.$inferSelect;
export type MediaRow = typeof media.$inferSelect;

const MESSAGE_COLUMNS = Object.entries(getTableColumns(messages)).map(([key, col]) => [key as keyof MessageRow, col.name] as const);

/** A new outbound message row, `queued`, with every optional column empty unless given. */
export function outboundMessageRow(m: Pick<MessageRow, 'conversationId' | 'contactId' | 'channelId' | 'type' | 'text' | 'content' | 'authorId' | 'idempotencyKey'> & Partial<MessageRow> & { at: number }): MessageRow {
  const { at, ...given } = m;
  return {
    id: newId('msg'),
    direction: 'outbound',
    status: 'queued',
    waMessageId: null,
    timestamp: at,
    mediaId: null,
    replyToWaId: null,
    forwarded: false,
    frequentlyForwarded: false,
    referral: null,
    errorCode: null,
    errorTitle: null,
    errorDetails: null,
    pricing: null,
    editedAt: null,
    revokedAt: null,
    createdAt: at,
    updatedAt: at,
    ...given,
  };
}

/** Inserts a message unless (channel, wamid) exists; true when it was new. A prepared raw statement: hot path. */
export function insertMessage(db: Db, row: MessageRow): boolean {
  const insert = prepared(db, 'messages.insert', () =>
    db.$client.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS.map(([, name]) => name).join(', ')}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
    ),
  );
  // better-sqlite3 binds numbers, strings, null and buffers; booleans become 0/1 as drizzle would store them.
  const values = MESSAGE_COLUMNS.map(([key]) => {
    const v = row[key];
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
  return insert.run(...values).changes === 1;
}

/**
 * Outbox events about a message name it (`data.id`) instead of carrying its text: the text is stored once,
 * here, not again in every event for a month, and an erased message takes its text with it.
 */
export const MESSAGE_TEXT_EVENTS: ReadonlySet<string> = new Set(['message.received', 'message.sent']);

/**
 * A message event's payload with its message's text read back in (null once the message is gone), or
 * taken from the event's memo when it is handed out in the transaction that recorded it. Events stored
 * with their text (older ones) are left as they are. Returns `data` itself or a copy with the text.
 */
export function withMessageText(db: Db, type: string, data: Readonly<Record<string, unknown>>, memo?: Record<string, unknown>): Record<string, unknown> {
  if (!MESSAGE_TEXT_EVENTS.has(type) || 'text' in data || typeof data.id !== 'string') return data;
  if (memo && 'text' in memo) return { ...data, text: memo.text };
  const row = prepared(db, 'messages.textOf', () => db.$client.prepare('SELECT text FROM messages WHERE id = ?')).get(data.id) as { text: string | null } | undefined;
  return { ...data, text: row?.text ?? null };
}

/** The newest message of a conversation (list previews: one indexed seek, prepared once). */
export function lastMessageOf(db: Db, conversationId: string): MessageRow | undefined {
  const find = prepared(db, 'messages.lastOf', () =>
    db.select().from(messages).where(eq(messages.conversationId, sql.placeholder('id'))).orderBy(desc(messages.timestamp)).limit(1).prepare(),
  );
  return find.get({ id: conversationId });
}

export function getMessage(db: Db, id: string): MessageRow | undefined {
  const find = prepared(db, 'messages.byId', () => db.select().from(messages).where(eq(messages.id, sql.placeholder('id'))).prepare());
  return find.get({ id });
}

export function getMessageByWaId(db: Db, channelId: string, waMessageId: string): MessageRow | undefined {
  const find = prepared(db, 'messages.byWaId', () =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, sql.placeholder('channelId')), eq(messages.waMessageId, sql.placeholder('waMessageId'))))
      .prepare(),
  );
  return find.get({ channelId, waMessageId });
}

export function getMessageByIdempotencyKey(db: Db, key: string): MessageRow | undefined {
  return db.select().from(messages).where(eq(messages.idempotencyKey, key)).get();
}

export function updateMessage(db: Db, id: string, patch: Partial<MessageRow>): void {
  db.update(messages).set(patch).where(eq(messages.id, id)).run();
}

export interface StatusInput {
  channelId: string;
  waMessageId: string;
  status: string;
  timestamp: number;
  errors: { code: number | null; title: string | null; message: string | null; details: string | null }[];
  pricing: unknown;
  /** The message Parley tagged this send with (`biz_opaque_callback_data`), if any. */
  taggedMessageId?: string | null;
}

/**
 * Records a status webhook once (UNIQUE(wa_message_id, status)) and moves the message along the lattice.
 * Returns the message when its state changed. A status for a wamid not recorded yet stays in the log and
 * is applied by `applyLoggedStatuses` when the send job stores the wamid.
 */
export function recordStatus(db: Db, s: StatusInput, now: number): MessageRow | null {
  const inserted = db
    .insert(messageStatusEvents)
    .values({
      waMessageId: s.waMessageId,
      status: s.status,
      channelId: s.channelId,
      timestamp: s.timestamp,
      errors: s.errors.length ? JSON.stringify(s.errors) : null,
      pricing: s.pricing ? JSON.stringify(s.pricing) : null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .run();
  if (inserted.changes === 0) return null;
  const msg = getMessageByWaId(db, s.channelId, s.waMessageId);
  if (msg) return applyStatus(db, msg, s, now);
  return s.taggedMessageId ? adoptSend(db, s.taggedMessageId, s.channelId, s.waMessageId, now) : null;
}

/**
 * A status for a wamid Parley never heard of, tagged with one of its messages: the send's answer was
 * lost (a timeout after Meta accepted it), and this is the proof it went out. The message takes the
 * wamid and every status logged for it; its send job, at its next run, finds it sent and does not send
 * it again. A message already marked failed for want of an answer is put right too.
 */
function adoptSend(db: Db, messageId: string, channelId: string, waMessageId: string, now: number): MessageRow | null {
  const msg = getMessage(db, messageId);
  if (!msg || msg.direction !== 'outbound' || msg.channelId !== channelId || msg.waMessageId) return null;
  const patch: Partial<MessageRow> = { waMessageId, updatedAt: now };
  if (msg.status === 'failed') Object.assign(patch, { status: 'sending', errorCode: null, errorTitle: null, errorDetails: null });
  updateMessage(db, msg.id, patch);
  const adopted = applyLoggedStatuses(db, { ...msg, ...patch }, now);
  // Only statuses off the lattice so far (`deleted`, a warning): Meta still took it.
  if (adopted.status !== 'queued' && adopted.status !== 'sending') return adopted;
  updateMessage(db, msg.id, { status: 'sent', updatedAt: now });
  return { ...adopted, status: 'sent' };
}

function applyStatus(db: Db, msg: MessageRow, s: Pick<StatusInput, 'status' | 'errors' | 'pricing'>, now: number): MessageRow | null {
  if (msg.direction !== 'outbound') return null;
  const to = nextStatus(msg.status, s.status);
  if (!to) return null;
  const patch: Partial<MessageRow> = { status: to, updatedAt: now };
  if (to === 'failed') {
    const e = s.errors[0];
    Object.assign(patch, { errorCode: e?.code ?? null, errorTitle: e?.title ?? e?.message ?? 'Failed', errorDetails: e?.details ?? null });
  } else if (msg.status === 'failed') {
    Object.assign(patch, { errorCode: null, errorTitle: null, errorDetails: null });
  }
  if (s.pricing) patch.pricing = JSON.stringify(s.pricing);
  updateMessage(db, msg.id, patch);
  return { ...msg, ...patch };
}

/** Applies statuses that arrived before the send recorded its wamid (Meta can be that fast). */
export function applyLoggedStatuses(db: Db, msg: MessageRow, now: number): MessageRow {
  if (!msg.waMessageId) return msg;
  let current = msg;
  const logged = db.select().from(messageStatusEvents).where(eq(messageStatusEvents.waMessageId, msg.waMessageId)).orderBy(messageStatusEvents.timestamp).all();
  for (const s of logged) {
    const errors = s.errors ? (JSON.parse(s.errors) as StatusInput['errors']) : [];
    current = applyStatus(db, current, { status: s.status, errors, pricing: s.pricing ? JSON.parse(s.pricing) : null }, now) ?? current;
  }
  return current;
}

/** Sets or (emoji null) removes one actor's reaction to the message with `targetWaId`. */
export function setReaction(db: Db, r: { channelId: string; targetWaId: string; actor: 'contact' | 'user'; actorId: string; emoji: string | null; at: number }): void {
  const key = and(
    eq(messageReactions.channelId, r.channelId),
    eq(messageReactions.targetWaId, r.targetWaId),
    eq(messageReactions.actor, r.actor),
    eq(messageReactions.actorId, r.actorId),
  );
  if (r.emoji === null) {
    // An older un-reaction arriving after a newer reaction must not delete it.
    db.delete(messageReactions).where(and(key, sql`${messageReactions.reactedAt} <= ${r.at}`)).run();
    return;
  }
  db.insert(messageReactions)
    .values({ channelId: r.channelId, targetWaId: r.targetWaId, actor: r.actor, actorId: r.actorId, emoji: r.emoji, reactedAt: r.at })
    .onConflictDoUpdate({
      target: [messageReactions.channelId, messageReactions.targetWaId, messageReactions.actor, messageReactions.actorId],
      set: { emoji: r.emoji, reactedAt: r.at },
      setWhere: sql`${messageReactions.reactedAt} <= ${r.at}`,
    })
    .run();
}

/** A conversation's messages, newest first, paged by (timestamp, id). */
export function listMessages(db: Db, conversationId: string, f: { before?: { at: number; id: string }; limit: number }): MessageRow[] {
  const where = [eq(messages.conversationId, conversationId)];
  if (f.before) where.push(olderThan(messages.timestamp, messages.id, f.before));
  return db.select().from(messages).where(and(...where)).orderBy(desc(messages.timestamp), desc(messages.id)).limit(f.limit).all();
}

/** Media rows and reactions for a page of messages, in two queries. */
export function loadMessageExtras(db: Db, rows: MessageRow[]) {
  const mediaIds = rows.map((m) => m.mediaId).filter((x): x is string => !!x);
  const mediaById = new Map((mediaIds.length ? db.select().from(media).where(inArray(media.id, mediaIds)).all() : []).map((m) => [m.id, m]));
  const byChannel = new Map<string, string[]>();
  for (const m of rows) if (m.waMessageId) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m.waMessageId]);
  const reactions = new Map<string, { emoji: string; actor: string; actorId: string; at: string | null }[]>();
  for (const [channelId, ids] of byChannel) {
    for (const r of db.select().from(messageReactions).where(and(eq(messageReactions.channelId, channelId), inArray(messageReactions.targetWaId, ids))).all()) {
      const key = `${channelId}|${r.targetWaId}`;
      reactions.set(key, [...(reactions.get(key) ?? []), { emoji: r.emoji, actor: r.actor, actorId: r.actorId, at: toIso(r.reactedAt) }]);
    }
  }
  return { mediaById, reactionsFor: (m: MessageRow) => (m.waMessageId ? (reactions.get(`${m.channelId}|${m.waMessageId}`) ?? []) : []) };
}

/** The API shape of a message. */
export function messageToJson(m: MessageRow, extras: { media?: MediaRow; reactions?: unknown[]; explain?: (code: number | null, fallback: string | null) => string }) {
  const content = m.content ? (JSON.parse(m.content) as Record<string, unknown>) : {};
  const md = extras.media;
  return {
    id: m.id,
    conversationId: m.conversationId,
    contactId: m.contactId,
    channelId: m.channelId,
    direction: m.direction,
    type: m.type,
    text: m.text,
    status: m.status as MessageStatus,
    waMessageId: m.waMessageId,
    timestamp: toIso(m.timestamp),
    error:
      m.status === 'failed' || m.errorCode !== null
        ? {
            code: m.errorCode,
            title: m.errorTitle,
            details: m.errorDetails,
            explanation: extras.explain ? extras.explain(m.errorCode, m.errorTitle) : m.errorTitle,
          }
        : null,
    media: md
      ? {
          id: md.id,
          mimeType: md.mimeType,
          size: md.size,
          sha256: md.sha256,
          filename: md.filename,
          caption: md.caption,
          url: md.state === 'ready' ? `/api/v1/media/${md.id}/content` : null,
          state: md.state,
          error: md.error,
          purgedAt: md.state === 'purged' ? toIso(md.updatedAt) : null,
        }
      : null,
    replyTo: m.replyToWaId,
    forwarded: m.forwarded,
    frequentlyForwarded: m.frequentlyForwarded,
    reactions: extras.reactions ?? [],
    referral: m.referral ? (JSON.parse(m.referral) as unknown) : null,
    authorId: m.authorId,
    editedAt: toIso(m.editedAt),
    revokedAt: toIso(m.revokedAt),
    ...content,
  };
}
