import type { Slot, SlotMapping, TemplatePreview } from '../templates/templates.api';
import { CONTACT_FIELDS, DEAL_FIELDS, isMediaSlot } from '../templates/templates.models';

/** "23h 14m left", "12m left", or null once the 24-hour window has closed. */
export function windowLeft(expiresAt: string | null, now: number): string | null {
  if (!expiresAt) return null;
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return null;
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${m}m left` : `${Math.max(1, m)}m left`;
}

/** WhatsApp-style ticks for an outbound status. */
export function statusTicks(status: string): { label: string; text: string; read: boolean } {
  switch (status) {
    case 'queued':
    case 'sending':
      return { label: 'Sending', text: '🕓', read: false };
    case 'sent':
      return { label: 'Sent', text: '✓', read: false };
    case 'delivered':
      return { label: 'Delivered', text: '✓✓', read: false };
    case 'read':
    case 'played':
      return { label: 'Read', text: '✓✓', read: true };
    case 'failed':
      return { label: 'Failed', text: '!', read: false };
    default:
      return { label: status, text: '', read: false };
  }
}

/** What a list row shows for the last message. */
export function preview(m: { type: string; text: string | null; direction: string } | null | undefined): string {
  if (!m) return 'No messages yet';
  const body = m.text ?? (m.type === 'location' ? '📍 Location' : m.type === 'image' ? '📷 Photo' : m.type === 'audio' ? '🎤 Audio' : m.type === 'document' ? '📄 Document' : `[${m.type}]`);
  return m.direction === 'outbound' ? `You: ${body}` : body;
}

/** "Today", "Yesterday" or a date, for day separators in a thread. */
export function dayLabel(iso: string, now: number): string {
  const day = (t: number) => new Date(t).toDateString();
  const t = Date.parse(iso);
  if (day(t) === day(now)) return 'Today';
  if (day(t) === day(now - 86_400_000)) return 'Yesterday';
  return new Date(t).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** Thread items (messages and internal notes) in time order, with a separator before each new day. */
export function timeline<M extends { timestamp: string }, N extends { createdAt: string }>(
  messages: readonly M[],
  notes: readonly N[],
  now: number,
): ({ kind: 'day'; label: string; key: string } | { kind: 'message'; item: M } | { kind: 'note'; item: N })[] {
  const items = [
    ...messages.map((m) => ({ kind: 'message' as const, item: m, at: Date.parse(m.timestamp) })),
    ...notes.map((n) => ({ kind: 'note' as const, item: n, at: Date.parse(n.createdAt) })),
  ].sort((a, b) => a.at - b.at);
  const out: ReturnType<typeof timeline<M, N>> = [];
  let last = '';
  for (const it of items) {
    const label = dayLabel(new Date(it.at).toISOString(), now);
    if (label !== last) out.push({ kind: 'day', label, key: `day-${label}` });
    last = label;
    out.push(it.kind === 'message' ? { kind: 'message', item: it.item } : { kind: 'note', item: it.item });
  }
  return out;
}

export function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * What a message shows instead of its media: still downloading, the download failed, or the retention
 * setting removed the file (with the day it went, so nobody hunts for a bug).
 */
export function mediaPlaceholder(m: { state: string; error: string | null; purgedAt?: string | null }): string {
  if (m.state === 'purged') {
    const day = m.purgedAt ? ` on ${new Date(m.purgedAt).toLocaleDateString()}` : '';
    return `${m.error ?? 'Media removed (retention)'}${day}`;
  }
  if (m.state === 'failed') return `Media unavailable: ${m.error ?? 'unknown reason'}`;
  return 'Downloading…';
}

/** A span as a countdown: "<1m", "12m", "3h 5m", "2h", "2d 4h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  if (h < 24) return minutes % 60 ? `${h}h ${minutes % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

export interface SlaBadge {
  label: string;
  breached: boolean;
  /** Due within 15 minutes. */
  soon: boolean;
}

/**
 * What a conversation row shows for its SLA: "SLA breached" once a clock has passed, otherwise a
 * countdown to the next due time (the first reply while none was sent, then resolution). Nothing for
 * resolved conversations or when no target applies. `now` moves on between fetches, so a clock that
 * ran out since the last refresh shows as breached too.
 */
export function slaBadge(
  c: { status: string; firstResponseAt: string | null; sla: { firstResponseDueAt: string | null; firstResponseBreached: boolean; resolutionDueAt: string | null; resolutionBreached: boolean } | null },
  now: number,
): SlaBadge | null {
  const sla = c.sla;
  if (!sla || c.status === 'resolved') return null;
  const breached: SlaBadge = { label: 'SLA breached', breached: true, soon: false };
  if (sla.firstResponseBreached || sla.resolutionBreached) return breached;
  const reply = !c.firstResponseAt && sla.firstResponseDueAt ? Date.parse(sla.firstResponseDueAt) : null;
  const due = reply ?? (sla.resolutionDueAt ? Date.parse(sla.resolutionDueAt) : null);
  if (due === null) return null;
  const left = due - now;
  if (left <= 0) return breached;
  return { label: `${reply !== null ? 'Reply' : 'Resolve'} in ${formatDuration(left)}`, breached: false, soon: left <= 15 * 60_000 };
}

/* ---------- Sending a template from the inbox (outside the 24-hour window) ---------- */

/** What the picker needs of a template: its name and language, Meta's components, its slots and mapping. */
export interface PickableTemplate {
  id: string;
  name: string;
  language: string;
  components: { type: string; format?: string; text?: string; buttons?: { type: string; text?: string; url?: string }[] }[];
  slots?: Slot[];
  mapping?: { params: Record<string, SlotMapping>; headerMediaId?: string | null } | null;
}

/** One template name with every language it is approved in (sorted by language code). */
export interface TemplateGroup<T> {
  name: string;
  templates: T[];
}

/** Approved templates grouped by name (sorted by name), each with its languages. */
export function groupTemplates<T extends { name: string; language: string }>(list: readonly T[]): TemplateGroup<T>[] {
  const byName = new Map<string, T[]>();
  for (const t of list) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, templates]) => ({ name, templates: templates.slice().sort((a, b) => a.language.localeCompare(b.language)) }));
}

