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
