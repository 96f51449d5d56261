import { prepared, type Db } from '../../db/client.js';
import type { JobStore } from '../jobs/jobs.store.js';
import { silentLogger, type Logger } from '../lib/logger.js';

/** Every event type Parley records (outbound webhooks and automation subscribe to these). */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.status',
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.reopened',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.merged',
  'contact.tag_added',
  'contact.tag_removed',
  'contact.consent_changed',
  'deal.created',
  'deal.updated',
  'deal.stage_changed',
  'deal.payment_status_changed',
  'deal.deleted',
  'task.created',
  'task.updated',
  'task.completed',
  'task.deleted',
  'task.due',
  'campaign.started',
  'campaign.paused',
  'campaign.resumed',
  'campaign.finished',
  'campaign.cancelled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  type: EventType;
  conversationId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  /** Plain JSON values only: it is stored as JSON, and consumers may be handed this very object. */
  data: Record<string, unknown>;
  /**
   * What the emitter has at hand that consumers would otherwise read back (a message's text). Never
   * stored: handed out only with an event handed out in the transaction that recorded it.
   */
  memo?: Record<string, unknown>;
}

export interface StoredEvent {
  id: number;
  type: EventType;
  conversationId: string | null;
  contactId: string | null;
  dealId: string | null;
  data: string;
  at: number;
  /** Handed out in the transaction that recorded it: `data` as the emitter gave it (read only), and its memo. */
  payload?: Readonly<Record<string, unknown>>;
  memo?: Record<string, unknown>;
}

/** A reader of the outbox: `wants` is asked on the write path (keep it a cached lookup), `handle` in order. */
export interface EventConsumer {
  name: string;
  wants(type: EventType): boolean;
  /**
   * Runs inside the transaction that also advances this consumer's cursor. `inline`: handed out inside a
   * change's own transaction (`fanOutInline`), under one savepoint for everything — a consumer may then
   * skip savepoints of its own and just throw: all of it rolls back and the fan-out job does it again,
   * where `inline` is false and each piece of work should be isolated.
   */
  handle(events: StoredEvent[], mode: { inline: boolean }): void;
  /** Job queues to wake once handled events are committed (the jobs `handle` enqueued). */
  wakes?: string[];
}

export const EVENTS_FANOUT_QUEUE = 'events.fanout';
const BATCH = 500;
/** Batches per consumer handed out inside a webhook batch's transaction; a backlog is left to the job. */
const INLINE_BATCHES = 4;
/** Batches per consumer in one fan-out job (one transaction); more left → another job right after. */
export const JOB_BATCHES = 20;

export interface EventOutbox {
  register(consumer: EventConsumer): void;
  wakes(): string[];
  wanted(type: EventType): boolean;
  emit(e: DomainEvent, at: number): boolean;
  fanOut(maxBatches?: number, inline?: boolean): number;
  fanOutInline(): boolean;
  holdFanOutJob<T>(fn: () => T): T;
  drained(): boolean;
  readUpTo(): number;
}

/**
 * The outbox. `emit` is called inside the transaction of the change: the event and a fan-out job commit
 * with it (nothing is lost between a change and its webhooks or rules). An event no consumer wants is not
 * written at all, so the message hot path pays nothing until someone subscribes.
 */
