import { api, apiPage } from '../../lib/api/client';
import type { Mapping, TestSendResult } from '../templates/templates.api';

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'finished' | 'cancelled';
export type FieldOp = 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'set' | 'unset';

/** Who a campaign goes to; every part is optional (an empty audience is everyone with a WhatsApp number). */
export interface Audience {
  tags?: string[];
  tagMatch?: 'any' | 'all';
  excludeTags?: string[];
  customFields?: { key: string; op: FieldOp; value?: string }[];
  stageIds?: string[];
  lastActivity?: { withinDays?: number; olderThanDays?: number };
  requireOptIn?: boolean;
  excludeContactIds?: string[];
}

export interface CampaignInput {
  name: string;
  channelId?: string;
  /** The default-language template row. */
  templateId: string;
  variantLanguages?: string[];
  mapping?: Mapping;
  audience: Audience;
  ratePerSecond?: number;
  attributionDays?: number;
}

export interface CampaignCounts {
  recipients: number;
  pending: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  channelId: string | null;
  templateId: string;
  templateName: string | null;
  language: string | null;
  variantLanguages: string[];
  mapping: Mapping | null;
  audience: Audience;
  ratePerSecond: number | null;
  attributionDays: number | null;
  scheduledAt: string | null;
  startedAt: string | null;
  pausedAt: string | null;
  finishedAt: string | null;
  testSentAt: string | null;
  contentChangedAt: string | null;
  waitingUntil: string | null;
  waitingReason: string | null;
  createdAt: string;
  updatedAt: string;
  counts: CampaignCounts;
}

export interface AudiencePreview {
  matched: number;
  excluded: number;
  suppressed: { opted_out: number; no_opt_in: number; no_whatsapp: number };
  total: number;
}

export interface MoneyMinor {
  currency: string;
  amountMinor: number;
}

export interface CampaignReport {
  counts: { recipients: number; skipped: number; failed: number; sent: number; delivered: number; read: number; replied: number; optedOut: number; converted: number };
  rates: { delivered: number; read: number; replied: number; converted: number };
  timeline: { bucketMs: number; points: { at: string; sent: number; delivered: number; read: number; replied: number }[] };
  failures: { code: number | null; reason: string; count: number }[];
  skipped: { reason: string; count: number }[];
  conversions: { deals: number; value: MoneyMinor[] };
}

export type RecipientStatus = 'pending' | 'skipped' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Recipient {
  contactId: string;
  name: string | null;
  phone: string | null;
  state: string;
  status: RecipientStatus;
  reason: string | null;
  language: string | null;
  messageId: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  repliedAt: string | null;
  optedOutAt: string | null;
  convertedAt: string | null;
  errorCode: number | null;
  errorTitle: string | null;
}

const id = encodeURIComponent;

export const fetchCampaigns = () => api<Campaign[]>('/campaigns');
export const fetchCampaign = (campaignId: string) => api<Campaign>(`/campaigns/${id(campaignId)}`);
export const createCampaign = (body: CampaignInput) => api<Campaign>('/campaigns', { method: 'POST', body });
export const updateCampaign = (campaignId: string, body: Partial<CampaignInput>) => api<Campaign>(`/campaigns/${id(campaignId)}`, { method: 'PATCH', body });
export const deleteCampaign = (campaignId: string) => api<void>(`/campaigns/${id(campaignId)}`, { method: 'DELETE' });
export const previewAudience = (body: { audience: Audience; channelId?: string; templateId?: string }) => api<AudiencePreview>('/campaigns/audience-preview', { method: 'POST', body });
export const testSendCampaign = (campaignId: string, to: string[]) => api<TestSendResult>(`/campaigns/${id(campaignId)}/test-send`, { method: 'POST', body: { to } });
/** Starts now, or schedules when `at` is in the future. */
export const startCampaign = (campaignId: string, at?: string) => api<Campaign>(`/campaigns/${id(campaignId)}/start`, { method: 'POST', body: at ? { at } : {} });
export const campaignAction = (campaignId: string, action: 'pause' | 'resume' | 'cancel') => api<Campaign>(`/campaigns/${id(campaignId)}/${action}`, { method: 'POST' });
export const fetchCampaignReport = (campaignId: string) => api<CampaignReport>(`/campaigns/${id(campaignId)}/report`);
export const fetchRecipients = (campaignId: string, q: { status?: string; cursor?: string | null; limit?: number }) => {
  const params = new URLSearchParams({ limit: String(q.limit ?? 50) });
  if (q.status) params.set('status', q.status);
  if (q.cursor) params.set('cursor', q.cursor);
  return apiPage<Recipient>(`/campaigns/${id(campaignId)}/recipients?${params}`);
};
