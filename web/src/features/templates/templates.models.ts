/** Pure helpers for templates: badges, the mapping editor's choices and clean-up, test numbers, the preview bubble. */
import type { Mapping, Slot, SlotMapping, SlotSource, TemplatePreview } from './templates.api';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'info';
export interface Badge {
  label: string;
  tone: Tone;
}

const STATUS: Record<string, Badge> = {
  APPROVED: { label: 'Approved', tone: 'ok' },
  PENDING: { label: 'Pending review', tone: 'warn' },
  REJECTED: { label: 'Rejected', tone: 'bad' },
  PAUSED: { label: 'Paused', tone: 'warn' },
  DISABLED: { label: 'Disabled', tone: 'bad' },
};
const QUALITY: Record<string, Badge> = {
  GREEN: { label: 'Quality: high', tone: 'ok' },
  YELLOW: { label: 'Quality: medium', tone: 'warn' },
  RED: { label: 'Quality: low', tone: 'bad' },
};

/** Meta's review status as a coloured badge. */
export const statusBadge = (status: string): Badge => STATUS[status.toUpperCase()] ?? { label: status, tone: 'neutral' };
/** Meta's quality rating as a coloured badge (UNKNOWN or none: grey). */
export const qualityBadge = (quality: string | null | undefined): Badge => QUALITY[(quality ?? '').toUpperCase()] ?? { label: 'Quality: unknown', tone: 'neutral' };

export const TEMPLATE_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;

export const SOURCES: { id: SlotSource; label: string }[] = [
  { id: 'fixed', label: 'Fixed value' },
  { id: 'contact', label: 'Contact field' },
  { id: 'contact_custom', label: 'Contact custom field' },
  { id: 'deal', label: 'Deal field' },
  { id: 'deal_custom', label: 'Deal custom field' },
];
export const CONTACT_FIELDS = [
  { id: 'name', label: 'Name' },
  { id: 'first_name', label: 'First name' },
  { id: 'phone', label: 'Phone' },
  { id: 'email', label: 'Email' },
  { id: 'company', label: 'Company' },
  { id: 'reference', label: 'Reference' },
];
export const DEAL_FIELDS = [
  { id: 'title', label: 'Title' },
  { id: 'amount', label: 'Amount' },
  { id: 'stage', label: 'Stage' },
];

const MEDIA_KINDS = new Set(['image', 'video', 'document']);
/** A header that carries an uploaded file rather than text. */
export const isMediaSlot = (s: Pick<Slot, 'kind'>) => MEDIA_KINDS.has(s.kind);

/** How a slot is named in the editor: "Body {{1}}", "Header image", "Button 1 link ending". */
export function slotLabel(s: Slot): string {
  const n = (s.buttonIndex ?? 0) + 1;
  if (s.component === 'button') {
    if (s.kind === 'url') return `Button ${n} link ending`;
    if (s.kind === 'copy_code') return `Button ${n} coupon code`;
    if (s.kind === 'quick_reply') return `Button ${n} reply payload`;
    return `Button ${n}`;
  }
  const part = s.component === 'header' ? 'Header' : 'Body';
  if (isMediaSlot(s) || s.kind === 'location') return `${part} ${s.kind}`;
  return `${part} {{${s.name}}}`;
}

/** The mapping for the editor: one entry per text slot (missing ones start as an empty fixed value), nothing for unknown slots. */
export function fillMapping(slots: readonly Slot[], mapping: Mapping | null | undefined): Mapping {
  const params: Record<string, SlotMapping> = {};
  for (const s of slots) {
    if (isMediaSlot(s)) continue;
    params[s.id] = { ...(mapping?.params[s.id] ?? { source: 'fixed', value: '' }) };
  }
  return { params, headerMediaId: mapping?.headerMediaId ?? null };
}

/** A slot's mapping after choosing another source: the field starts empty; a fixed value keeps no field and no fallback. */
export function changeSource(m: SlotMapping, source: SlotSource): SlotMapping {
  if (source === m.source) return m;
  return source === 'fixed' ? { source, value: m.value ?? '' } : { source, field: '', fallback: m.fallback ?? '' };
}

/**
 * What is sent to the server: trimmed, only what the source uses, empty fallbacks left out. A slot with
 * no value yet (an empty fixed value, a field not chosen) is left out: the server lists it as missing.
 */
