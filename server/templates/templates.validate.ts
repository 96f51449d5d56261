/**
 * Checks a template send before it reaches Meta (pure): what 132000 (count), 132012 (format), 132005
 * (too long) and 132015/132016 (paused/disabled) would say later, said now in plain words.
 */
import { AppError, unprocessable } from '../lib/errors.js';
import {
  buttonSendInfo,
  buttonsOf,
  componentOf,
  fillPlaceholders,
  headerMediaKind,
  isNamedTemplate,
  isObj,
  isRequiredSlot,
  templateSlots,
  type Obj,
  type TemplateShape,
  type TemplateSlot,
} from './templates.shape.js';

/** Meta's limits on a filled-in template (template creation and send docs). */
export const TEMPLATE_LIMITS = {
  headerText: 60,
  bodyText: 1024,
  urlSuffix: 2000,
  // Meta documents no maximum for a template quick-reply payload; 256 is its limit for reply button ids.
  quickReplyPayload: 256,
  couponCode: 15,
} as const;

/** Throws 422 `templates.not_approved` unless Meta approved the template; paused/disabled say why. */
export function assertTemplateSendable(t: TemplateShape): void {
  const status = t.status.toUpperCase();
  if (status === 'APPROVED') return;
  const why: Record<string, string> = {
    PAUSED: 'Meta paused it because of low quality (error 132015); it can be sent again once it is edited or Meta lifts the pause',
    DISABLED: 'Meta disabled it after it was paused too many times (error 132016); create a new template instead',
    PENDING: 'Meta is still reviewing it',
    IN_APPEAL: 'its appeal is still under review at Meta',
    REJECTED: 'Meta rejected it',
  };
  throw unprocessable(
    'templates.not_approved',
    `The template ${t.name} (${t.language}) is ${status}: ${why[status] ?? 'it is not approved at Meta'}. Only approved templates can be sent.`,
  );
}

const length = (s: string) => [...s].length;

/** Indefinite article for "header needs an image / a video". */
const a = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/**
 * Checks the Graph `components` of a template send against the definition; throws 422
 * `templates.invalid_parameters` naming the component and index ("body parameter 2 is missing").
 */