/** "order_update (en)", "spring_promo (en, pt_BR)": the name with the languages it exists in. */
export const templateGroupLabel = (g: TemplateGroup<{ language: string }>) => `${g.name} (${g.templates.map((t) => t.language).join(', ')})`;

const normLang = (l: string) => l.trim().toLowerCase().replace(/-/g, '_');
const baseLang = (l: string) => normLang(l).split('_')[0]!;

/**
 * The language to offer first, like the server picks it: the contact's exact language (pt_BR), else the
 * plain base language (pt), else a sibling region (pt_PT), else the first available. Case and -/_ insensitive.
 */
export function preferredLanguage(available: readonly string[], contactLanguage: string | null | undefined): string | undefined {
  const first = available[0];
  if (!contactLanguage?.trim()) return first;
  const wanted = normLang(contactLanguage);
  const base = baseLang(wanted);
  return available.find((l) => normLang(l) === wanted) ?? available.find((l) => normLang(l) === base) ?? available.find((l) => baseLang(l) === base) ?? first;
}

/** One field the agent can fill: a header or body variable, a link ending, a coupon code, a reply payload, a location. */
export interface SlotInput {
  id: string;
  kind: Slot['kind'];
  label: string;
  /** Quick-reply payloads: WhatsApp sends the button text back when left empty. */
  optional: boolean;
  example?: string;
  /** For a link button: the fixed start of the URL the value is appended to. */
  prefix?: string;
}

const buttonsOfTemplate = (t: Pick<PickableTemplate, 'components'>) => t.components.find((c) => c.type.toUpperCase() === 'BUTTONS')?.buttons ?? [];

/** The inputs a template needs, in the order the customer reads them (media headers are chosen as files, not typed). */
export function slotInputs(t: Pick<PickableTemplate, 'components' | 'slots'>): SlotInput[] {
  const buttons = buttonsOfTemplate(t);
  return (t.slots ?? [])
    .filter((s) => !isMediaSlot(s))
    .map((s) => {
      const n = (s.buttonIndex ?? 0) + 1;
      const button = s.buttonIndex === undefined ? undefined : buttons[s.buttonIndex];
      const base = { id: s.id, kind: s.kind, optional: s.kind === 'quick_reply', ...(s.example && { example: s.example }) };
      switch (s.kind) {
        case 'url': {
          const prefix = button?.url?.split('{{')[0];
          return { ...base, label: `Button ${n} link ending`, ...(prefix && { prefix }) };
        }
        case 'copy_code':
          return { ...base, label: `Button ${n} coupon code` };
        case 'quick_reply':
          return { ...base, label: button?.text ? `Reply payload for “${button.text}”` : `Button ${n} reply payload` };
        case 'location':
          return { ...base, label: 'Header location' };
        default:
          // Body variables keep the picker's long-standing label ("Variable {{1}}").
          return { ...base, label: s.component === 'header' ? `Header {{${s.name}}}` : `Variable {{${s.name}}}` };
      }
    });
}

