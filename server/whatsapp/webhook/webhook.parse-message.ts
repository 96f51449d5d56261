/**
 * Inbound `messages[]` objects → InboundMessageEvent. Pure; never throws. The whole message object
 * stays in `raw`, so anything not lifted into a typed field here is still stored.
 */
import type { EventOrigin, InboundMessageEvent, MediaRef, OtherEvent, ReplyContext, Referral } from './webhook.events.js';
import { arr, buildIdentity, findContact, idStr, isRecord, num, parseMetaErrors, parseTimestamp, rec, str, type Json } from './webhook.parse-util.js';

/** The content part of a message: everything that depends on `type` (shared with `edit.message`). */
type Content = Pick<
  InboundMessageEvent,
  'text' | 'media' | 'location' | 'sharedContacts' | 'interactive' | 'button' | 'reaction' | 'order' | 'system'
>;

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Keys that name a content object; used to guess the type of an edited message that omits `type`. */
const CONTENT_KEYS = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'order'];

function emptyContent(): Content {
  return {
    text: null,
    media: null,
    location: null,
    sharedContacts: null,
    interactive: null,
    button: null,
    reaction: null,
    order: null,
    system: null,
  };
}

/**
 * Meta renamed `unknown` to `unsupported` (2024); a missing type is treated the same way because
 * nothing in it can be interpreted. Every other value is kept verbatim.
 */
export function normalizeMessageType(type: unknown): string {
  const t = str(type);
  return t === null || t === 'unknown' ? 'unsupported' : t;
}

function readMedia(type: string, m: Json): MediaRef | null {
  const o = rec(m[type]);
  const waMediaId = idStr(o.id);
  // Without a media id there is nothing to download; the object stays in `raw`.
  if (waMediaId === null) return null;
  return {
    waMediaId,
    mimeType: str(o.mime_type),
    sha256: str(o.sha256),
    url: str(o.url),
    caption: str(o.caption),
    filename: str(o.filename),
    fileSize: num(o.file_size),
    voice: o.voice === true,
    animated: o.animated === true,
  };
}

function readInteractive(m: Json): Content['interactive'] {
  if (!isRecord(m.interactive)) return null;
  const i = m.interactive;
  const type = str(i.type) ?? 'other';
  const sub = rec(i[type]);
  let response: unknown = null;
  if (type === 'nfm_reply') {
    const rj = sub.response_json;
    if (typeof rj === 'string') {
      try {
        response = JSON.parse(rj) as unknown;
      } catch {
        response = null; // Invalid JSON from a Flow: the string is still in `raw`.
      }
    } else if (isRecord(rj)) {
      response = rj; // Tolerate an already-decoded object (seen in hand-written test payloads).
    }
  }
  return {
    type,
    id: idStr(sub.id),
    title: str(sub.title),
    description: str(sub.description),
    response,
    flowName: type === 'nfm_reply' ? str(sub.name) : null,
    flowBody: type === 'nfm_reply' ? str(sub.body) : null,
  };
}

function readOrder(m: Json): Content['order'] {
  if (!isRecord(m.order)) return null;
  const o = m.order;
  const items = arr(o.product_items)
    .filter(isRecord)
    .map((it) => ({
      productRetailerId: idStr(it.product_retailer_id) ?? '',
      // Meta sends numbers; some payloads carry "3". An unreadable quantity becomes 0, never NaN.
      quantity: num(it.quantity) ?? 0,
      itemPrice: num(it.item_price),
      currency: str(it.currency),
    }));
  return { catalogId: idStr(o.catalog_id), text: str(o.text), items };
}

function readSystem(m: Json): Content['system'] {
  if (!isRecord(m.system)) return null;
  const s = m.system;
  return {
    type: str(s.type) ?? 'unknown',
    body: str(s.body),
    // v12+ sends the new number as `wa_id`; v11 and earlier used `new_wa_id`.
    newWaId: idStr(s.wa_id) ?? idStr(s.new_wa_id),
    newUserId: str(s.user_id),
    // Identity changes carry `identity` on the message itself (pywa), not inside `system`.
    identity: m.identity ?? s.identity ?? null,
  };
}

/** Reads the type-specific part of a message (or of `edit.message`). */
function readContent(type: string, m: Json): Content {
  const c = emptyContent();
  if (MEDIA_TYPES.has(type)) {
    c.media = readMedia(type, m);
    c.text = str(rec(m[type]).caption);
    return c;
  }
  switch (type) {
    case 'text':
      c.text = str(rec(m.text).body);
      break;
    case 'location': {
      const l = rec(m.location);
      const latitude = num(l.latitude);
      const longitude = num(l.longitude);
      if (latitude !== null && longitude !== null) {
        c.location = { latitude, longitude, name: str(l.name), address: str(l.address), url: str(l.url) };
      }
      break;
    }
    case 'contacts':
      // Cards are kept as Meta sent them, including the contact-request `vcard` string.
      c.sharedContacts = Array.isArray(m.contacts) ? m.contacts : null;
      break;
    case 'interactive':
      c.interactive = readInteractive(m);
      // nfm_reply has no title; its body ("Sent") is what the user saw in the chat.
      c.text = c.interactive ? (c.interactive.title ?? c.interactive.flowBody) : null;
      break;
    case 'button': {
      const b = rec(m.button);
      // `payload` is optional: older payloads only carry the label.
      c.button = { text: str(b.text), payload: str(b.payload) };
      c.text = c.button.text;
      break;
    }
    case 'reaction': {
      const r = rec(m.reaction);
      const target = idStr(r.message_id);
      // Removal comes as an omitted emoji (current docs) or "" (older docs): both → null.
      if (target !== null) c.reaction = { targetWaMessageId: target, emoji: str(r.emoji) };
      break;
    }
    case 'order':
      c.order = readOrder(m);
      c.text = c.order?.text ?? null;
      break;
    case 'system':
      c.system = readSystem(m);
      c.text = c.system?.body ?? null;
      break;
    default:
      break;
  }
  return c;
}