export function validateTemplateComponents(t: TemplateShape, components: unknown[] | undefined): void {
  const bad = (detail: string) => unprocessable('templates.invalid_parameters', `Template ${t.name} (${t.language}): ${detail}.`);
  if (components !== undefined && !Array.isArray(components)) throw bad('components must be a list');
  const slots = templateSlots(t);
  const named = isNamedTemplate(t);
  let header: Obj | undefined;
  let body: Obj | undefined;
  const buttons = new Map<number, Obj>();
  for (const [i, c] of (components ?? []).entries()) {
    if (!isObj(c) || typeof c.type !== 'string') throw bad(`component ${i} needs a type (header, body or button)`);
    const type = c.type.toLowerCase();
    if (type === 'header' || type === 'body') {
      if ((type === 'header' ? header : body) !== undefined) throw bad(`${type} is given twice`);
      if (type === 'header') header = c;
      else body = c;
    } else if (type === 'button') {
      // Meta takes the index as a string.
      const index = typeof c.index === 'string' && /^\d+$/.test(c.index) ? Number(c.index) : null;
      if (index === null) throw bad(`button component ${i} needs an index as a string ("0", "1", …)`);
      if (buttons.has(index)) throw bad(`button ${index} is given twice`);
      buttons.set(index, c);
    } else if (!componentOf(t, type.toUpperCase())) {
      // carousel / limited_time_offer are passed through when the template has them.
      throw bad(`the template has no ${type} component to fill`);
    }
  }

  const headerSlots = slots.filter((s) => s.component === 'header');
  const media = headerMediaKind(t);
  if (media && headerSlots.length) checkMediaHeader(bad, media, header);
  else {
    const values = checkTextParams(bad, 'header', headerSlots, header, named);
    const text = componentOf(t, 'HEADER')?.text;
    const filled = typeof text === 'string' ? fillPlaceholders(text, (n) => values[n]) : '';
    if (length(filled) > TEMPLATE_LIMITS.headerText) throw bad(`header is ${length(filled)} characters once filled in; WhatsApp allows ${TEMPLATE_LIMITS.headerText}`);
  }
  const values = checkTextParams(bad, 'body', slots.filter((s) => s.component === 'body'), body, named);
  const text = componentOf(t, 'BODY')?.text;
  const filled = typeof text === 'string' ? fillPlaceholders(text, (n) => values[n]) : '';
  if (length(filled) > TEMPLATE_LIMITS.bodyText) throw bad(`body is ${length(filled)} characters once filled in; WhatsApp allows ${TEMPLATE_LIMITS.bodyText}`);

  const defs = buttonsOf(t);
  for (const [index, c] of buttons) {
    const def = defs[index];
    if (!def) throw bad(`button ${index} is not in the template (it has ${defs.length} button${defs.length === 1 ? '' : 's'})`);
    const info = buttonSendInfo(def);
    if (info.subType === null) throw bad(`button ${index} (${info.type.toLowerCase()}) takes no parameters`);
    if (c.sub_type !== info.subType) throw bad(`button ${index} is a ${info.subType} button, not ${JSON.stringify(c.sub_type ?? null)}`);
    const slot = slots.find((s) => s.buttonIndex === index);
    if (slot) checkButton(bad, slot, c);
    else if (info.subType === 'url') throw bad(`button ${index} (url) has a fixed URL and takes no parameter`);
  }
  const missing = slots.find((s) => s.component === 'button' && isRequiredSlot(s) && !buttons.has(s.buttonIndex!));
  if (missing) throw bad(`button ${missing.buttonIndex} (${missing.kind}) needs one ${missing.kind === 'url' ? 'text' : 'coupon_code'} parameter`);
}

type Bad = (detail: string) => AppError;

function paramsOf(bad: Bad, part: string, c: Obj | undefined): unknown[] {
  if (!c || c.parameters === undefined) return [];
  if (!Array.isArray(c.parameters)) throw bad(`${part} parameters must be a list`);
  return c.parameters;
}

/** Header (text) or body parameters: count, names, types and text rules. Returns the shown text per slot name. */
function checkTextParams(bad: Bad, part: 'header' | 'body', slots: TemplateSlot[], c: Obj | undefined, named: boolean): Record<string, string> {
  const list = paramsOf(bad, part, c);
  if (!slots.length) {
    if (list.length) throw bad(`${part} takes no parameters, but ${list.length} ${list.length === 1 ? 'was' : 'were'} given`);
    return {};
  }
  const out: Record<string, string> = {};
  if (named) {
    list.forEach((p, i) => {
      const name = isObj(p) ? p.parameter_name : undefined;
      if (typeof name !== 'string' || !name) throw bad(`${part} parameter ${i + 1} needs a parameter_name (this template uses named parameters)`);
      if (!slots.some((s) => s.name === name)) throw bad(`${part} parameter "${name}" is not in the template (it has ${slots.map((s) => s.name).join(', ')})`);
      if (name in out) throw bad(`${part} parameter "${name}" is given twice`);
      out[name] = checkTextParam(bad, part, `"${name}"`, p);
    });
    const missing = slots.find((s) => !(s.name in out));
    if (missing) throw bad(`${part} parameter "${missing.name}" is missing`);
    return out;
  }
  if (list.length > slots.length) throw bad(`${part} has ${list.length} parameters, but the template has ${slots.length}`);
  slots.forEach((slot, i) => {
    if (i >= list.length) throw bad(`${part} parameter ${slot.name} is missing`);
    out[slot.name] = checkTextParam(bad, part, slot.name, list[i]);
  });
  return out;
}

