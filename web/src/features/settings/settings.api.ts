import { api, apiPage } from '../../lib/api/client';
import type { Team } from '../inbox/inbox.api';

export interface ChannelInfo {
  id: string;
  name: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  status: string;
  statusReason: string | null;
  sandbox: boolean;
  /** The WhatsApp Business Account the number belongs to (templates are per account). */
  wabaId?: string | null;
  /** Messages per second Meta allows this number (campaigns default to it). */
  throughputPerSecond?: number;
  webhookUrl: string;
  verifyToken: string;
  lastWebhookAt: string | null;
}
export interface TeamMember {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
}
export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export const fetchChannels = () => api<ChannelInfo[]>('/channels');
export const fetchUsers = () => api<TeamMember[]>('/users');
export const createUser = (body: { email: string; name: string; role: string; password: string }) => api<TeamMember>('/users', { method: 'POST', body });
export const fetchTokens = () => api<ApiToken[]>('/api-tokens');
export const createToken = (name: string) => api<ApiToken & { token: string }>('/api-tokens', { method: 'POST', body: { name } });
export const revokeToken = (id: string) => api<void>(`/api-tokens/${id}`, { method: 'DELETE' });
export interface Invitation {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
  url?: string;
}
export const fetchInvitations = () => api<Invitation[]>('/invitations');
export const invite = (email: string, role: string) => api<Invitation>('/invitations', { method: 'POST', body: { email, role } });
export const fetchInvitation = (token: string) => api<{ email: string; role: string; expiresAt: string }>(`/invitations/by-token/${token}`);
export const acceptInvitation = (token: string, name: string, password: string) => api<unknown>(`/invitations/by-token/${token}/accept`, { method: 'POST', body: { name, password } });

export interface WorkspaceSettings {
  agentsSeeAll: boolean;
  defaultRegion: string | null;
  /** Workspace SLA targets in minutes, for conversations whose team has none (null: no target). */
  slaFirstResponseMinutes: number | null;
  slaResolutionMinutes: number | null;
  /** Whole-message words that opt a customer out of (or back into) marketing. */
  optOutKeywords: string[];
  optInKeywords: string[];
  /** Sent back after a keyword (null: no reply). */
  optOutConfirmation: string | null;
  optInConfirmation: string | null;
  /** Opted-out contacts get no utility templates either. */
  utilityNeedsConsent: boolean;
  /** Meta's daily limit of unique contacts reached by templates (null: unlimited); campaigns wait when it is reached. */
  messagingLimit: number | null;
}
export const fetchSettings = () => api<WorkspaceSettings>('/settings');
export const updateSettings = (body: Partial<WorkspaceSettings>) => api<WorkspaceSettings>('/settings', { method: 'PATCH', body });

export interface TeamInput {
  name: string;
  keywords: string[];
  channelIds: string[];
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
}
export const createTeam = (body: TeamInput) => api<Team>('/teams', { method: 'POST', body });
export const updateTeam = (id: string, body: Partial<TeamInput>) => api<Team>(`/teams/${id}`, { method: 'PATCH', body });
export const deleteTeam = (id: string) => api<void>(`/teams/${id}`, { method: 'DELETE' });
export const setTeamMembers = (id: string, userIds: string[]) => api<Team>(`/teams/${id}/members`, { method: 'PUT', body: { userIds } });

export type CustomFieldType = 'text' | 'number' | 'date' | 'select';
export interface CustomField {
  id: string;
  entity: 'contact' | 'deal';
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  position: number;
}
export const fetchCustomFields = () => api<CustomField[]>('/custom-fields');
export const createCustomField = (body: { entity: 'contact' | 'deal'; key: string; label: string; type: CustomFieldType; options: string[] }) =>
  api<CustomField>('/custom-fields', { method: 'POST', body });
export const deleteCustomField = (id: string) => api<void>(`/custom-fields/${id}`, { method: 'DELETE' });

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null };
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}
export interface AuditFilter {
  entityType?: string;
  actorId?: string;
  action?: string;
}
/** One page of the audit log, newest first; pass the previous page's `nextCursor` for older entries. */
export function fetchAudit(filter: AuditFilter, cursor?: string) {
  const q = new URLSearchParams({ limit: '25' });
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return apiPage<AuditEntry>(`/audit?${q}`);
}
