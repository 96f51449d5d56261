import { api } from '../../lib/api/client';
import type { ManagerView } from '../inbox/inbox.api';

export interface OwnerLoad {
  /** null: the "nobody" row (unassigned open work). */
  userId: string | null;
  name: string | null;
  available: boolean;
  open: number;
  waitingOnBusiness: number;
  slaBreached: number;
  escalated: number;
}

export interface ManagerSummary {
  views: Record<ManagerView, number>;
  waitingMinutes: number;
  agents: OwnerLoad[];
  tasks: { dueToday: number; overdue: number };
}

export const fetchManagerSummary = (minutes: number) => api<ManagerSummary>(`/manager/summary?minutes=${minutes}`);
/** Whether round-robin may give me new conversations (a break turns it off). */
export const setAvailability = (available: boolean) => api<{ available: boolean }>('/me/availability', { method: 'PATCH', body: { available } });
