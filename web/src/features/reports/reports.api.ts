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