export function cleanMapping(slots: readonly Slot[], mapping: Mapping): Mapping {
  const params: Record<string, SlotMapping> = {};
  for (const s of slots) {
    const m = mapping.params[s.id];
    if (isMediaSlot(s) || !m) continue;
    if (m.source === 'fixed') {
      const value = (m.value ?? '').trim();
      if (value) params[s.id] = { source: 'fixed', value };
      continue;
    }
    const field = (m.field ?? '').trim();
    const fallback = (m.fallback ?? '').trim();
    if (field) params[s.id] = { source: m.source, field, ...(fallback && { fallback }) };
  }
  const hasMedia = slots.some(isMediaSlot);
  return { params, ...(hasMedia && { headerMediaId: mapping.headerMediaId ?? null }) };
}

/** A quick-reply button's payload may stay empty (WhatsApp then sends the button's text back). */
export const isOptionalSlot = (s: Pick<Slot, 'kind'>) => s.kind === 'quick_reply';

/** What is not set up yet, in words (empty when every slot has a value or a source). */
export function mappingProblems(slots: readonly Slot[], mapping: Mapping): string[] {
  const out: string[] = [];
  for (const s of slots) {
    if (isOptionalSlot(s) || s.kind === 'location') continue;
    if (isMediaSlot(s)) {
      if (!mapping.headerMediaId) out.push(`${slotLabel(s)}: choose a file.`);
      continue;
    }
    const m = mapping.params[s.id];
    if (!m || (m.source === 'fixed' && !(m.value ?? '').trim())) out.push(`${slotLabel(s)}: enter a value.`);
    else if (m.source !== 'fixed' && !(m.field ?? '').trim()) out.push(`${slotLabel(s)}: choose a field.`);
  }
  return out;
}

export const MAX_TEST_NUMBERS = 10;

/**
 * Test recipients typed by a person: separated by commas, semicolons or new lines; spaces, dashes, dots
 * and brackets inside a number are dropped. Up to 10 distinct numbers of 6–15 digits, "+" optional.
 */
export function parseNumbers(text: string): { numbers: string[]; error: string | null } {
  const parts = text
    .split(/[,;\n]+/)
    .map((p) => p.replace(/[\s\-.()]/g, ''))
    .filter(Boolean);
  const bad = parts.find((p) => !/^\+?\d{6,15}$/.test(p));
  if (bad) return { numbers: [], error: `“${bad}” is not a phone number.` };
  const numbers = [...new Set(parts.map((p) => (p.startsWith('+') ? p : `+${p}`)))];
  if (!numbers.length) return { numbers, error: 'Enter at least one number.' };
  if (numbers.length > MAX_TEST_NUMBERS) return { numbers: [], error: `At most ${MAX_TEST_NUMBERS} numbers per test.` };
  return { numbers, error: null };
}

/** A run of text with WhatsApp's formatting (*bold*, _italic_, ~strike~, ```monospace```). */
export interface Segment {
  text: string;
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  mono?: boolean;
}

const MARKS: Record<string, keyof Omit<Segment, 'text'>> = { '*': 'bold', _: 'italic', '~': 'strike', '```': 'mono' };

/** Text as WhatsApp shows it: marked runs (no space just inside the marks, on one line) become formatted segments. */
export function formatWhatsApp(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /```([^`]+?)```|([*_~])(?=\S)([^\n]*?\S)\2/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ text: m[1], mono: true });
    else out.push({ text: m[3]!, [MARKS[m[2]!]!]: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export type BubbleHeader = { kind: 'text'; text: string } | { kind: 'image' | 'video' | 'document' | 'location'; mediaId: string | null } | null;
export interface Bubble {
  header: BubbleHeader;
  body: Segment[];
  footer: string | null;
  buttons: { text: string; icon: string; url?: string }[];
}

const BUTTON_ICONS: Record<string, string> = { url: '↗', quick_reply: '↩', copy_code: '⧉', phone_number: '☎', otp: '⧉' };

/** The server's rendered preview as a WhatsApp bubble: header, formatted body, footer, buttons with their icons. */
export function bubbleModel(p: TemplatePreview['preview']): Bubble {
  const header: BubbleHeader = !p.header ? null : p.header.type === 'text' ? { kind: 'text', text: p.header.text } : { kind: p.header.type, mediaId: p.header.mediaId ?? null };
  return {
    header,
    body: formatWhatsApp(p.body),
    footer: p.footer?.trim() ? p.footer : null,
    buttons: p.buttons.map((b) => ({ text: b.text, icon: BUTTON_ICONS[b.type.toLowerCase()] ?? '', ...(b.url && { url: b.url }) })),
  };
}

/** "en_US" → "English (United States)" in the browser's language; the code itself when unknown. */
export function languageName(code: string, locale?: string): string {
  try {
    const name = new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'language' }).of(code.replace('_', '-'));
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}
