import { api, apiPage } from '../../lib/api/client';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface Webhook {
  id: string;
  url: string;
  /** Event types and patterns (`deal.*`, `*`). */
  events: string[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastDelivery: { id: string; eventType: string; state: DeliveryState; attempts: number; lastStatus: number | null; lastError: string | null; at: string } | null;
  /** Only in the answer that created the webhook or rotated its secret. */
  secret?: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: number;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastResponse: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string | null;
}

export const fetchWebhooks = () => api<Webhook[]>('/webhooks');
export const fetchEventTypes = () => api<string[]>('/webhooks/event-types');
export const createWebhook = (body: WebhookInput) => api<Webhook & { secret: string }>('/webhooks', { method: 'POST', body });
export const updateWebhook = (id: string, body: Partial<WebhookInput> & { enabled?: boolean; rotateSecret?: boolean }) => api<Webhook>(`/webhooks/${id}`, { method: 'PATCH', body });
export const deleteWebhook = (id: string) => api<void>(`/webhooks/${id}`, { method: 'DELETE' });
export const sendTestPing = (id: string) => api<WebhookDelivery>(`/webhooks/${id}/test`, { method: 'POST', body: {} });
export const redeliver = (id: string, deliveryId: string) => api<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`, { method: 'POST', body: {} });

/** One page of a webhook's delivery log, newest first. */
export function fetchDeliveries(id: string, cursor?: string, state?: DeliveryState) {
  const q = new URLSearchParams({ limit: '20' });
  if (state) q.set('state', state);
  if (cursor) q.set('cursor', cursor);
  return apiPage<WebhookDelivery>(`/webhooks/${id}/deliveries?${q}`);
}
