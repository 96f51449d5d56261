/**
 * Validation of `POST /{phone-number-id}/messages` bodies the way the Graph API answers them
 * (CLOUD-API.md §3): which parameter is missing or invalid, and with which code (100 / 131008 / 131021 /
 * 132xxx). Pure apart from the lookups passed in.
 */
import { GraphError } from './simulator.errors.js';
import { normalizeWaId } from './simulator.payloads.js';
import { checkTemplateSend, type Template } from './simulator.templates.js';

export const SEND_TYPES = ['audio', 'contacts', 'document', 'image', 'interactive', 'location', 'reaction', 'sticker', 'template', 'text', 'video'] as const;
const MEDIA_TYPES = new Set(['audio', 'document', 'image', 'sticker', 'video']);
const INTERACTIVE_TYPES = ['address_message', 'button', 'call_permission_request', 'cta_url', 'flow', 'list', 'location_request_message', 'product', 'product_list'];

export type ParsedSend =
  | { kind: 'mark-read'; messageId: string }
  | {
      kind: 'message';
      /** What the caller sent as `to` (or `recipient`), echoed as `contacts[].input`. */
      input: string;
      /** Digits for phone recipients; the BSUID itself for `recipient`-only sends. */
      recipientId: string;
      isBsuid: boolean;
      type: string;
      template: Template | null;
      voice: boolean;
      bizOpaqueCallbackData: string | undefined;
    };

