import { api } from '../../lib/api/client';

export type ConsentStatus = 'opted_in' | 'opted_out';

/** One recorded change of a contact's marketing consent. */
export interface ConsentEvent {
  status: ConsentStatus;
  /** form, import, keyword, meta_preference, delivery_error, manual. */
  source: string;
  actorId: string | null;
  detail: string | null;
  at: string;
}

export interface Consent {
  optedOut: boolean;
  source: string | null;
  history: ConsentEvent[];
}

export const fetchConsent = (contactId: string) => api<Consent>(`/contacts/${encodeURIComponent(contactId)}/consent`);
export const recordConsent = (contactId: string, body: { status: ConsentStatus; source?: 'manual' | 'form'; detail?: string }) =>
  api<Consent>(`/contacts/${encodeURIComponent(contactId)}/consent`, { method: 'POST', body });
