/** Pure helpers for campaigns: status chips, the audience form ↔ API shape, the campaign form, start gate, report numbers. */
import type { Mapping, Slot, Template } from '../templates/templates.api';
import { cleanMapping, type Badge } from '../templates/templates.models';
import type { Audience, Campaign, CampaignInput, CampaignReport, CampaignStatus, FieldOp, Recipient } from './campaigns.api';

const STATUS: Record<CampaignStatus, Badge> = {
  draft: { label: 'Draft', tone: 'neutral' },
  scheduled: { label: 'Scheduled', tone: 'info' },
  sending: { label: 'Sending', tone: 'info' },
  paused: { label: 'Paused', tone: 'warn' },
  finished: { label: 'Finished', tone: 'ok' },
  cancelled: { label: 'Cancelled', tone: 'bad' },
};
/** A campaign's status as a coloured chip. */
export const campaignStatusBadge = (s: CampaignStatus): Badge => STATUS[s] ?? { label: s, tone: 'neutral' };

/** Drafts and scheduled campaigns can still be edited (the server answers 409 otherwise). */
export const isEditable = (s: CampaignStatus) => s === 'draft' || s === 'scheduled';

/** A rate (0..1) as a percentage: "42%", small ones with a decimal ("4.5%"); "—" when there is nothing to divide. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const pct = rate * 100;
  if (pct === 0 || pct >= 10) return `${Math.round(pct)}%`;
  return `${Math.round(pct * 10) / 10}%`;
}

/** part/whole as a rate, null when whole is 0. */
export const rateOf = (part: number, whole: number) => (whole > 0 ? part / whole : null);

const REASONS: Record<string, string> = {
  opted_out: 'Opted out of marketing',
  no_opt_in: 'No recorded opt-in',
  no_whatsapp: 'No WhatsApp number',
  contact_deleted: 'Contact deleted',
  cancelled: 'Campaign cancelled',
  daily_limit: 'Daily messaging limit reached',
  channel_deleted: 'The WhatsApp number was removed',
  template_missing: 'The template no longer exists',
  template_paused: 'Meta paused the template',
  template_disabled: 'Meta disabled the template',
  template_rejected: 'Meta rejected the template',
};
/** A skip, failure or waiting reason code in words ("opted_out" → "Opted out of marketing"); unknown codes tidied up. */
export function reasonLabel(code: string | null | undefined): string {
  if (!code) return 'Unknown';
  if (REASONS[code]) return REASONS[code]!;
  if (code.startsWith('channel_')) return `The WhatsApp number is ${code.slice(8).replace(/_/g, ' ')}`;
  return /^[a-z0-9_]+$/.test(code) ? code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ') : code;
}

/** Why a sending campaign is waiting, and until when ("… sending resumes at 09:00 (in 2h 5m)"); null when it is not. */
export function waitingText(c: Pick<Campaign, 'waitingReason' | 'waitingUntil'>, now: number, locale?: string): string | null {
  if (!c.waitingReason && !c.waitingUntil) return null;
  const reason = c.waitingReason ? reasonLabel(c.waitingReason) : 'Waiting';
  if (!c.waitingUntil) return `${reason}.`;
  const until = Date.parse(c.waitingUntil);
  const when = new Date(until).toLocaleString(locale, { dateStyle: new Date(until).toDateString() === new Date(now).toDateString() ? undefined : 'medium', timeStyle: 'short' });
  const mins = Math.max(0, Math.round((until - now) / 60_000));
  const left = mins >= 60 ? `${Math.floor(mins / 60)}h ${mins % 60}m` : `${mins}m`;
  return `${reason}: sending resumes at ${when} (in ${left}).`;
}

