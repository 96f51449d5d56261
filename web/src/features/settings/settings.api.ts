import { api } from '../../lib/api/client';

export interface ChannelInfo {
  id: string;
  name: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  status: string;
  statusReason: string | null;
  sandbox: boolean;
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
