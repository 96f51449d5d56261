import { api } from '../../lib/api/client';

export interface ResponseRow {
  id: string | null;
  name: string | null;
  resolved: number;
  firstResponseMedianMinutes: number | null;
  resolutionMedianMinutes: number | null;
}

export interface Report {
  from: string;
  to: string;
  volume: { day: string; inbound: number; outbound: number }[];
  responseByAgent: ResponseRow[];
  responseByTeam: ResponseRow[];
  openByStage: { pipelineId: string; pipelineName: string; stageId: string; stageName: string; currency: string | null; deals: number; amount: string }[];
  wonByPipeline: { pipelineId: string; pipelineName: string; currency: string | null; deals: number; amount: string }[];
}

/** The report over local calendar days `from`..`to` (the offset makes "a day" the viewer's day). */
export const fetchReport = (range: { from: string; to: string; offset: number }) => api<Report>(`/reports?from=${range.from}&to=${range.to}&offset=${range.offset}`);

/** One Click-to-WhatsApp ad (or other referral source) and what came of the conversations it started. */
export interface AdRow {
  sourceId: string;
  sourceType: string | null;
  headline: string | null;
  sourceUrl: string | null;
  contacts: number;
  conversations: number;
  replied: number;
  dealsWon: number;
  wonValue: { currency: string; amountMinor: number }[];
}

/** Ads that brought customers in the last `days` days. */
export const fetchAdsReport = (days: number) => api<AdRow[]>(`/reports/ads?days=${days}`);
