import { api } from '../../lib/api/client';

/** How long raw webhooks and media are kept, in days (null: forever), and what the last daily run did. */
export interface RetentionSettings {
  webhookDays: number | null;
  mediaDays: number | null;
  lastRun: { at: string; webhookEventsDeleted: number; mediaPurged: number; filesDeleted: number; filesKept: number; interrupted: boolean } | null;
}

export const fetchRetention = () => api<RetentionSettings>('/settings/retention');
export const saveRetention = (body: { webhookDays: number | null; mediaDays: number | null }) => api<RetentionSettings>('/settings/retention', { method: 'PUT', body });