function readContext(v: unknown): ReplyContext | null {
  if (!isRecord(v)) return null;
  const rp = v.referred_product;
  return {
    waMessageId: idStr(v.id),
    from: idStr(v.from),
    forwarded: v.forwarded === true,
    frequentlyForwarded: v.frequently_forwarded === true,
    referredProduct: isRecord(rp)
      ? { catalogId: idStr(rp.catalog_id), productRetailerId: idStr(rp.product_retailer_id) }
      : null,
  };
}

function readReferral(v: unknown): Referral | null {
  if (!isRecord(v)) return null;
  return {
    sourceUrl: str(v.source_url),
    sourceId: idStr(v.source_id),
    sourceType: str(v.source_type),
    body: str(v.body),
    headline: str(v.headline),
    mediaType: str(v.media_type),
    imageUrl: str(v.image_url),
    videoUrl: str(v.video_url),
    thumbnailUrl: str(v.thumbnail_url),
    // Omitted entirely for ads shown in WhatsApp Status.
    ctwaClid: str(v.ctwa_clid),
    welcomeMessageText: str(rec(v.welcome_message).text),
  };
}

/** Coexistence `edit`: the new content lives in `edit.message`, typed like a normal message. */
function readEdit(m: Json): { edit: InboundMessageEvent['edit']; content: Content } {
  const e = rec(m.edit);
  const target = idStr(e.original_message_id) ?? idStr(e.message_id);
  const inner = rec(e.message);
  const innerType = str(inner.type) ?? CONTENT_KEYS.find((k) => k in inner) ?? '';
  return {
    edit: target !== null ? { targetWaMessageId: target } : null,
    content: innerType ? readContent(innerType, inner) : emptyContent(),
  };
}

/** Result of reading one message: the event, or an OtherEvent when it cannot be identified. */
export type MessageParseResult = { event: InboundMessageEvent | OtherEvent; timestampMissing: boolean };

/**
 * One `messages[]` object → InboundMessageEvent, paired with its sender in `value.contacts`.
 * A message without an id becomes an OtherEvent (kept, never dropped). A missing timestamp falls
 * back to `fallbackTimestamp` (entry.time) or 0 and is reported through `timestampMissing`.
 */
export function parseInboundMessage(
  origin: EventOrigin,
  message: unknown,
  contacts: unknown,
  fallbackTimestamp: number | null,
): MessageParseResult {
  if (!isRecord(message)) {
    return { event: { ...origin, kind: 'other', note: 'message is not an object', raw: message }, timestampMissing: false };
  }
  const m = message;
  const waMessageId = idStr(m.id);
  if (waMessageId === null) {
    return { event: { ...origin, kind: 'other', note: 'message without id', raw: m }, timestampMissing: false };
  }

  // BSUID era: `from` is optional (username users); `from_user_id` then identifies the sender.
  const ids = { waId: idStr(m.from), userId: str(m.from_user_id), parentUserId: str(m.from_parent_user_id) };
  const from = buildIdentity(ids, findContact(contacts, ids.waId, ids.userId));

  const type = normalizeMessageType(m.type);
  let content: Content;
  let edit: InboundMessageEvent['edit'] = null;
  let revoke: InboundMessageEvent['revoke'] = null;
  if (type === 'edit') {
    const r = readEdit(m);
    edit = r.edit;
    content = r.content;
  } else if (type === 'revoke') {
    content = emptyContent();
    const rv = rec(m.revoke);
    const target = idStr(rv.original_message_id) ?? idStr(rv.message_id);
    if (target !== null) revoke = { targetWaMessageId: target };
  } else {
    content = readContent(type, m);
  }

  const ts = parseTimestamp(m.timestamp);
  const event: InboundMessageEvent = {
    ...origin,
    kind: 'message',
    waMessageId,
    from,
    timestamp: ts ?? fallbackTimestamp ?? 0,
    type,
    ...content,
    edit,
    revoke,
    context: readContext(m.context),
    referral: readReferral(m.referral),
    errors: parseMetaErrors(m.errors),
    groupId: idStr(m.group_id),
    raw: m,
  };
  return { event, timestampMissing: ts === null };
}
