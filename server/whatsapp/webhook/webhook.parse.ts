/**
 * Pure parser for Meta's WhatsApp webhook POST bodies: payload → normalised WebhookEvent[].
 * No I/O, never throws. Anything data-bearing that cannot be interpreted becomes an OtherEvent
 * (stored verbatim); only envelope damage (not an object, no entry[]…) goes to `problems`.
 */
import type {
  EventOrigin,
  OtherEvent,
  ParsedWebhook,
  StatusEvent,
  TemplateEvent,
  UserPreferenceEvent,
  ValueErrorEvent,
  WebhookEvent,
} from './webhook.events.js';
import { parseInboundMessage } from './webhook.parse-message.js';
import { bool, buildIdentity, findContact, idStr, isRecord, parseMetaErrors, parseTimestamp, rec, str, type Json } from './webhook.parse-util.js';

export { parseTimestamp } from './webhook.parse-util.js';
export { normalizeMessageType } from './webhook.parse-message.js';

const EXPECTED_OBJECT = 'whatsapp_business_account';

/** Fields whose value describes a message template; all three map to TemplateEvent. */
const TEMPLATE_FIELDS = new Set(['message_template_status_update', 'message_template_quality_update', 'template_category_update']);

/** Where an item sits in the body, for problem messages ("entry[0].changes[1].messages[2]"). */
type Path = string;

interface Sink {
  events: WebhookEvent[];
  problems: string[];
}

function other(origin: EventOrigin, note: string, raw: unknown): OtherEvent {
  return { ...origin, kind: 'other', note, raw };
}

/**
 * Parses one webhook body (already JSON-decoded). Iterates every entry × change and, for
 * `messages`, every message, status and value-level error, so batched deliveries yield one event
 * per item. Never throws: a non-object payload or a missing `entry[]` gives a problem and no events.
 */
export function parseWebhook(payload: unknown): ParsedWebhook {
  const sink: Sink = { events: [], problems: [] };
  try {
    return parseEnvelope(payload, sink);
  } catch (err) {
    // Only reachable with exotic inputs (throwing getters, proxies): JSON.parse output cannot get here.
    sink.problems.push(`parser error: ${err instanceof Error ? err.message : String(err)}`);
    return { object: null, ...sink };
  }
}

