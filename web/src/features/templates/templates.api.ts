import { api } from '../../lib/api/client';

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type TemplateQuality = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
export type SlotKind = 'text' | 'image' | 'video' | 'document' | 'location' | 'url' | 'quick_reply' | 'copy_code';

/** One value a template needs at send time: a header or body variable, a media header, a button parameter. */
export interface Slot {
  /** 'header.1', 'body.1', 'body.first_name', 'button.0'… */
  id: string;
  component: 'header' | 'body' | 'button';
  kind: SlotKind;
  name: string;
  buttonIndex?: number;
  example?: string;
}

export type SlotSource = 'fixed' | 'contact' | 'contact_custom' | 'deal' | 'deal_custom';

/** Where one slot's value comes from, and what to use when the contact or deal has none. */
export interface SlotMapping {
  source: SlotSource;
  field?: string;
  value?: string;
  fallback?: string;
}

export interface Mapping {
  params: Record<string, SlotMapping>;
  headerMediaId?: string | null;
}

/** Meta's raw template component (HEADER, BODY, FOOTER, BUTTONS). */
export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text?: string; url?: string; phone_number?: string }[];
  example?: unknown;
}

export interface Template {
  id: string;
  wabaId: string | null;
  waTemplateId: string | null;
  name: string;
  language: string;
  category: string | null;
  status: TemplateStatus | string;
  quality: TemplateQuality | string | null;
  rejectedReason: string | null;
  parameterFormat: string | null;
  components: TemplateComponent[];
  bodyParameters: string[];
  slots: Slot[];
  mapping: Mapping;
  testSentAt: string | null;
  /** Every language this template exists in (its sibling rows). */
  languages: string[];
  updatedAt: string;
}

export type PreviewHeader = { type: 'text'; text: string } | { type: 'image' | 'video' | 'document' | 'location'; mediaId: string | null } | null;

export interface TemplatePreview {
  preview: { header: PreviewHeader; body: string; footer: string | null; buttons: { type: string; text: string; url?: string }[] };
  /** Slots that have no value (nor fallback) for this contact: the send would fail. */
  missing: string[];
  values: Record<string, string>;
}

export interface TestSendResult {
  messages: { to: string; messageId: string | null; status: string }[];
}

const query = (q: Record<string, string | undefined>) => new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString();

export const fetchTemplateList = (filter: { status?: string; channelId?: string } = {}) => api<Template[]>(`/templates?${query(filter)}`);
export const fetchTemplate = (id: string) => api<Template>(`/templates/${encodeURIComponent(id)}`);
export const syncTemplates = () => api<unknown>('/templates/sync', { method: 'POST' });
export const saveTemplateMapping = (id: string, mapping: Mapping) => api<Template>(`/templates/${encodeURIComponent(id)}/mapping`, { method: 'PUT', body: mapping });
export const previewTemplate = (id: string, body: { contactId?: string; mapping?: Mapping }) =>
  api<TemplatePreview>(`/templates/${encodeURIComponent(id)}/preview`, { method: 'POST', body });
export const testSendTemplate = (id: string, body: { to: string[]; mapping?: Mapping }) =>
  api<TestSendResult>(`/templates/${encodeURIComponent(id)}/test-send`, { method: 'POST', body });
/** Where an uploaded media's bytes are served (signed-in). */
export const mediaContentHref = (mediaId: string) => `/api/v1/media/${encodeURIComponent(mediaId)}/content`;
