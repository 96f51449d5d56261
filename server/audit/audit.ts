import type { Db } from '../../db/client.js';
import { prepared } from '../../db/client.js';
import type { AuthInfo } from '../lib/http.js';
import { EVENT_TYPES, outboxOf, type EventType } from '../events/events.outbox.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** The actor of a request: the user behind a session or an API token. */
export function actorOf(auth: AuthInfo | null): { kind: string; id: string | null } {
  if (!auth) return { kind: 'system', id: null };
  return { kind: auth.via === 'token' ? 'token' : 'user', id: auth.user.id };
}

/** Appends one entry (call it in the same transaction as the change when there is one). */
export function recordAudit(db: Db, actor: { kind: string; id: string | null }, entry: AuditEntry, at: number): void {
  const insert = prepared(db, 'audit.insert', () =>
    db.$client.prepare(`INSERT INTO audit_log (at, actor_kind, actor_id, action, entity_type, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
  );
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  insert.run(at, actor.kind, actor.id, entry.action, entry.entityType, entry.entityId, json(entry.before), json(entry.after));
  emitAudited(db, actor, entry, at);
}

// Audit actions named like an outbox event are also recorded as one (same transaction, so webhooks and
// rules see every change a person or token makes). Consent changes are emitted by recordConsent, for every source.
const EVENT_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

function emitAudited(db: Db, actor: { kind: string; id: string | null }, entry: AuditEntry, at: number): void {
  const type = EVENT_SET.has(entry.action) ? (entry.action as EventType) : null;
  const outbox = type ? outboxOf(db) : undefined;
  if (!type || !outbox?.wanted(type)) return;
  const id = entry.entityId;
  outbox.emit(
    {
      type,
      contactId: entry.entityType === 'contact' ? id : null,
      dealId: entry.entityType === 'deal' ? id : null,
      conversationId: entry.entityType === 'conversation' ? id : null,
      data: { id, entityType: entry.entityType, actor, before: entry.before ?? null, after: entry.after ?? null },
    },
    at,
  );
}
