import { api } from '../../lib/api/client';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'agent';
}

export interface SystemStatus {
  mode: 'sandbox' | 'live';
  version: string;
  webhookUrl: string;
  demoLogin: { email: string; password: string } | null;
  needsSetup: boolean;
}

export const fetchMe = () => api<Me>('/me');
export const fetchSystemStatus = () => api<SystemStatus>('/system/status');
export const login = (email: string, password: string) => api<{ user: Me }>('/auth/login', { method: 'POST', body: { email, password } });
export const logout = () => api<void>('/auth/logout', { method: 'POST' });
export const setupOwner = (body: { email: string; name: string; password: string }) => api<{ user: Me }>('/auth/setup', { method: 'POST', body });