export const FIELD_OPS: { id: FieldOp; label: string; needsValue: boolean }[] = [
  { id: 'eq', label: 'is', needsValue: true },
  { id: 'neq', label: 'is not', needsValue: true },
  { id: 'contains', label: 'contains', needsValue: true },
  { id: 'gt', label: 'is more than', needsValue: true },
  { id: 'lt', label: 'is less than', needsValue: true },
  { id: 'set', label: 'has a value', needsValue: false },
  { id: 'unset', label: 'is empty', needsValue: false },
];
const needsValue = (op: FieldOp) => FIELD_OPS.find((o) => o.id === op)?.needsValue ?? true;

/** The audience form's state: lists as typed text, numbers as strings, excluded contacts with their names. */
export interface AudienceDraft {
  tags: string;
  tagMatch: 'any' | 'all';
  excludeTags: string;
  customFields: { key: string; op: FieldOp; value: string }[];
  stageIds: string[];
  withinDays: string;
  olderThanDays: string;
  requireOptIn: boolean;
  excludeContacts: { id: string; label: string }[];
}

const list = (text: string) => [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
const days = (text: string) => (/^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined);

/** The form state for a stored audience (excluded contacts named by `names`, else by id). */
export function audienceDraft(a: Audience | null | undefined, names: ReadonlyMap<string, string> = new Map()): AudienceDraft {
  return {
    tags: (a?.tags ?? []).join(', '),
    tagMatch: a?.tagMatch ?? 'any',
    excludeTags: (a?.excludeTags ?? []).join(', '),
    customFields: (a?.customFields ?? []).map((f) => ({ key: f.key, op: f.op, value: f.value ?? '' })),
    stageIds: [...(a?.stageIds ?? [])],
    withinDays: a?.lastActivity?.withinDays ? String(a.lastActivity.withinDays) : '',
    olderThanDays: a?.lastActivity?.olderThanDays ? String(a.lastActivity.olderThanDays) : '',
    requireOptIn: a?.requireOptIn ?? false,
    excludeContacts: (a?.excludeContactIds ?? []).map((id) => ({ id, label: names.get(id) ?? id })),
  };
}

/** The API's audience for the form: empty parts left out, tags de-duplicated, value-less operators without a value. */
export function audienceFromDraft(d: AudienceDraft): Audience {
  const tags = list(d.tags);
  const excludeTags = list(d.excludeTags);
  const customFields = d.customFields.filter((f) => f.key.trim()).map((f) => ({ key: f.key.trim(), op: f.op, ...(needsValue(f.op) && { value: f.value.trim() }) }));
  const withinDays = days(d.withinDays);
  const olderThanDays = days(d.olderThanDays);
  return {
    ...(tags.length && { tags, tagMatch: d.tagMatch }),
    ...(excludeTags.length && { excludeTags }),
    ...(customFields.length && { customFields }),
    ...(d.stageIds.length && { stageIds: [...d.stageIds] }),
    ...((withinDays || olderThanDays) && { lastActivity: { ...(withinDays && { withinDays }), ...(olderThanDays && { olderThanDays }) } }),
    requireOptIn: d.requireOptIn,
    ...(d.excludeContacts.length && { excludeContactIds: d.excludeContacts.map((c) => c.id) }),
  };
}

export const DEFAULT_RATE = 80;
export const DEFAULT_ATTRIBUTION_DAYS = 7;

/** The campaign form's state. `templateId` is the default-language row of the template named `templateName`. */
export interface CampaignDraft {
  name: string;
  channelId: string;
  templateName: string;
  templateId: string;
  variantLanguages: string[];
  mapping: Mapping;
  audience: AudienceDraft;
  ratePerSecond: string;
  attributionDays: string;
  /** A datetime-local value ('' = start by hand). */
  scheduleAt: string;
}

/** Form state for a stored campaign, or a new one on the given channel at its rate. */
export function campaignDraft(c: Campaign | null, defaults: { channelId?: string; ratePerSecond?: number } = {}, names?: ReadonlyMap<string, string>): CampaignDraft {
  return {
    name: c?.name ?? '',
    channelId: c?.channelId ?? defaults.channelId ?? '',
    templateName: c?.templateName ?? '',
    templateId: c?.templateId ?? '',
    variantLanguages: [...(c?.variantLanguages ?? [])],
    mapping: c?.mapping ?? { params: {} },
    audience: audienceDraft(c?.audience, names),
    ratePerSecond: String(c?.ratePerSecond ?? defaults.ratePerSecond ?? DEFAULT_RATE),
    attributionDays: String(c?.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS),
    scheduleAt: c?.scheduledAt ? isoToLocalInput(c.scheduledAt) : '',
  };
}

/** The request body for the form (the mapping cleaned for the template's slots). */
export function campaignInput(d: CampaignDraft, slots: readonly Slot[]): CampaignInput {
  const rate = days(d.ratePerSecond);
  const attribution = days(d.attributionDays);
  return {
    name: d.name.trim(),
    ...(d.channelId && { channelId: d.channelId }),
    templateId: d.templateId,
    variantLanguages: [...d.variantLanguages],
    mapping: cleanMapping(slots, d.mapping),
    audience: audienceFromDraft(d.audience),
    ...(rate && { ratePerSecond: rate }),
    ...(attribution && { attributionDays: attribution }),
  };
}

/** What is wrong with the form, in words (empty when it can be saved). */
export function validateCampaign(d: CampaignDraft, now: number): string[] {
  const out: string[] = [];
  if (!d.name.trim()) out.push('Give the campaign a name.');
  if (!d.templateId) out.push('Choose a template.');
  const rate = Number(d.ratePerSecond);
  if (!/^\d+$/.test(d.ratePerSecond.trim()) || rate < 1 || rate > 1000) out.push('Sending rate: a whole number of messages per second, 1 to 1000.');
  const attribution = Number(d.attributionDays);
  if (!/^\d+$/.test(d.attributionDays.trim()) || attribution < 1 || attribution > 90) out.push('Attribution window: 1 to 90 days.');
  for (const [label, v] of [['Active within', d.audience.withinDays], ['Inactive for', d.audience.olderThanDays]] as const) {
    if (v.trim() && !days(v)) out.push(`${label}: a whole number of days.`);
  }
  for (const f of d.audience.customFields) {
    if (f.key.trim() && needsValue(f.op) && !f.value.trim()) out.push(`Custom field filter “${f.key}”: enter a value.`);
  }
  if (d.scheduleAt) {
    const at = localInputToIso(d.scheduleAt);
    if (!at || Date.parse(at) <= now) out.push('Schedule: pick a time in the future.');
  }
  return out;
}

/**
 * Whether Start/Schedule may be pressed, and if not, why: unsaved changes first, then a test send after
 * the last content change (the server refuses with 422 campaigns.not_tested otherwise).
 */
export function startGate(c: Pick<Campaign, 'status' | 'testSentAt' | 'contentChangedAt'>, dirty: boolean): { ok: boolean; hint: string | null } {
  if (!isEditable(c.status)) return { ok: false, hint: null };
  if (dirty) return { ok: false, hint: 'Save your changes first.' };
  const tested = !!c.testSentAt && (!c.contentChangedAt || Date.parse(c.testSentAt) >= Date.parse(c.contentChangedAt));
  if (!tested) return { ok: false, hint: c.testSentAt ? 'The message changed since the last test: send a test again to unlock starting.' : 'Send a test first: it shows exactly what customers will get.' };
  return { ok: true, hint: null };
}

/** Which controls a campaign in this status offers. */
export function campaignActions(s: CampaignStatus): ('save' | 'test' | 'start' | 'pause' | 'resume' | 'cancel' | 'delete')[] {
  switch (s) {
    case 'draft':
      return ['save', 'test', 'start', 'delete'];
    case 'scheduled':
      return ['save', 'test', 'start', 'cancel'];
    case 'sending':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    default:
      return [];
  }
}

/** A datetime-local value (local time) → ISO; null when it is not one. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO time → a datetime-local value in local time ('' for none). */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The per-recipient CSV download, optionally only one status. */
export const recipientsCsvHref = (campaignId: string, status?: string) => `/api/v1/campaigns/${encodeURIComponent(campaignId)}/recipients.csv${status ? `?status=${encodeURIComponent(status)}` : ''}`;

/** Approved templates by name (sorted), each with its language rows: the template select, then the language select. */
export function templatesByName(templates: readonly Template[]): Map<string, Template[]> {
  const out = new Map<string, Template[]>();
  for (const t of [...templates].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))) {
    if (t.status !== 'APPROVED') continue;
    out.set(t.name, [...(out.get(t.name) ?? []), t]);
  }
  return out;
}

