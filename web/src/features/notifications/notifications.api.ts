import { api, apiPage } from '../../lib/api/client';

/** One in-app notification (a rule's "notify", a task falling due); `link` is where clicking leads. */
export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  conversationId: string | null;
  link: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

/** The newest of mine, and how many are unread (the badge). */
export async function fetchNotifications(limit = 30): Promise<{ items: AppNotification[]; unreadCount: number }> {
  const page = (await apiPage<AppNotification>(`/notifications?limit=${limit}`)) as { data: AppNotification[]; unreadCount?: number };
  return { items: page.data, unreadCount: page.unreadCount ?? 0 };
}

export const markNotificationsRead = (ids: string[] | 'all') => api<{ updated: number; unreadCount: number }>('/notifications/read', { method: 'POST', body: ids === 'all' ? { all: true } : { ids } });