function checkTextParam(bad: Bad, part: 'header' | 'body', label: string, p: unknown): string {
  const where = `${part} parameter ${label}`;
  if (!isObj(p)) throw bad(`${where} must be an object`);
  const allowed = part === 'body' ? ['text', 'currency', 'date_time'] : ['text'];
  if (typeof p.type !== 'string' || !allowed.includes(p.type)) throw bad(`${where} must be of type ${allowed.join(', ')}, not ${JSON.stringify(p.type ?? null)}`);
  let text: unknown;
  if (p.type === 'text') text = p.text;
  else {
    const inner = p[p.type];
    if (!isObj(inner)) throw bad(`${where} needs a ${p.type} object`);
    if (p.type === 'currency') {
      if (typeof inner.code !== 'string' || !/^[A-Z]{3}$/.test(inner.code)) throw bad(`${where} needs an ISO 4217 currency code`);
      if (!Number.isInteger(inner.amount_1000)) throw bad(`${where} needs amount_1000 (the amount × 1000, a whole number)`);
    }
    text = inner.fallback_value;
  }
  if (typeof text !== 'string' || !text.trim()) throw bad(`${where} is empty`);
  // Meta refuses these in parameters (error 132018), even where the template text itself has them.
  if (/[\n\r\t]/.test(text)) throw bad(`${where} contains a new line or tab, which WhatsApp does not allow in parameters`);
  if (/ {5}/.test(text)) throw bad(`${where} has more than 4 consecutive spaces, which WhatsApp does not allow`);
  return text;
}

function checkMediaHeader(bad: Bad, kind: 'image' | 'video' | 'document' | 'location', c: Obj | undefined) {
  const list = paramsOf(bad, 'header', c);
  if (list.length === 0) throw bad(`header needs ${a(kind)}`);
  if (list.length > 1) throw bad(`header takes one ${kind}, but ${list.length} parameters were given`);
  const p = list[0];
  if (!isObj(p) || p.type !== kind) throw bad(`header needs ${a(kind)}, not ${JSON.stringify(isObj(p) ? (p.type ?? null) : p)}`);
  const inner = p[kind];
  if (kind === 'location') {
    const coord = (v: unknown, max: number) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && Math.abs(Number(v)) <= max;
    if (!isObj(inner) || !coord(inner.latitude, 90) || !coord(inner.longitude, 180)) throw bad('header location needs a latitude and a longitude');
    return;
  }
  const ok = isObj(inner) && ((typeof inner.id === 'string' && inner.id !== '') || (typeof inner.link === 'string' && /^https:\/\/\S+$/.test(inner.link)));
  if (!ok) throw bad(`header ${kind} needs an uploaded media id or an https link`);
}

function checkButton(bad: Bad, slot: TemplateSlot, c: Obj) {
  const i = slot.buttonIndex!;
  const spec = {
    url: { type: 'text', max: TEMPLATE_LIMITS.urlSuffix, what: 'URL suffix' },
    quick_reply: { type: 'payload', max: TEMPLATE_LIMITS.quickReplyPayload, what: 'payload' },
    copy_code: { type: 'coupon_code', max: TEMPLATE_LIMITS.couponCode, what: 'coupon code' },
  }[slot.kind as 'url' | 'quick_reply' | 'copy_code'];
  const list = paramsOf(bad, `button ${i}`, c);
  const p = list[0];
  if (list.length !== 1 || !isObj(p) || p.type !== spec.type) throw bad(`button ${i} (${slot.kind}) needs one ${spec.type} parameter`);
  const value = p[spec.type];
  if (typeof value !== 'string' || !value.trim()) throw bad(`button ${i} (${slot.kind}) ${spec.what} is empty`);
  if (length(value) > spec.max) throw bad(`button ${i} (${slot.kind}) ${spec.what} is ${length(value)} characters; WhatsApp allows ${spec.max}`);
}