/** The report's timeline as uPlot data: Unix seconds, then sent, delivered, read and replied per bucket. */
export function timelineData(t: CampaignReport['timeline']): [number[], number[], number[], number[], number[]] {
  const pts = t.points;
  return [pts.map((p) => Date.parse(p.at) / 1000), pts.map((p) => p.sent), pts.map((p) => p.delivered), pts.map((p) => p.read), pts.map((p) => p.replied)];
}

/** The headline of a campaign in the list: how far it got. */
export function headline(c: Pick<Campaign, 'counts'>): { label: string; value: string }[] {
  const n = c.counts;
  return [
    { label: 'Recipients', value: String(n.recipients) },
    { label: 'Sent', value: String(n.sent) },
    { label: 'Delivered', value: formatRate(rateOf(n.delivered, n.sent)) },
    { label: 'Read', value: formatRate(rateOf(n.read, n.sent)) },
    { label: 'Failed', value: String(n.failed) },
  ];
}

const RECIPIENT_TONES: Record<string, Badge['tone']> = { read: 'ok', delivered: 'ok', sent: 'info', failed: 'bad', skipped: 'warn' };
/** A recipient's status as a chip ("Read" green, "Failed" red, "Skipped" amber, waiting ones grey). */
export const recipientBadge = (status: string): Badge => ({ label: status.charAt(0).toUpperCase() + status.slice(1), tone: RECIPIENT_TONES[status] ?? 'neutral' });

