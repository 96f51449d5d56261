import { api, apiPage } from '../../lib/api/client';
import type { Task } from '../tasks/tasks.api';

export type StageOutcome = 'open' | 'won' | 'lost';
/** A per-currency sum, the amount in major units as a decimal string ("1200.50"). */
export interface MoneyTotal {
  currency: string;
  amount: string;
}

export interface Stage {
  id: string;
  name: string;
  outcome: StageOutcome;
  position: number;
  dealCount: number;
  totals: MoneyTotal[];
}

export interface Pipeline {
  id: string;
  name: string;
  position: number;
  stages: Stage[];
}

export type DealKind = 'deal' | 'order' | 'booking' | 'case';
export const DEAL_KINDS: DealKind[] = ['deal', 'order', 'booking', 'case'];
export type PaymentStatus = 'none' | 'pending' | 'paid' | 'failed' | 'refunded' | 'cancelled';

export interface Deal {
  id: string;
  /** Who the deal is with (name and phone), embedded so the board needs no lookup per card. */
  contact?: { id: string; name: string | null; phone: string | null } | null;
  kind: DealKind;
  title: string;
  reference: string | null;
  amount: string | null;
  currency: string | null;
  pipelineId: string;
  stageId: string;
  stage: { id: string; name: string; outcome: StageOutcome } | null;
  ownerId: string | null;
  contactId: string | null;
  conversationId: string | null;
  expectedCloseAt: string | null;
  customFields: Record<string, string | number>;
  stageEnteredAt: string;
  closedAt: string | null;
  payment: { status: PaymentStatus; amount: string | null; currency: string | null; link: string | null; providerRef: string | null; updatedAt: string | null };
  createdAt: string;
  updatedAt: string;
}

type StageRef = { id: string; name: string | null; outcome: StageOutcome | null } | null;
export interface DealDetail extends Deal {
  stageHistory: { from: StageRef; to: StageRef; at: string; msInPrevious: number | null; actorId: string | null }[];
  timeInStages: { stage: StageRef; ms: number; current: boolean }[];
  tasks: Task[];
}

export interface DealInput {
  title?: string;
  kind?: DealKind;
  reference?: string | null;
  amount?: string | null;
  currency?: string | null;
  pipelineId?: string;
  stageId?: string;
  ownerId?: string | null;
  contactId?: string | null;
  conversationId?: string | null;
  expectedCloseAt?: string | null;
  customFields?: Record<string, string | number | null>;
}

export interface DealQuery {
  pipelineId?: string;
  stageId?: string;
  contactId?: string;
  conversationId?: string;
  open?: boolean;
  q?: string;
  cursor?: string | null;
  limit?: number;
}

const query = (q: object) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === null || v === '' ? [] : [[k, String(v)]]))).toString();

export const fetchPipelines = () => api<Pipeline[]>('/pipelines');
export const fetchDeals = (q: DealQuery) => apiPage<Deal>(`/deals?${query(q)}`);
export const fetchDeal = (id: string) => api<DealDetail>(`/deals/${encodeURIComponent(id)}`);
export const createDeal = (body: DealInput) => api<Deal>('/deals', { method: 'POST', body });
export const updateDeal = (id: string, body: DealInput) => api<Deal>(`/deals/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const deleteDeal = (id: string) => api<void>(`/deals/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const requestPayment = (id: string, body: { amount: string; currency: string; link: string; providerRef?: string }) =>
  api<Deal>(`/deals/${encodeURIComponent(id)}/payment-request`, { method: 'PUT', body });
export const createDealTask = (body: { title: string; dueAt?: string; dealId?: string; contactId?: string; conversationId?: string }) => api<Task>('/tasks', { method: 'POST', body });
export const fetchOpenTasks = (filter: { contactId?: string; dealId?: string }) => api<Task[]>(`/tasks?${query({ ...filter, done: 'false', limit: 50 })}`);

// Deals carry only a contactId (the API has no batch lookup), so names are fetched once per id and kept.
const contactNames = new Map<string, Promise<string | null>>();

/** Display names (name, else phone) for contact ids; cached for the session, 4 requests at a time. */
export async function fetchContactNames(ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !contactNames.has(id));
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const id = missing[next++]!;
      const p = api<{ name: string | null; phone: string | null }>(`/contacts/${encodeURIComponent(id)}`).then(
        (c) => c.name ?? c.phone,
        () => null,
      );
      contactNames.set(id, p);
      await p;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const out = new Map<string, string>();
  for (const id of wanted) {
    const name = await contactNames.get(id);
    if (name) out.set(id, name);
  }
  return out;
}

/** Forgets a cached contact name (after the contact was renamed here). */
export const forgetContactName = (id: string) => contactNames.delete(id);
