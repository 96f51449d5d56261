/**
 * Template parameters (pure, no database): the slots a template has, checking and building the Graph
 * `components` of a send (CLOUD-API.md §3.1), the customer's view of it, and the language to send.
 */
import { buttonSendInfo, buttonsOf, componentOf, fillPlaceholders, headerMediaKind, isNamedTemplate, templateSlots, type TemplateShape } from './templates.shape.js';

export type { SlotKind, TemplateShape, TemplateSlot } from './templates.shape.js';
export { templateSlots } from './templates.shape.js';
export { assertTemplateSendable, TEMPLATE_LIMITS, validateTemplateComponents } from './templates.validate.js';

const isUrl = (v: string | undefined): v is string => !!v && /^https:\/\/\S+$/.test(v);

/** A location header value: `latitude,longitude` or a JSON object `{latitude, longitude, name?, address?}`. */
function parseLocation(v: string | undefined): Record<string, unknown> | null {
  if (!v) return null;
  if (v.trim().startsWith('{')) {
    try {
      const o = JSON.parse(v) as Record<string, unknown>;
      return o && typeof o === 'object' ? o : null;
    } catch {
      return null;
    }
  }
  const [lat, lng] = v.split(',').map((x) => x.trim());
  return lat && lng && Number.isFinite(Number(lat)) && Number.isFinite(Number(lng)) ? { latitude: lat, longitude: lng } : null;
}

/**
 * The Graph `components` for these values (keyed by slot id). headerMedia is the WhatsApp media id for a
 * media header; without it an https URL value of `header.1` is sent as a `link`. A missing text value
 * is sent empty (validation then names it); a quick reply without a value is left out (Meta then uses the
 * button text as the payload).
 */
export function buildTemplateComponents(t: TemplateShape, values: Record<string, string>, headerMedia?: { waMediaId: string } | null): Record<string, unknown>[] {
  const slots = templateSlots(t);
  const named = isNamedTemplate(t);
  const out: Record<string, unknown>[] = [];
  const text = (id: string, name: string) => ({ type: 'text', ...(named && { parameter_name: name }), text: values[id] ?? '' });

  const media = headerMediaKind(t);
  const header = slots.filter((s) => s.component === 'header');
  if (media === 'location') {
    const location = parseLocation(values['header.1']);
    if (location) out.push({ type: 'header', parameters: [{ type: 'location', location }] });
  } else if (media && header.length) {
    const ref = headerMedia?.waMediaId ? { id: headerMedia.waMediaId } : isUrl(values['header.1']) ? { link: values['header.1'] } : null;
    if (ref) out.push({ type: 'header', parameters: [{ type: media, [media]: ref }] });
  } else if (header.length) {
    out.push({ type: 'header', parameters: header.map((s) => text(s.id, s.name)) });
  }

  const body = slots.filter((s) => s.component === 'body');
  if (body.length) out.push({ type: 'body', parameters: body.map((s) => text(s.id, s.name)) });

  for (const s of slots) {
    if (s.component !== 'button') continue;
    const value = values[s.id] ?? '';
    const button = { type: 'button', index: String(s.buttonIndex) };
    if (s.kind === 'url') out.push({ ...button, sub_type: 'url', parameters: [{ type: 'text', text: value }] });
    else if (s.kind === 'copy_code') out.push({ ...button, sub_type: 'copy_code', parameters: [{ type: 'coupon_code', coupon_code: value }] });
    else if (s.kind === 'quick_reply' && value) out.push({ ...button, sub_type: 'quick_reply', parameters: [{ type: 'payload', payload: value }] });
  }
  return out;
}

export interface TemplatePreview {
  header: { type: 'text'; text: string } | { type: 'image' | 'video' | 'document' | 'location'; mediaId: string | null } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string; url?: string }[];
}

const BUTTON_LABELS: Record<string, string> = { COPY_CODE: 'Copy offer code', OTP: 'Copy code' };

/** Exactly what the customer sees: placeholders replaced (missing values shown as {{n}}), footer, buttons with their final URL. */
export function renderTemplatePreview(t: TemplateShape, values: Record<string, string>, headerMediaId?: string | null): TemplatePreview {
  const fill = (text: unknown, component: string) => (typeof text === 'string' ? fillPlaceholders(text, (name) => values[`${component}.${name}`]) : '');
  const h = componentOf(t, 'HEADER');
  const media = headerMediaKind(t);
  const header: TemplatePreview['header'] = !h ? null : media ? { type: media, mediaId: headerMediaId ?? null } : { type: 'text', text: fill(h.text, 'header') };
  const footer = componentOf(t, 'FOOTER')?.text;
  const buttons = buttonsOf(t).map((b, i) => {
    const type = buttonSendInfo(b).type;
    const label = typeof b.text === 'string' && b.text ? b.text : (BUTTON_LABELS[type] ?? type.toLowerCase());
    const url = type === 'URL' && typeof b.url === 'string' ? fillPlaceholders(b.url, () => values[`button.${i}`]) : undefined;
    return { type: type.toLowerCase(), text: label, ...(url !== undefined && { url }) };
  });
  return { header, body: fill(componentOf(t, 'BODY')?.text, 'body'), footer: typeof footer === 'string' ? footer : null, buttons };
}

const normLang = (l: string) => l.trim().toLowerCase().replace(/-/g, '_');
const baseLang = (l: string) => normLang(l).split('_')[0]!;

/** Language to send: exact match of the contact's language (e.g. pt_BR), then same base language (pt), then `fallback`. Case and `-`/`_` insensitive. */
export function pickTemplateLanguage(available: string[], contactLanguage: string | null, fallback: string): string {
  if (!contactLanguage?.trim()) return fallback;
  const wanted = normLang(contactLanguage);
  const exact = available.find((l) => normLang(l) === wanted);
  if (exact) return exact;
  const base = baseLang(wanted);
  // The plain base language (pt) before a sibling region (pt_PT for a pt_BR contact).
  return available.find((l) => normLang(l) === base) ?? available.find((l) => baseLang(l) === base) ?? fallback;
}
