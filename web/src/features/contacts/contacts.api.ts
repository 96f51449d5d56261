import { api, apiPage } from '../../lib/api/client';

export interface ContactRecord {
  id: string;
  name: string | null;
  phone: string | null;
  waId: string | null;
  userId: string | null;
  username: string | null;
  profileName: string | null;
  tags: string[];
  email: string | null;
  company: string | null;
  reference: string | null;
  language: string | null;
  ownerId: string | null;
  customFields: Record<string, string | number>;
  marketingOptOut: boolean;
  consent: { source: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContactFilter {
  q?: string;
  tag?: string;
  ownerId?: string;
}

export interface ContactInput {
  name?: string;
  phone?: string | null;
  email?: string | null;
  company?: string | null;
  reference?: string | null;
  language?: string | null;
  ownerId?: string | null;
  customFields?: Record<string, string | number | null>;
}

/** What POST /contacts/import did or, on a dry run, would do; `row` is the spreadsheet row (header = 1). */
export interface ImportReport {
  rows: number;
  valid: number;
  created: number;
  updated: number;
  skipped: number;
  errors: { row: number; field: string; message: string }[];
  duplicates: { row: number; phone: string; contactId?: string; duplicateOfRow?: number }[];
}

export const filterQuery = (f: ContactFilter) =>
  new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();

export const fetchContacts = (f: ContactFilter, cursor?: string | null, limit = 50) =>
  apiPage<ContactRecord>(`/contacts?${filterQuery(f)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
export const fetchContact = (id: string) => api<ContactRecord>(`/contacts/${encodeURIComponent(id)}`);
export const createContact = (body: ContactInput & { name: string }) => api<ContactRecord>('/contacts', { method: 'POST', body });
export const patchContact = (id: string, body: ContactInput) => api<ContactRecord>(`/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const deleteContact = (id: string) => api<void>(`/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });
/** Merges `sourceId` into `targetId`: the source's conversations, deals, tasks and tags move over and it is deleted. */
export const mergeContact = (targetId: string, sourceId: string) => api<ContactRecord>(`/contacts/${encodeURIComponent(targetId)}/merge`, { method: 'POST', body: { sourceId } });
export const addContactTag = (id: string, tag: string) => api<ContactRecord>(`/contacts/${encodeURIComponent(id)}/tags`, { method: 'POST', body: { tag } });
export const removeContactTag = (id: string, tag: string) => api<ContactRecord>(`/contacts/${encodeURIComponent(id)}/tags/${encodeURIComponent(tag)}`, { method: 'DELETE' });
export const importContacts = (body: { csv: string; mapping: Record<string, string>; dryRun: boolean; onDuplicate: 'skip' | 'update' }) =>
  api<ImportReport>('/contacts/import', { method: 'POST', body });
/** The CSV download of the contacts matching a filter (owners and admins). */
export const exportHref = (f: ContactFilter) => `/api/v1/contacts/export${filterQuery(f) ? `?${filterQuery(f)}` : ''}`;
/** How a contact is named in lists: the name, else the phone. */
export const contactLabel = (c: { name: string | null; phone: string | null }) => c.name ?? c.phone ?? 'Unnamed contact';