function parseEnvelope(payload: unknown, sink: Sink): ParsedWebhook {
  if (!isRecord(payload)) {
    sink.problems.push('payload is not a JSON object');
    return { object: null, ...sink };
  }
  const object = str(payload.object);
  if (object !== EXPECTED_OBJECT) sink.problems.push(`unexpected object ${JSON.stringify(object)} (expected "${EXPECTED_OBJECT}")`);
  if (!Array.isArray(payload.entry)) {
    sink.problems.push('payload has no entry[] array');
    return { object, ...sink };
  }
  payload.entry.forEach((entry: unknown, i: number) => {
    // A defect in one entry (or a hostile getter) must not cost the other entries of the batch.
    try {
      parseEntry(entry, `entry[${i}]`, sink);
    } catch (err) {
      sink.problems.push(`entry[${i}]: parser error: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { object, ...sink };
}

function parseEntry(entry: unknown, path: Path, sink: Sink): void {
  if (!isRecord(entry)) {
    sink.problems.push(`${path} is not an object`);
    return;
  }
  const wabaId = idStr(entry.id);
  if (wabaId === null) sink.problems.push(`${path} has no id`);
  // entry.time is an integer on template/account fields and absent on `messages`.
  const entryTime = parseTimestamp(entry.time);
  if (!Array.isArray(entry.changes)) {
    sink.problems.push(`${path} has no changes[] array`);
    return;
  }
  entry.changes.forEach((change: unknown, j: number) => {
    parseChange(change, wabaId ?? '', entryTime, `${path}.changes[${j}]`, sink);
  });
}

function parseChange(change: unknown, wabaId: string, entryTime: number | null, path: Path, sink: Sink): void {
  if (!isRecord(change)) {
    sink.problems.push(`${path} is not an object`);
    return;
  }
  const field = str(change.field) ?? '';
  const value = change.value;
  const metadata = rec(rec(value).metadata);
  const origin: EventOrigin = {
    wabaId,
    field,
    phoneNumberId: idStr(metadata.phone_number_id),
    displayPhoneNumber: idStr(metadata.display_phone_number),
  };
  if (!isRecord(value)) {
    sink.events.push(other(origin, 'change without value object', change));
    return;
  }
  if (field === 'messages') parseMessagesValue(origin, value, entryTime, path, sink);
  else if (TEMPLATE_FIELDS.has(field)) sink.events.push(parseTemplate(origin, value, entryTime));
  else if (field === 'user_preferences') parseUserPreferences(origin, value, entryTime, sink);
  else sink.events.push(other(origin, field === '' ? 'change without field' : 'unhandled field', value));
}

/** `field: "messages"`: inbound messages, outbound statuses and value-level errors, in that order. */
function parseMessagesValue(origin: EventOrigin, value: Json, entryTime: number | null, path: Path, sink: Sink): void {
  const present = (['messages', 'statuses', 'errors'] as const).filter((k) => value[k] !== undefined);
  if (present.length === 0) {
    sink.events.push(other(origin, 'messages change without messages, statuses or errors', value));
    return;
  }
  for (const key of present) {
    if (!Array.isArray(value[key])) sink.events.push(other(origin, `value.${key} is not an array`, value[key]));
  }

  const messages: unknown[] = Array.isArray(value.messages) ? value.messages : [];
  messages.forEach((m, k) => {
    const r = parseInboundMessage(origin, m, value.contacts, entryTime);
    if (r.timestampMissing) sink.problems.push(`${path}.messages[${k}] has no valid timestamp`);
    sink.events.push(r.event);
  });

  const statuses: unknown[] = Array.isArray(value.statuses) ? value.statuses : [];
  statuses.forEach((s, k) => {
    const r = parseStatus(origin, s, value.contacts, entryTime);
    if (r.timestampMissing) sink.problems.push(`${path}.statuses[${k}] has no valid timestamp`);
    sink.events.push(r.event);
  });

  if (Array.isArray(value.errors) && value.errors.length > 0) {
    const event: ValueErrorEvent = { ...origin, kind: 'error', errors: parseMetaErrors(value.errors), raw: value.errors };
    sink.events.push(event);
  }
}

/**
 * One `statuses[]` item → StatusEvent. The recipient may be a phone (`recipient_id`), a BSUID
 * (`recipient_user_id`) or both; Meta's syntax names the parent BSUID `parent_recipient_user_id`
 * while its own example uses `parent_user_id`, so both are read.
 */
function parseStatus(
  origin: EventOrigin,
  status: unknown,
  contacts: unknown,
  entryTime: number | null,
): { event: StatusEvent | OtherEvent; timestampMissing: boolean } {
  if (!isRecord(status)) return { event: other(origin, 'status is not an object', status), timestampMissing: false };
  const s = status;
  const waMessageId = idStr(s.id);
  if (waMessageId === null) return { event: other(origin, 'status without id', s), timestampMissing: false };

  const ids = {
    waId: idStr(s.recipient_id),
    userId: str(s.recipient_user_id),
    parentUserId: str(s.parent_recipient_user_id) ?? str(s.parent_user_id),
  };
  // For a group, recipient_id is the group and contacts[] lists participants: only an exact match may
  // complete the identity, never the "single contact" fallback.
  const isGroup = s.recipient_type === 'group';
  const recipient = buildIdentity(ids, findContact(contacts, ids.waId, ids.userId, !isGroup));

  const p = s.pricing;
  const c = s.conversation;
  const ts = parseTimestamp(s.timestamp);
  const event: StatusEvent = {
    ...origin,
    kind: 'status',
    waMessageId,
    status: (str(s.status) ?? 'unknown').toLowerCase(),
    timestamp: ts ?? entryTime ?? 0,
    recipient,
    errors: parseMetaErrors(s.errors),
    pricing: isRecord(p)
      ? { billable: bool(p.billable), category: str(p.category), pricingModel: str(p.pricing_model), type: str(p.type) }
      : null,
    // Omitted since v24.0 except in free-entry-point windows; expiration only comes with `sent`.
    conversation: isRecord(c)
      ? { id: idStr(c.id), originType: str(rec(c.origin).type), expiresAt: parseTimestamp(c.expiration_timestamp) }
      : null,
    bizOpaqueCallbackData: str(s.biz_opaque_callback_data),
    raw: s,
  };
  return { event, timestampMissing: ts === null };
}

/**
 * Template status, quality and category updates. Every known key is read whatever the field says,
 * because Meta's own quality-update example is labelled `message_template_status_update`.
 */
function parseTemplate(origin: EventOrigin, v: Json, entryTime: number | null): TemplateEvent {
  return {
    ...origin,
    kind: 'template',
    templateId: idStr(v.message_template_id),
    name: str(v.message_template_name),
    language: str(v.message_template_language),
    event: str(v.event),
    reason: str(v.reason),
    previousQuality: str(v.previous_quality_score),
    newQuality: str(v.new_quality_score),
    previousCategory: str(v.previous_category),
    newCategory: str(v.new_category),
    timestamp: entryTime ?? parseTimestamp(v.timestamp),
    raw: v,
  };
}

/** `user_preferences`: one event per `value.user_preferences[]` item (marketing stop/resume). */
function parseUserPreferences(origin: EventOrigin, value: Json, entryTime: number | null, sink: Sink): void {
  if (!Array.isArray(value.user_preferences)) {
    sink.events.push(other(origin, 'user_preferences change without user_preferences[]', value));
    return;
  }
  for (const p of value.user_preferences as unknown[]) {
    if (!isRecord(p)) {
      sink.events.push(other(origin, 'user preference is not an object', p));
      continue;
    }
    const ids = { waId: idStr(p.wa_id), userId: str(p.user_id), parentUserId: str(p.parent_user_id) };
    const event: UserPreferenceEvent = {
      ...origin,
      kind: 'user_preference',
      user: buildIdentity(ids, findContact(value.contacts, ids.waId, ids.userId)),
      category: str(p.category),
      value: str(p.value)?.toLowerCase() ?? null,
      description: str(p.detail) ?? str(p.description),
      timestamp: parseTimestamp(p.timestamp) ?? entryTime,
      raw: p,
    };
    sink.events.push(event);
  }
}