export interface SendContext {
  templates: readonly Template[];
  hasMedia(id: string): boolean;
  displayPhoneNumber: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function invalid(message: string, details = message): GraphError {
  return new GraphError(100, { message, details });
}

function checkMedia(type: string, obj: Json, ctx: SendContext): void {
  const hasId = typeof obj.id === 'string' && obj.id !== '';
  const hasLink = typeof obj.link === 'string' && obj.link !== '';
  if (hasId === hasLink) throw invalid(`Param ${type} must contain either id or link.`);
  if (hasId && !ctx.hasMedia(obj.id as string)) {
    throw invalid('Invalid parameter', `Param ${type}['id'] is not a valid whatsapp business account media attachment ID`);
  }
  if (hasLink && !/^https?:\/\//i.test(obj.link as string)) throw invalid('Invalid parameter', `Param ${type}['link'] is not a valid URL`);
  if (obj.caption !== undefined) {
    if (type === 'audio' || type === 'sticker') throw invalid(`Param ${type}['caption'] is not a valid parameter.`);
    if (typeof obj.caption !== 'string' || obj.caption.length > 1024) throw invalid(`Param ${type}['caption'] must be at most 1024 characters long.`);
  }
}

function checkInteractive(obj: Json): void {
  const kind = obj.type;
  if (typeof kind !== 'string' || !INTERACTIVE_TYPES.includes(kind)) {
    throw invalid(`Param interactive['type'] must be one of {${INTERACTIVE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(kind)}".`);
  }
  const body = obj.body;
  if (['button', 'list', 'cta_url'].includes(kind) && !(isObject(body) && typeof body.text === 'string' && body.text)) {
    throw invalid("The parameter interactive['body']['text'] is required.");
  }
  const action = isObject(obj.action) ? obj.action : null;
  if (!action && kind !== 'location_request_message') throw invalid("The parameter interactive['action'] is required.");
  if (kind === 'button') {
    const buttons = Array.isArray(action?.buttons) ? action.buttons : [];
    if (buttons.length < 1 || buttons.length > 3) throw invalid("Param interactive['action']['buttons'] must contain at least 1 and at most 3 elements.");
    for (const b of buttons) {
      const reply = isObject(b) && isObject(b.reply) ? b.reply : null;
      if (!reply || typeof reply.id !== 'string' || typeof reply.title !== 'string') throw invalid("The parameter interactive['action']['buttons'][]['reply'] is required.");
      if (reply.title.length > 20) throw invalid('Invalid parameter', 'Button title length invalid. Max length is 20.');
    }
  }
  if (kind === 'list') {
    const sections = Array.isArray(action?.sections) ? action.sections : [];
    if (typeof action?.button !== 'string' || !action.button) throw invalid("The parameter interactive['action']['button'] is required.");
    if (sections.length < 1 || sections.length > 10) throw invalid("Param interactive['action']['sections'] must contain at least 1 and at most 10 elements.");
    const rows = sections.reduce<number>((n, s) => n + (isObject(s) && Array.isArray(s.rows) ? s.rows.length : 0), 0);
    if (rows < 1 || rows > 10) throw invalid('Invalid parameter', 'Total row count exceed max allowed count: 10');
  }
}

function checkTypeObject(type: string, obj: unknown, ctx: SendContext): Template | null {
  if (!isObject(obj) && !(type === 'contacts' && Array.isArray(obj))) throw new GraphError(131008, { details: `The parameter ${type} is required.` });
  if (type === 'text') {
    const body = (obj as Json).body;
    if (typeof body !== 'string' || body === '') throw invalid("The parameter text['body'] is required.");
    if (body.length > 4096) throw invalid("Param text['body'] must be at most 4096 characters long.");
  } else if (MEDIA_TYPES.has(type)) {
    checkMedia(type, obj as Json, ctx);
  } else if (type === 'reaction') {
    const r = obj as Json;
    if (typeof r.message_id !== 'string' || !r.message_id) throw invalid("The parameter reaction['message_id'] is required.");
    if (typeof r.emoji !== 'string') throw invalid("The parameter reaction['emoji'] is required.");
  } else if (type === 'location') {
    const l = obj as Json;
    for (const key of ['latitude', 'longitude'] as const) {
      const v = l[key];
      // Meta's own example sends coordinates as strings; numbers work too.
      if ((typeof v !== 'number' && typeof v !== 'string') || !Number.isFinite(Number(v)) || v === '') throw invalid(`The parameter location['${key}'] is required.`);
    }
  } else if (type === 'contacts') {
    if (!Array.isArray(obj) || obj.length === 0) throw invalid('Param contacts must be a non-empty array.');
    obj.forEach((c, i) => {
      const name = isObject(c) && isObject(c.name) ? c.name : null;
      if (!name || typeof name.formatted_name !== 'string' || !name.formatted_name) throw invalid(`The parameter contacts[${i}]['name']['formatted_name'] is required.`);
    });
  } else if (type === 'interactive') {
    checkInteractive(obj as Json);
  } else if (type === 'template') {
    return checkTemplateSend(ctx.templates, obj);
  }
  return null;
}

/** Parses and validates a send body; throws GraphError with Meta's code for the first problem found. */
export function parseSendBody(body: unknown, ctx: SendContext): ParsedSend {
  if (!isObject(body)) throw invalid('Invalid parameter', 'Request body must be a JSON object.');
  if (body.messaging_product === undefined) throw invalid('The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') throw invalid(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);

  // Mark-as-read (and typing indicator) share the endpoint: {status:"read", message_id}.
  if (body.status !== undefined) {
    if (body.status !== 'read') throw invalid(`Param status must be one of {READ} - got "${String(body.status)}".`);
    if (typeof body.message_id !== 'string' || !body.message_id) throw invalid('The parameter message_id is required.');
    return { kind: 'mark-read', messageId: body.message_id };
  }

  if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
    throw invalid(`Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(body.recipient_type)}".`);
  }
  // `to` wins over `recipient` when both are present (BSUID doc).
  let input: string;
  let recipientId: string;
  let isBsuid = false;
  if (body.to !== undefined) {
    if (typeof body.to !== 'string') throw invalid('Invalid parameter', 'Param to must be a string.');
    const digits = normalizeWaId(body.to);
    if (digits.length < 5 || digits.length > 15 || /[^\d\s+()\-.]/.test(body.to)) throw invalid('Invalid parameter', `Invalid WhatsApp ID: ${body.to}`);
    input = body.to;
    recipientId = digits;
  } else if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/.test(body.recipient)) {
      throw invalid('Invalid parameter', `Invalid recipient: ${String(body.recipient)}`);
    }
    input = body.recipient;
    recipientId = body.recipient;
    isBsuid = true;
  } else {
    throw new GraphError(131008, { details: 'The parameter to is required.' });
  }
  if (!isBsuid && recipientId === normalizeWaId(ctx.displayPhoneNumber)) throw new GraphError(131021);

  // Meta defaults a missing type to "text".
  const type = body.type === undefined ? 'text' : body.type;
  if (typeof type !== 'string' || !(SEND_TYPES as readonly string[]).includes(type)) {
    throw invalid(`Param type must be one of {${SEND_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(type)}".`);
  }
  if (body.context !== undefined && !(isObject(body.context) && typeof body.context.message_id === 'string')) {
    throw invalid("The parameter context['message_id'] is required.");
  }
  if (type === 'reaction' && body.context !== undefined) throw invalid('Invalid parameter', 'A reaction message cannot be a contextual reply.');
  const template = checkTypeObject(type, body[type], ctx);
  const typeObj = body[type];
  return {
    kind: 'message',
    input,
    recipientId,
    isBsuid,
    type,
    template,
    voice: type === 'audio' && isObject(typeObj) && typeObj.voice === true,
    bizOpaqueCallbackData: typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
  };
}