/** The media a template's header needs (image, video, document), or null. */
export function mediaHeaderKind(t: Pick<PickableTemplate, 'slots'>): 'image' | 'video' | 'document' | null {
  const s = (t.slots ?? []).find((x) => x.component === 'header' && isMediaSlot(x));
  return s ? (s.kind as 'image' | 'video' | 'document') : null;
}

/** What an input shows: what the agent typed, else the value the mapping gives this contact. */
export const shownValue = (id: string, typed: Readonly<Record<string, string>>, mapped: Readonly<Record<string, string>>): string => typed[id] ?? mapped[id] ?? '';

/**
 * The `values` of the send: each input's shown value, trimmed, empty ones left out (the server fills
 * those from the template's mapping for the contact).
 */
export function valuesToSend(inputs: readonly Pick<SlotInput, 'id'>[], typed: Readonly<Record<string, string>>, mapped: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of inputs) {
    const v = shownValue(i.id, typed, mapped).trim();
    if (v) out[i.id] = v;
  }
  return out;
}

/** What the customer will get per slot: the mapping's values, overridden by whatever the agent typed. */
export function effectiveValues(typed: Readonly<Record<string, string>>, mapped: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...mapped };
  for (const [id, v] of Object.entries(typed)) if (v.trim()) out[id] = v.trim();
  return out;
}

/** Required slots still without a value (quick replies are optional; a media header needs a file). */
export function missingSlots(slots: readonly Slot[], values: Readonly<Record<string, string>>, headerMediaId: string | null | undefined): Slot[] {
  return slots.filter((s) => {
    if (s.kind === 'quick_reply') return false;
    if (isMediaSlot(s)) return !headerMediaId && !values[s.id];
    return !values[s.id]?.trim();
  });
}

/** The slot ids a server message names (422 `templates.missing_value`: "no value for body.1, button.0"). */
export function slotsNamedIn(message: string, ids: readonly string[]): string[] {
  return ids.filter((id) => new RegExp(`(^|[^\\w.])${id.replace(/\./g, '\\.')}(?!\\w|\\.\\w)`).test(message));
}

const FIELD_LABELS: Record<string, Record<string, string>> = {
  contact: Object.fromEntries(CONTACT_FIELDS.map((f) => [f.id, f.label])),
  deal: Object.fromEntries(DEAL_FIELDS.map((f) => [f.id, f.label])),
};

/** Where a slot's value comes from, in words ("From the contact's first name"); null for fixed values or none. */
export function mappingHint(m: SlotMapping | undefined): string | null {
  if (!m || m.source === 'fixed' || !m.field) return null;
  const field = FIELD_LABELS[m.source]?.[m.field]?.toLowerCase() ?? m.field;
  switch (m.source) {
    case 'contact':
    case 'contact_custom':
      return `From the contact’s ${field}`;
    case 'deal':
    case 'deal_custom':
      return `From the contact’s open deal: ${field}`;
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const fill = (text: string, value: (name: string) => string | undefined) => text.replace(PLACEHOLDER, (_w, name: string) => value(name) || `{{${name}}}`);
const MEDIA_FORMATS: Record<string, 'image' | 'video' | 'document' | 'location'> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document', LOCATION: 'location' };
const BUTTON_LABELS: Record<string, string> = { COPY_CODE: 'Copy offer code', OTP: 'Copy code' };

/**
 * The message as the customer will see it, drawn in the browser as the agent types (the same rules as
 * the server's preview): placeholders filled from `values` (missing ones stay as {{n}}), footer, buttons
 * with their final link.
 */
export function renderTemplate(t: Pick<PickableTemplate, 'components'>, values: Readonly<Record<string, string>>, headerMediaId: string | null | undefined): TemplatePreview['preview'] {
  const part = (type: string) => t.components.find((c) => c.type.toUpperCase() === type);
  const h = part('HEADER');
  const media = h ? MEDIA_FORMATS[(h.format ?? 'TEXT').toUpperCase()] : undefined;
  const header: TemplatePreview['preview']['header'] = !h ? null : media ? { type: media, mediaId: headerMediaId ?? null } : { type: 'text', text: fill(h.text ?? '', (n) => values[`header.${n}`]) };
  const footer = part('FOOTER')?.text;
  const buttons = buttonsOfTemplate(t).map((b, i) => {
    const type = (b.type ?? '').toUpperCase();
    const text = b.text || BUTTON_LABELS[type] || type.toLowerCase();
    const url = type === 'URL' && typeof b.url === 'string' ? fill(b.url, () => values[`button.${i}`]) : undefined;
    return { type: type.toLowerCase(), text, ...(url !== undefined && { url }) };
  });
  return { header, body: fill(part('BODY')?.text ?? '', (n) => values[`body.${n}`]), footer: footer ?? null, buttons };
}