/** The latest thing that happened to a recipient's message, with its time; null before anything did. */
export function lastStep(r: Pick<Recipient, 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt' | 'repliedAt'>): { label: string; at: string } | null {
  const steps: [string, string | null][] = [
    ['Replied', r.repliedAt],
    ['Failed', r.failedAt],
    ['Read', r.readAt],
    ['Delivered', r.deliveredAt],
    ['Sent', r.sentAt],
  ];
  let best: { label: string; at: string } | null = null;
  for (const [label, at] of steps) if (at && (!best || Date.parse(at) > Date.parse(best.at))) best = { label, at };
  return best;
}

/** The report's counters in reading order, each with its rate where one means something. */
export function reportCounters(r: CampaignReport): { id: string; label: string; value: number; rate?: string }[] {
  const n = r.counts;
  return [
    { id: 'recipients', label: 'Recipients', value: n.recipients },
    { id: 'sent', label: 'Sent', value: n.sent, rate: formatRate(rateOf(n.sent, n.recipients - n.skipped)) },
    { id: 'delivered', label: 'Delivered', value: n.delivered, rate: formatRate(r.rates.delivered) },
    { id: 'read', label: 'Read', value: n.read, rate: formatRate(r.rates.read) },
    { id: 'failed', label: 'Failed', value: n.failed, rate: formatRate(rateOf(n.failed, n.recipients - n.skipped)) },
    { id: 'replied', label: 'Replied', value: n.replied, rate: formatRate(r.rates.replied) },
    { id: 'opted-out', label: 'Opted out after', value: n.optedOut, rate: formatRate(rateOf(n.optedOut, n.delivered)) },
    { id: 'converted', label: 'Converted', value: n.converted, rate: formatRate(r.rates.converted) },
  ];
}
