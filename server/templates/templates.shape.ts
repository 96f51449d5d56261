/**
 * A template definition as Meta lists it (CLOUD-API.md §5) and the slots a send has to fill (pure).
 * Shared by validation, building, preview and the mapping; `templates.params.ts` is the public face.
 */

export type SlotKind = 'text' | 'image' | 'video' | 'document' | 'location' | 'url' | 'quick_reply' | 'copy_code';

export interface TemplateSlot {
  /** Stable id used as the mapping key: `header.1`, `body.1`, `body.first_name` (NAMED), `button.0` (button index). */
  id: string;
  component: 'header' | 'body' | 'button';
  kind: SlotKind;
  /** Positional number as a string ("1") or the named parameter's name. */
  name: string;
  buttonIndex?: number;
  /** Example value from the template definition when Meta gives one. */
  example?: string;
}

export interface TemplateShape {
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameterFormat: string | null;
  components: unknown[];
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Distinct `{{n}}` / `{{name}}` placeholders of a component text, in order of first appearance. */
export function placeholders(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Replaces each placeholder with `value(name)`, or leaves `{{name}}` where there is no value. */
export function fillPlaceholders(text: string, value: (name: string) => string | undefined): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const v = value(name);
    return v === undefined || v === '' ? `{{${name}}}` : v;
  });
}

/** The template's component of a type (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`, …). */
export function componentOf(t: TemplateShape, type: string): Obj | undefined {
  return t.components.find((c): c is Obj => isObj(c) && String(c.type ?? '').toUpperCase() === type);
}

/** The template's buttons, in Meta's order (the send's `index`). */
export function buttonsOf(t: TemplateShape): Obj[] {
  const b = componentOf(t, 'BUTTONS')?.buttons;
  return Array.isArray(b) ? b.map((x) => (isObj(x) ? x : {})) : [];
}

/** True when parameters are sent with `parameter_name` (Meta's `parameter_format: NAMED`). */
export function isNamedTemplate(t: TemplateShape): boolean {
  return (t.parameterFormat ?? '').toUpperCase() === 'NAMED';
}

const MEDIA_FORMATS: Record<string, SlotKind> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document', LOCATION: 'location' };

/** The header's media kind (image, video, document, location), or null for a text header or none. */
export function headerMediaKind(t: TemplateShape): 'image' | 'video' | 'document' | 'location' | null {
  const format = String(componentOf(t, 'HEADER')?.format ?? 'TEXT').toUpperCase();
  return (MEDIA_FORMATS[format] as 'image' | 'video' | 'document' | 'location' | undefined) ?? null;
}

/**
 * How a template button is filled at send time: the `sub_type` Meta expects (null: the button takes no
 * button component at all, e.g. PHONE_NUMBER) and the slot kind (null: nothing for Parley to fill).
 */
export function buttonSendInfo(button: Obj): { type: string; subType: string | null; kind: SlotKind | null } {
  const type = String(button.type ?? '').toUpperCase();
  switch (type) {
    case 'URL':
      return { type, subType: 'url', kind: placeholders(button.url).length ? 'url' : null };
    // Authentication templates: the one-time code goes in as the `url` button's text (Meta's OTP send shape).
    case 'OTP':
      return { type, subType: 'url', kind: 'url' };
    case 'QUICK_REPLY':
      return { type, subType: 'quick_reply', kind: 'quick_reply' };
    case 'COPY_CODE':
      return { type, subType: 'copy_code', kind: 'copy_code' };
    case 'PHONE_NUMBER':
    case 'VOICE_CALL':
      return { type, subType: null, kind: null };
    default:
      // FLOW, CATALOG, MPM, …: optional action parameters Parley does not build; passed through unchecked.
      return { type, subType: type.toLowerCase(), kind: null };
  }
}

const firstString = (v: unknown): string | undefined => {
  if (typeof v === 'string' && v) return v;
  if (Array.isArray(v)) return firstString(v[0]);
  return undefined;
};

function namedExample(list: unknown, name: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const hit = list.find((p) => isObj(p) && p.param_name === name);
  return isObj(hit) && typeof hit.example === 'string' ? hit.example : undefined;
}

function positionalExample(rows: unknown, name: string): string | undefined {
  const row = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : Array.isArray(rows) ? rows : [];
  const v = row[Number(name) - 1];
  return typeof v === 'string' ? v : undefined;
}

/** Positional placeholders go by number ({{1}} is the first parameter); named ones keep their order. */
function orderedNames(t: TemplateShape, text: unknown): string[] {
  const names = placeholders(text);
  return isNamedTemplate(t) ? names : names.sort((a, b) => Number(a) - Number(b));
}

/** Every value a send of this template needs (quick replies are optional: Meta then uses the button text). */
export function templateSlots(t: TemplateShape): TemplateSlot[] {
  const slots: TemplateSlot[] = [];
  const header = componentOf(t, 'HEADER');
  const media = headerMediaKind(t);
  const headerEx = isObj(header?.example) ? header.example : {};
  if (header && media) {
    slots.push({ id: 'header.1', component: 'header', kind: media, name: '1', example: firstString(headerEx.header_handle) });
  } else if (header) {
    for (const name of orderedNames(t, header.text)) {
      const example = namedExample(headerEx.header_text_named_params, name) ?? positionalExample(headerEx.header_text, name);
      slots.push({ id: `header.${name}`, component: 'header', kind: 'text', name, example });
    }
  }
  const body = componentOf(t, 'BODY');
  const bodyEx = isObj(body?.example) ? body.example : {};
  for (const name of orderedNames(t, body?.text)) {
    const example = namedExample(bodyEx.body_text_named_params, name) ?? positionalExample(bodyEx.body_text, name);
    slots.push({ id: `body.${name}`, component: 'body', kind: 'text', name, example });
  }
  buttonsOf(t).forEach((b, i) => {
    const { kind } = buttonSendInfo(b);
    if (!kind) return;
    let example: string | undefined;
    if (kind === 'url' && typeof b.url === 'string') {
      // Meta's example is the whole URL; the slot is only the part that replaces {{1}}.
      const full = firstString(b.example);
      const prefix = b.url.split('{{')[0]!;
      example = full && full.startsWith(prefix) ? full.slice(prefix.length) : full;
    } else if (kind === 'copy_code') {
      example = firstString(b.example);
    } else if (kind === 'quick_reply') {
      example = typeof b.text === 'string' ? b.text : undefined;
    }
    slots.push({ id: `button.${i}`, component: 'button', kind, name: '1', buttonIndex: i, example });
  });
  return slots;
}

/** Slots a send cannot leave out. */
export const isRequiredSlot = (s: TemplateSlot) => s.kind !== 'quick_reply';