export function createEventOutbox(db: Db, jobs: Pick<JobStore, 'enqueueUnlessQueued' | 'dropQueued'>, logger: Logger = silentLogger): EventOutbox {
  const consumers: EventConsumer[] = [];
  let emitted = false;
  // Inside holdFanOutJob: whether an event was recorded whose fan-out job is still owed.
  let holding = 0;
  let owed = false;
  // Events recorded inside holdFanOutJob, by id, for the inline hand-out: they need not be read back, their
  // payload object need not be parsed again, and their memo saves reading back what the emitter knew. Used
  // only where they are exactly the table's rows (see heldAfter; a row read back gets its entry's payload
  // only if its JSON is the same).
  const held = new Map<number, StoredEvent>();
  const enqueueFanOut = () => jobs.enqueueUnlessQueued(EVENTS_FANOUT_QUEUE, {}, { maxAttempts: 10 });
  const insert = () =>
    prepared(db, 'events.insert', () =>
      db.$client.prepare('INSERT INTO domain_events (type, conversation_id, contact_id, deal_id, data, at) VALUES (?, ?, ?, ?, ?, ?)'),
    );
  const lastId = () => (prepared(db, 'events.lastId', () => db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM domain_events')).get() as { id: number }).id;
  /**
   * The events after `from` straight from `held`, when it has every one up to the last recorded (null
   * otherwise). An id a rolled-back savepoint freed is taken again by the next event, whose entry replaces
   * the stale one; and ids above the last recorded are not looked at: so what is returned is the table's.
   */
  const heldAfter = (from: number): StoredEvent[] | null => {
    if (!held.has(from + 1)) return null;
    const last = lastId();
    const out: StoredEvent[] = [];
    for (let id = from + 1; id <= last && out.length < BATCH; id++) {
      const e = held.get(id);
      if (e === undefined) return null;
      out.push(e);
    }
    return out;
  };
  const outbox: EventOutbox = {
    register(consumer: EventConsumer): void {
      if (consumers.some((c) => c.name === consumer.name)) throw new Error(`event consumer ${consumer.name} registered twice`);
      consumers.push(consumer);
    },

    /** Queues the consumers enqueue into, to wake after a fan-out. */
    wakes(): string[] {
      return [...new Set(consumers.flatMap((c) => c.wakes ?? []))];
    },

    /** Whether any consumer wants events of this type now (callers may skip building the payload). */
    wanted(type: EventType): boolean {
      return consumers.some((c) => c.wants(type));
    },

    /** Records an event in the caller's transaction; returns whether it was written. */
    emit(e: DomainEvent, at: number): boolean {
      if (!consumers.some((c) => c.wants(e.type))) return false;
      const json = JSON.stringify(e.data);
      const { lastInsertRowid } = insert().run(e.type, e.conversationId ?? null, e.contactId ?? null, e.dealId ?? null, json, at);
      if (holding > 0) {
        const id = Number(lastInsertRowid);
        held.set(id, { id, type: e.type, conversationId: e.conversationId ?? null, contactId: e.contactId ?? null, dealId: e.dealId ?? null, data: json, at, payload: e.data, memo: e.memo });
      }
      // One waiting fan-out job is enough: it reads everything new from each cursor when it runs.
      if (holding > 0) owed = true;
      else enqueueFanOut();
      emitted = true;
      return true;
    },

    /**
     * Hands out what was just recorded, inside the caller's transaction (the webhook batch that received
     * the messages): rules act and deliveries are queued in the same commit, with no fan-out round and its
     * fsync of its own. All in a savepoint: if a consumer throws, nothing of it stays and the fan-out job,
     * still queued, does it again on its own. A backlog is not worked off here (a few batches at most): when
     * everything is handed out, the fan-out job has nothing left to read and is dropped; otherwise it stays.
     * Returns whether events were handed out here.
     */
    fanOutInline(): boolean {
      if (!emitted) return false;
      emitted = false;
      try {
        const drained = db.$client.transaction(() => {
          outbox.fanOut(INLINE_BATCHES, true);
          if (!outbox.drained()) return false;
          jobs.dropQueued(EVENTS_FANOUT_QUEUE);
          return true;
        })();
        if (drained) owed = false;
        return true;
      } catch (err) {
        // SQLite may have ended the caller's whole transaction (disk full, I/O): carrying on would commit
        // the rest of it statement by statement. Otherwise only the savepoint is gone.
        if (!db.$client.inTransaction) throw err;
        logger.warn('events: handing out in the change\'s own transaction failed; the fan-out job will', { err });
        return false;
      }
    },

    /**
     * Runs `fn` — one transaction that records many events and hands them out itself with `fanOutInline`
     * (a webhook batch) — without queueing the fan-out job at every event: it is queued once at the end,
     * in the same transaction, only if something is left to hand out — also when `fn` throws: if the
     * caller then rolls back, the job goes with the events; if it commits what was done (a worker batch
     * does), the job is there to hand it out.
     */
    holdFanOutJob<T>(fn: () => T): T {
      holding++;
      let threw = true;
      try {
        const result = fn();
        threw = false;
        return result;
      } finally {
        if (--holding === 0) {
          held.clear();
          // In the caller's transaction: kept if it commits — even after `fn` threw, as a worker batch keeps
          // what it did — and gone if it rolls back with the events. (If `fn` threw, its error is the one
          // to report, not a failure to queue the job.)
          try {
            if (owed && db.$client.inTransaction) enqueueFanOut();
          } catch (err) {
            if (!threw) throw err;
          } finally {
            owed = false;
          }
        }
      }
    },

    /** Whether every consumer has read every recorded event. */
    drained(): boolean {
      return outbox.readUpTo() >= lastId();
    },

    /** The id up to which every registered consumer has read (every recorded one when none is registered). */
    readUpTo(): number {
      if (consumers.length === 0) return lastId();
      const read = prepared(db, 'events.cursors', () => db.$client.prepare('SELECT consumer, last_id AS lastId FROM event_cursors')).all() as { consumer: string; lastId: number }[];
      const at = new Map(read.map((r) => [r.consumer, r.lastId]));
      return Math.min(...consumers.map((c) => at.get(c.name) ?? 0));
    },

    /**
     * Hands each consumer the events after its cursor, in order, a batch per transaction. Returns how many
     * events were handed out in all. A consumer that throws stops at its cursor; the job retries. At most
     * `maxBatches` batches per consumer (the caller's transaction should not grow without bound). `inline`:
     * called by `fanOutInline`, whose one savepoint covers every batch (no savepoint per batch: each level
     * makes SQLite copy every page it changes once more).
     */
    fanOut(maxBatches = Infinity, inline = false): number {
      let total = 0;
      const read = prepared(db, 'events.after', () => db.$client.prepare('SELECT id, type, conversation_id AS conversationId, contact_id AS contactId, deal_id AS dealId, data, at FROM domain_events WHERE id > ? ORDER BY id LIMIT ?'));
      const cursor = prepared(db, 'events.cursor', () => db.$client.prepare('SELECT last_id AS lastId FROM event_cursors WHERE consumer = ?'));
      const advance = prepared(db, 'events.advance', () =>
        db.$client.prepare('INSERT INTO event_cursors (consumer, last_id) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET last_id = excluded.last_id'),
      );
      for (const consumer of consumers) {
        const batch = () => {
          const from = (cursor.get(consumer.name) as { lastId: number } | undefined)?.lastId ?? 0;
          const events = (held.size > 0 && heldAfter(from)) || (read.all(from, BATCH) as StoredEvent[]);
          if (events.length === 0) return 0;
          if (held.size > 0) {
            for (const e of events) {
              const h = held.get(e.id);
              if (h !== undefined && h !== e && h.data === e.data) (e.payload = h.payload), (e.memo = h.memo);
            }
          }
          const wanted = events.filter((e) => consumer.wants(e.type));
          if (wanted.length) consumer.handle(wanted, { inline });
          advance.run(consumer.name, events.at(-1)!.id);
          return events.length;
        };
        for (let batches = 0; batches < maxBatches; batches++) {
          const n = inline ? batch() : db.$client.transaction(batch).immediate();
          total += n;
          // Handling may record new events (a rule's actions): read on until nothing is left.
          if (n === 0) break;
        }
      }
      return total;
    },
  };
  outboxes.set(db, outbox);
  return outbox;
}

// The outbox of each database, for code that records changes with only the database at hand (the audit log).
const outboxes = new WeakMap<Db, EventOutbox>();
export const outboxOf = (db: Db): EventOutbox | undefined => outboxes.get(db);

/** Whether an event type matches a subscription pattern: exact, `deal.*`, or `*`. */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}
